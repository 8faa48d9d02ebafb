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
}, 120_000);
