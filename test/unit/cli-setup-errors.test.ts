import { createServer, type Server } from 'node:net';
import { mkdtempSync, writeFileSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { locateTemporal } from '../../src/server/temporal-binary';
import { freePort } from '../../src/server/ports';
import { weft } from '../cli-harness';

/** An environment where no temporal binary and no Go toolchain can be found. */
function bareEnv(): NodeJS.ProcessEnv {
  return {
    PATH: mkdtempSync(join(tmpdir(), 'weft-empty-path-')),
    WEFT_CACHE_DIR: mkdtempSync(join(tmpdir(), 'weft-cache-')),
    WEFT_GO_BIN: '/nonexistent/go',
  };
}

describe('setup problems are one sentence and exit 2', () => {
  it('explains the alternatives when neither temporal nor Go is there', async () => {
    const err = await locateTemporal({ env: bareEnv(), log: () => undefined }).catch((e) => e);
    expect(err.name).toBe('WeftSetupError');
    expect(err.message).toMatch(/Go is not installed/);
    for (const alternative of ['Go >= 1.25', 'PATH', 'WEFT_TEMPORAL_BIN', 'TEMPORAL_ADDRESS'])
      expect(err.message).toContain(alternative);
  });

  it('refuses a WEFT_TEMPORAL_BIN that is not executable', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'weft-bin-'));
    const file = join(dir, 'temporal');
    writeFileSync(file, 'not a program');
    chmodSync(file, 0o644);
    await expect(locateTemporal({ env: { ...bareEnv(), WEFT_TEMPORAL_BIN: file } })).rejects.toThrow(
      /WEFT_TEMPORAL_BIN .* not an executable/,
    );
  });

  it('weft server exits 2 without Go', async () => {
    const env = bareEnv();
    const port = await freePort();
    const { code, stderr } = await weft(
      ['server', '--port', String(port), '--headless', '--db', join(env.WEFT_CACHE_DIR!, 'db')],
      env,
    );
    expect(code).toBe(2);
    expect(stderr.split('\n')).toHaveLength(1);
    expect(stderr).toMatch(/^weft: No Temporal CLI was found and Go is not installed/);
  });

  it('weft server exits 2 when the port is busy', async () => {
    const port = await freePort();
    const busy: Server = createServer().listen(port, '127.0.0.1');
    await new Promise((r) => busy.once('listening', r));
    try {
      const { code, stderr } = await weft(['server', '--port', String(port)]);
      expect(code).toBe(2);
      expect(stderr).toMatch(new RegExp(`^weft: Port ${port} \\(Temporal gRPC\\) is already in use`));
      expect(stderr.split('\n')).toHaveLength(1);
    } finally {
      busy.close();
    }
  });

  it('exits 2 when TEMPORAL_ADDRESS cannot be reached', async () => {
    const port = await freePort();
    const { code, stderr } = await weft(['run', 'examples/etl-diamond.json'], {
      TEMPORAL_ADDRESS: `127.0.0.1:${port}`,
    });
    expect(code).toBe(2);
    expect(stderr).toMatch(new RegExp(`^weft: Cannot reach the Temporal server at 127\\.0\\.0\\.1:${port}`));
    expect(stderr.split('\n')).toHaveLength(1);
  });
});
