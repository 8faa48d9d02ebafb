/**
 * Determinism guard: the recorded histories of test/histories/ must replay on the current workflow code.
 * A change that alters the commands the interpreter issues for an old history fails here; such a change
 * must be wrapped in patched() (and the histories recorded again, keeping the old ones).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from '@temporalio/worker';

const dir = join(__dirname, '../histories');
const files = readdirSync(dir)
  .filter((f) => f.endsWith('.json'))
  .sort();

it('has recorded histories to replay', () => {
  expect(files.length).toBeGreaterThanOrEqual(7);
});

it.each(files)('replays %s without a determinism violation', async (file) => {
  const history = JSON.parse(readFileSync(join(dir, file), 'utf8'));
  await Worker.runReplayHistory(
    { workflowBundle: { codePath: process.env.WEFT_TEST_BUNDLE! } },
    history,
    file.replace(/\.json$/, ''),
  );
});
