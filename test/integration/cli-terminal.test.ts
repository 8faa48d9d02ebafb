/** What `weft run --wait` and `weft status` print on a terminal, against the real server (docs/cli.md). */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { weft } from '../cli-harness';
import { createTestEnv, testAddress, type TestEnv } from './env';

let env: TestEnv;
let cliEnv: Record<string, string>;
beforeAll(async () => {
  env = await createTestEnv();
  cliEnv = { TEMPORAL_ADDRESS: testAddress(), WEFT_TASK_QUEUE: env.taskQueue, WEFT_UI_URL: 'http://ui.test' };
});
afterAll(() => env?.close());

function documentFile(document: object): string {
  const file = join(mkdtempSync(join(tmpdir(), 'weft-terminal-')), 'doc.json');
  writeFileSync(file, JSON.stringify({ dsl: 'weft/v1', ...document }));
  return file;
}

/** Lines of text a terminal was sent: each run of characters between newlines and cursor moves counts once. */
function linesWritten(stream: string): number {
  return stream
    .replace(/\x1b\[[\d;]*m/g, '') // colour is not a line
    .split(/\n|\r|\x1b\[\d*[ABJK]/)
    .filter((segment) => segment !== '').length;
}

// 10 chains of 15 sleeps: ten nodes running at a time, for about six seconds.
const chains = Array.from({ length: 10 }, (_, chain) =>
  Array.from({ length: 15 }, (_, step) => ({
    id: `c${chain}_s${step}`,
    type: 'sleep',
    duration: '300ms',
    ...(step ? { dependsOn: [`c${chain}_s${step - 1}`] } : {}),
  })),
).flat();

it('weft run --wait of 150 nodes in a 30-row terminal writes fewer than 200 lines for the whole run', async () => {
  const file = documentFile({ name: 'terminal-150', nodes: chains });
  const started = Date.now();
  const run = await weft(['run', file, '--wait'], cliEnv, { columns: 80, rows: 30 });
  const lines = linesWritten(run.terminal) + linesWritten(run.stdout);
  process.stderr.write(`150 nodes, 30x80 terminal: ${lines} lines in ${Date.now() - started} ms\n`);
  expect(run.code).toBe(0);
  expect(lines).toBeLessThan(200);
  expect(run.terminal).toMatch(/RUNNING\x1b\[39m {2}150 nodes: \d+ succeeded, 10 running, \d+ pending/);
  expect(run.terminal).toMatch(/and 140 more \(weft status terminal-150-\S+ lists every/); // cut at 79 columns
  // The result on a terminal is fitted too: the summary and totals, not 150 rows.
  expect(run.stdout).toMatch(
    /^terminal-150 run \S+: SUCCEEDED\n\x1b\[32mSUCCEEDED\x1b\[39m {2}150 nodes: 150 succeeded\n.*lists every node/,
  );
  expect(run.stdout.split('\n')).toHaveLength(3);
}, 120_000);

describe('weft status', () => {
  it("shows a finished run's output; --exit-status exits 0 for a run that succeeded", async () => {
    const id = `cli-status-output-${Date.now()}`;
    expect((await weft(['run', 'examples/etl-diamond.json', '--json', '--id', id], cliEnv)).code).toBe(0);
    const status = await weft(['status', id, '--exit-status'], cliEnv);
    expect(status.code).toBe(0);
    expect(status.stdout).toMatch(new RegExp(`^etl-diamond run ${id}: SUCCEEDED\\nNODE\\s+STATUS`));
    expect(status.stdout).toContain('\noutput: {"loaded":1176,"report":"orders on 2026-11-20: 1200"}\n');
  });

  it('--exit-status exits 1 for a failed run, with or without --json, and the summary says why', async () => {
    const id = `cli-status-failed-${Date.now()}`;
    const run = await weft(
      ['run', 'examples/order-saga.json', '--input', '{"failShipping": true}', '--json', '--id', id],
      cliEnv,
    );
    expect(run.code).toBe(1);
    const status = await weft(['status', id, '--exit-status'], cliEnv);
    expect(status.code).toBe(1);
    expect(status.stdout).toMatch(new RegExp(`^order-saga run ${id}: FAILED\\n  node "ship" failed: `));
    expect(status.stdout).toContain('  compensated: charge, reserve');
    const json = await weft(['status', id, '--exit-status', '--json'], cliEnv);
    expect(json.code).toBe(1);
    expect(JSON.parse(json.stdout)).toMatchObject({ status: 'FAILED' });
    expect((await weft(['status', id], cliEnv)).code).toBe(0); // without the flag, as before
  });

  it("shows a waiting approval's deadline and what happens then; --exit-status exits 0 while it runs", async () => {
    const file = documentFile({
      name: 'status-deadline',
      nodes: [
        { id: 'gate', type: 'approval', timeout: '2h', onTimeout: 'approve' },
        { id: 'after', dependsOn: ['gate'], activity: 'weft.echo' },
      ],
    });
    const id = `cli-status-deadline-${Date.now()}`;
    expect((await weft(['run', file, '--id', id], cliEnv)).code).toBe(0);
    let status = await weft(['status', id, '--exit-status'], cliEnv);
    for (let i = 0; i < 40 && !status.stdout.includes('times out'); i++) {
      await new Promise((r) => setTimeout(r, 250));
      status = await weft(['status', id, '--exit-status'], cliEnv);
    }
    expect(status.code).toBe(0);
    const since = /gate is waiting for approval \(since (\S+)\)/.exec(status.stdout)?.[1];
    const due = new Date(Date.parse(since!) + 2 * 3_600_000).toISOString();
    expect(status.stdout).toContain(
      `It times out at ${due} (in 1h59m); then it is approved, with no data (onTimeout "approve").`,
    );
    await weft(['cancel', id, '--wait'], cliEnv);
    const cancelled = await weft(['status', id, '--exit-status'], cliEnv);
    expect(cancelled.code).toBe(1);
  });
});
