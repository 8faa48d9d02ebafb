/**
 * The examples of examples/ run as a user runs them, on the real server. With WEFT_RECORD_HISTORIES=<label>
 * their histories are written to test/histories/<example>@<label>.json, which replay.test.ts replays against
 * the current workflow code. When a change alters histories (behind patched()), record a new set with a new
 * label and keep the old ones: both code paths must keep replaying.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import type { WeftClient, WeftRun } from '../../src/client/weft-client';
import { useWeft } from './dag-helpers';

let weft: WeftClient;
useWeft({}, (_env, w) => {
  weft = w;
});

const example = (file: string) => JSON.parse(readFileSync(join(__dirname, '../../examples', file), 'utf8'));

async function runAndMaybeRecord(
  name: string,
  file: string,
  input?: Record<string, unknown>,
  operate?: (run: WeftRun) => Promise<void>,
) {
  const label = process.env.WEFT_RECORD_HISTORIES;
  // Recorded under the id the replay gives it (the file's name): children's ids are derived from it.
  const workflowId = label ? `${name}@${label}` : `example-${name}-${Date.now()}`;
  const run = await weft.start(example(file), { workflowId, input });
  await operate?.(run);
  const result = await run.result();
  if (label) {
    const history = await weft.temporal.workflow.getHandle(workflowId).fetchHistory();
    writeFileSync(join(__dirname, '../histories', `${name}@${label}.json`), historyToJSON(history));
  }
  return result;
}

it('etl-diamond loads what both transforms produced', async () => {
  const result = await runAndMaybeRecord('etl-diamond', 'etl-diamond.json');
  expect(result.status).toBe('SUCCEEDED');
  expect(result.output).toEqual({ loaded: 1176, report: 'orders on 2026-11-20: 1200' });
});

it('order-saga ships when the carrier accepts', async () => {
  const result = await runAndMaybeRecord('order-saga-ok', 'order-saga.json');
  expect(result.status).toBe('SUCCEEDED');
  expect(result.output).toEqual({ order: 'A-1001', shipped: true });
});

it('order-saga refunds and releases, newest first, when shipping fails', async () => {
  const result = await runAndMaybeRecord('order-saga-undo', 'order-saga.json', { failShipping: true });
  expect(result.status).toBe('FAILED');
  expect(result.nodes.ship).toMatchObject({ status: 'FAILED', attempts: 2, error: { type: 'CarrierError' } });
  expect(result.compensation).toEqual({ compensated: ['charge', 'reserve'], failed: [] });
});

it('fan-out-fan-in merges the shards and takes the branch of its region', async () => {
  const eu = await runAndMaybeRecord('fan-out-eu', 'fan-out-fan-in.json');
  expect(eu.output).toEqual({ merged: { sleptMs: 600 }, report: { published: ['eu'] } });
  expect(eu.nodes.publish_us.status).toBe('SKIPPED');
  const us = await runAndMaybeRecord('fan-out-us', 'fan-out-fan-in.json', { region: 'us' });
  expect(us.output).toEqual({ merged: { sleptMs: 600 }, report: { published: ['us'] } });
});

it('nightly-load loads in a sub-DAG, a child run of its own, whose output the report reads', async () => {
  const result = await runAndMaybeRecord('nightly-load', 'nightly-load.json');
  expect(result.status).toBe('SUCCEEDED');
  expect(result.output).toEqual({ loaded: 1176, report: 'loaded 1176 rows into orders on 2026-11-20' });
  const child = await weft.getRun(`${result.workflowId}.load`).result();
  expect(child).toMatchObject({ dag: 'nightly-load.load', status: 'SUCCEEDED', output: { loaded: 1176 } });
  if (process.env.WEFT_RECORD_HISTORIES) {
    const history = await weft.temporal.workflow.getHandle(child.workflowId).fetchHistory();
    writeFileSync(join(__dirname, '../histories', `${child.workflowId}.json`), historyToJSON(history));
  }
});

it('thumbnails maps over 150 listed images in a child batch and reports on them', async () => {
  const result = await runAndMaybeRecord('thumbnails', 'thumbnails.json');
  expect(result.status).toBe('SUCCEEDED');
  expect(result.output).toBe('150 thumbnails, the last thumb-img-150.png');
  expect(result.nodes.resize!.map).toEqual({ items: 150, succeeded: 150, failed: 0, running: 0 });
  if (process.env.WEFT_RECORD_HISTORIES) {
    const batch = `${result.workflowId}.resize.batch-1`;
    const history = await weft.temporal.workflow.getHandle(batch).fetchHistory();
    writeFileSync(join(__dirname, '../histories', `${batch}.json`), historyToJSON(history));
  }
});

it('follow-up-on-success starts its follow-up DAG from an exit handler once the run succeeded', async () => {
  const result = await runAndMaybeRecord('follow-up-on-success', 'follow-up-on-success.json');
  expect(result.status).toBe('SUCCEEDED');
  expect(result.onExit).toMatchObject({
    status: 'SUCCEEDED',
    nodes: { publish: { output: 'published orders-2026-11-20.csv' } },
  });
  if (process.env.WEFT_RECORD_HISTORIES) {
    const history = await weft.temporal.workflow.getHandle(result.onExit!.workflowId).fetchHistory();
    writeFileSync(join(__dirname, '../histories', `${result.onExit!.workflowId}.json`), historyToJSON(history));
  }
});

it('release-approval waits for a person, then deploys what was built', async () => {
  const result = await runAndMaybeRecord('release-approval', 'release-approval.json', undefined, async (run) => {
    for (let i = 0; i < 100 && (await run.state()).nodes.go_live.status !== 'WAITING'; i++)
      await new Promise((r) => setTimeout(r, 100));
    await run.approve('go_live', { by: 'ana' });
  });
  expect(result.status).toBe('SUCCEEDED');
  expect(result.output).toBe('released 1.4.2, approved by ana');
});

it('a fixed-delay trigger of etl-diamond runs, is triggered, paused, unpaused and deleted', async () => {
  const id = `example-fixed-delay-${Date.now()}`;
  await weft.schedules.create(example('etl-diamond.json'), { fixedDelay: '1s' }, { id });
  const runs = () => weft.schedules.describe(id).then((v) => v.runs);
  while ((await runs()) < 2) await new Promise((r) => setTimeout(r, 200));
  await weft.schedules.pause(id, 'recording');
  await weft.schedules.trigger(id);
  while ((await runs()) < 3) await new Promise((r) => setTimeout(r, 200));
  await weft.schedules.unpause(id);
  await weft.schedules.delete(id);
  const handle = weft.temporal.workflow.getHandle(id);
  expect(await handle.result()).toMatchObject({ deleted: true });
  const label = process.env.WEFT_RECORD_HISTORIES;
  if (label)
    writeFileSync(
      join(__dirname, '../histories', `fixed-delay@${label}.json`),
      historyToJSON(await handle.fetchHistory()),
    );
});
