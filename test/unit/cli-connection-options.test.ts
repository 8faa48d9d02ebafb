/** `--address`, `--namespace`, `--profile` on the commands that talk to Temporal: they win over the environment. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildProgram } from '../../src/cli';
import { weft } from '../cli-harness';

const optionsOf = (path: string[]) => {
  let cmd = buildProgram();
  for (const name of path) cmd = cmd.commands.find((c) => c.name() === name)!;
  return cmd.options.map((o) => o.long);
};

it('puts them on every command that talks to Temporal, and on none that does not', () => {
  for (const path of [['run'], ['status'], ['list'], ['approve'], ['schedule', 'list'], ['serve'], ['worker'], ['dev']])
    expect([path.join(' '), optionsOf(path)]).toEqual([
      path.join(' '),
      expect.arrayContaining(['--address', '--namespace', '--profile']),
    ]);
  expect(optionsOf(['validate'])).not.toContain('--address');
  expect(optionsOf(['server'])).toContain('--namespace');
  expect(optionsOf(['server'])).not.toContain('--address');
});

it('--address wins over TEMPORAL_ADDRESS, and the variable is back afterwards', async () => {
  const result = await weft(['status', 'some-run', '--address', '127.0.0.1:1'], { TEMPORAL_ADDRESS: '127.0.0.1:2' });
  expect(result.code).toBe(2);
  expect(result.stderr).toMatch(/^weft: Cannot reach the Temporal server at 127\.0\.0\.1:1 /);
  expect(process.env.TEMPORAL_ADDRESS).toBeUndefined();
});

it('--profile picks a profile of temporal.toml', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'weft-profile-'));
  const file = join(dir, 'temporal.toml');
  writeFileSync(file, '[profile.staging]\naddress = "127.0.0.1:3"\nnamespace = "etl"\n');
  const result = await weft(['list', '--profile', 'staging'], {
    TEMPORAL_CONFIG_FILE: file,
    TEMPORAL_ADDRESS: undefined,
    TEMPORAL_PROFILE: undefined,
  });
  expect(result.code).toBe(2);
  expect(result.stderr).toContain('127.0.0.1:3');
  expect(process.env.TEMPORAL_PROFILE).toBeUndefined();
});
