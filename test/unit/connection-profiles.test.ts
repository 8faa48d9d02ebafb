/**
 * Connection settings from a temporal.toml profile (the file Temporal's CLI and SDKs share, read with
 * @temporalio/envconfig), under the environment variables docs/cli.md documents, which still win.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connectionConfigFromEnv } from '../../src/connection';
import { WeftSetupError } from '../../src/errors';

const dir = mkdtempSync(join(tmpdir(), 'weft-profiles-'));
const file = join(dir, 'temporal.toml');
writeFileSync(
  file,
  `
[profile.default]
address = "default-host.example:7233"
namespace = "default-ns"

[profile.staging]
address = "staging.example:7233"
namespace = "staging-ns"
api_key = "staging-key"

[profile.staging.grpc_meta]
x-team = "data"

[profile.plain]
address = "plain.example:7233"

[profile.plain.tls]
disabled = true
`,
);
const withFile = (env: Record<string, string> = {}) => connectionConfigFromEnv({ TEMPORAL_CONFIG_FILE: file, ...env });

describe('temporal.toml profiles', () => {
  it('uses the default profile when none is named', () => {
    expect(withFile()).toMatchObject({ address: 'default-host.example:7233', namespace: 'default-ns' });
    expect(withFile().tls).toBeUndefined();
  });

  it('uses the profile TEMPORAL_PROFILE names, with its API key (so TLS) and gRPC metadata', () => {
    const config = withFile({ TEMPORAL_PROFILE: 'staging' });
    expect(config).toMatchObject({
      address: 'staging.example:7233',
      namespace: 'staging-ns',
      apiKey: 'staging-key',
      tls: {},
      metadata: { 'x-team': 'data' },
    });
  });

  it('lets the documented variables win over the profile, field by field', () => {
    const config = withFile({ TEMPORAL_PROFILE: 'staging', TEMPORAL_ADDRESS: '127.0.0.1:7998' });
    expect(config).toMatchObject({ address: '127.0.0.1:7998', namespace: 'staging-ns', apiKey: 'staging-key' });
    expect(withFile({ TEMPORAL_NAMESPACE: 'mine' })).toMatchObject({
      address: 'default-host.example:7233',
      namespace: 'mine',
    });
    expect(withFile({ TEMPORAL_PROFILE: 'staging', TEMPORAL_TLS: 'false' }).tls).toBe(false);
    expect(withFile({ TEMPORAL_PROFILE: 'plain' }).tls).toBe(false);
    expect(withFile({ TEMPORAL_PROFILE: 'plain', TEMPORAL_TLS: 'TRUE' }).tls).toEqual({});
  });

  it('reads an empty variable as unset, as before', () => {
    expect(withFile({ TEMPORAL_ADDRESS: '', TEMPORAL_PROFILE: '' }).address).toBe('default-host.example:7233');
  });

  // Linux's place ($XDG_CONFIG_HOME/temporalio); macOS and Windows keep it elsewhere.
  (process.platform === 'linux' ? it : it.skip)(
    'finds the file where Temporal keeps it without TEMPORAL_CONFIG_FILE',
    () => {
      const home = mkdtempSync(join(tmpdir(), 'weft-config-home-'));
      mkdirSync(join(home, 'temporalio'));
      writeFileSync(join(home, 'temporalio', 'temporal.toml'), '[profile.default]\nnamespace = "from-home"\n');
      expect(connectionConfigFromEnv({ XDG_CONFIG_HOME: home }).namespace).toBe('from-home');
    },
  );

  it("keeps Weft's defaults when there is no file", () => {
    const config = connectionConfigFromEnv({ TEMPORAL_CONFIG_FILE: join(dir, 'missing.toml') });
    expect(config).toMatchObject({ address: 'localhost:7233', namespace: 'default', taskQueue: 'weft' });
    expect(config.tls).toBeUndefined();
    expect(connectionConfigFromEnv({})).toMatchObject({ address: 'localhost:7233', namespace: 'default' });
  });

  it('refuses an unknown profile or a broken file with a sentence', () => {
    expect(() => withFile({ TEMPORAL_PROFILE: 'prod' })).toThrow(WeftSetupError);
    expect(() => withFile({ TEMPORAL_PROFILE: 'prod' })).toThrow(/profile "prod"/);
    const broken = join(dir, 'broken.toml');
    writeFileSync(broken, '[profile.default\naddress = ');
    expect(() => connectionConfigFromEnv({ TEMPORAL_CONFIG_FILE: broken })).toThrow(WeftSetupError);
  });

  it("checks the profile's address like TEMPORAL_ADDRESS", () => {
    const bad = join(dir, 'bad-address.toml');
    writeFileSync(bad, '[profile.default]\naddress = "https://example.com/temporal"\n');
    expect(() => connectionConfigFromEnv({ TEMPORAL_CONFIG_FILE: bad })).toThrow(/The profile's address is/);
  });
});
