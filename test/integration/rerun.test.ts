/** Rerun (redrive) on the real server: a new run that keeps what succeeded, through the CLI and the client. */
import type { WeftClient } from '../../src/client/weft-client';
import { weft as cli } from '../cli-harness';
import { doc, weftFor } from './dag-helpers';
import { createTestEnv, testAddress, type TestEnv } from './env';

let env: TestEnv;
let weft: WeftClient;
let cliEnv: Record<string, string>;

beforeAll(async () => {
  env = await createTestEnv({});
  weft = await weftFor(env);
  cliEnv = { TEMPORAL_ADDRESS: testAddress(), WEFT_TASK_QUEUE: env.taskQueue };
});
afterAll(async () => {
  await weft?.close();
  await env?.close();
});

let seq = 0;
const idOf = (name: string) => `${name}-${Date.now()}-${++seq}`;

/** a -> b -> c -> d; c fails while the input says so. */
function chain(name: string, compensable: string[] = []): Record<string, unknown> {
  const node = (id: string, dependsOn: string[], extra: Record<string, unknown> = {}) => ({
    id,
    dependsOn,
    activity: 'weft.echo',
    input: { node: id },
    ...(compensable.includes(id) ? { compensate: { activity: 'weft.echo' } } : {}),
    ...extra,
  });
  return doc(name, [
    node('a', []),
    node('b', ['a']),
    node('c', ['b'], {
      activity: 'weft.fail',
      input: { failTimes: '${ input.failC ? 9 : 0 }', message: 'c broke' },
      retry: { maxAttempts: 1 },
    }),
    node('d', ['c']),
  ]);
}

/** The activity ids a run's history scheduled, compensations included. */
async function scheduled(workflowId: string): Promise<string[]> {
  const history = await weft.temporal.workflow.getHandle(workflowId).fetchHistory();
  return (history.events ?? []).flatMap((e) => e.activityTaskScheduledEventAttributes?.activityId ?? []);
}

it('reruns only what failed: the new history schedules no activity for the nodes it keeps', async () => {
  const original = idOf('rerun-failed');
  const first = await weft.run(chain('rerun-failed'), { workflowId: original, input: { failC: true } });
  expect(first.status).toBe('FAILED');

  const rerun = await cli(['rerun', original, '--input', '{"failC": false}', '--json'], cliEnv);
  expect(rerun.code).toBe(0);
  const result = JSON.parse(rerun.stdout) as Awaited<ReturnType<WeftClient['run']>>;
  expect(result).toMatchObject({ workflowId: `${original}-rerun-1`, status: 'SUCCEEDED', rerunOf: original });
  expect(result.nodes.a).toMatchObject({ status: 'SUCCEEDED', reusedFrom: original, output: { node: 'a' } });
  expect(result.nodes.b).toMatchObject({ status: 'SUCCEEDED', reusedFrom: original });
  expect(result.nodes.c!.reusedFrom).toBeUndefined();
  expect(await scheduled(result.workflowId)).toEqual(['c', 'd']);

  // Provenance the other way: WeftRerunOf finds every rerun of the run.
  let found: string[] = [];
  for (let i = 0; i < 50 && found.length === 0; i++) {
    found = [];
    for await (const w of weft.temporal.workflow.list({ query: `WeftRerunOf = '${original}'` }))
      found.push(w.workflowId);
    if (found.length === 0) await new Promise((r) => setTimeout(r, 200));
  }
  expect(found).toEqual([result.workflowId]);
  const described = await weft.temporal.workflow.getHandle(result.workflowId).describe();
  expect(await described.staticSummary()).toContain(`rerun of ${original}`);
});

it('runs again a node the saga compensated: its effect was undone', async () => {
  const original = idOf('rerun-compensated');
  const first = await weft.run(chain('rerun-compensated', ['b']), { workflowId: original, input: { failC: true } });
  expect(first.nodes.b!.status).toBe('COMPENSATED');
  const run = await weft.rerun(original, { input: { failC: false } });
  const result = await run.result();
  expect(result.status).toBe('SUCCEEDED');
  expect(result.nodes.a!.reusedFrom).toBe(original);
  expect(await scheduled(run.workflowId)).toEqual(['b', 'c', 'd']);
});

it('--from reruns a node of a succeeded run and everything downstream; bad requests exit 2 with a sentence', async () => {
  const original = idOf('rerun-from');
  expect((await weft.run(chain('rerun-from'), { workflowId: original })).status).toBe('SUCCEEDED');
  const rerun = await cli(['rerun', original, '--from', 'b', '--id', `${original}-again`, '--json'], cliEnv);
  expect(rerun.code).toBe(0);
  expect(await scheduled(`${original}-again`)).toEqual(['b', 'c', 'd']);

  const unknownNode = await cli(['rerun', original, '--from', 'bb'], cliEnv);
  expect(unknownNode.code).toBe(2);
  expect(unknownNode.stderr).toMatch(/^weft: Cannot rerun ".*": the DAG of ".*" has no node "bb" to rerun from.*"b"/);
  const unknownRun = await cli(['rerun', 'no-such-run-anywhere'], cliEnv);
  expect(unknownRun).toMatchObject({ code: 2 });
  expect(unknownRun.stderr).toMatch(/No run with workflow id "no-such-run-anywhere"/);

  const running = await weft.start(doc('rerun-running', [{ id: 'gate', type: 'approval' }]), {
    workflowId: idOf('rerun-running'),
  });
  const refused = await cli(['rerun', running.workflowId], cliEnv);
  expect(refused.code).toBe(2);
  expect(refused.stderr).toMatch(/is still running; a rerun starts from a run that ended/);
  await running.cancel();
});

it("a rerun's saga undoes the nodes it kept too, and reruns of reruns work", async () => {
  const original = idOf('rerun-saga');
  const ok = await weft.run(chain('rerun-saga', ['a', 'b']), { workflowId: original, input: { failC: false } });
  expect(ok.status).toBe('SUCCEEDED');
  const failing = await (await weft.rerun(original, { from: ['b'], input: { failC: true } })).result();
  expect(failing.status).toBe('FAILED');
  expect(failing.compensation).toEqual({ compensated: ['b', 'a'], failed: [] });
  // The kept node's compensation gets its input, evaluated again, and its recorded output.
  const history = await weft.temporal.workflow.getHandle(failing.workflowId).fetchHistory();
  const { defaultPayloadConverter } = await import('@temporalio/common');
  const undoA = history.events!.find((e) => e.activityTaskScheduledEventAttributes?.activityId === 'a.compensate');
  expect(
    defaultPayloadConverter.fromPayload(undoA!.activityTaskScheduledEventAttributes!.input!.payloads![0]!),
  ).toEqual({ input: { node: 'a' }, output: { node: 'a' } });

  const again = await (await weft.rerun(failing.workflowId, { input: { failC: false } })).result();
  expect(again).toMatchObject({
    workflowId: `${failing.workflowId}-rerun-1`,
    status: 'SUCCEEDED',
    rerunOf: failing.workflowId,
  });
  expect(Object.keys(again.nodes).filter((id) => again.nodes[id]!.reusedFrom)).toEqual([]); // a and b were compensated
});

it('reruns a run that continued as new, keeping exactly the nodes that succeeded', async () => {
  const original = idOf('rerun-handover');
  const nodes = Array.from({ length: 40 }, (_, i) => ({
    id: `n${i}`,
    dependsOn: i === 0 ? [] : [`n${i - 1}`],
    activity: 'weft.fail',
    input: { failTimes: `\${ input.failAt = ${i} ? 9 : 0 }` },
    retry: { maxAttempts: 1 },
  }));
  const first = await weft.run(doc('rerun-handover', nodes), {
    workflowId: original,
    input: { failAt: 30 },
    historyLimit: 60,
  });
  expect(first.status).toBe('FAILED');
  const runs = [];
  for await (const w of weft.temporal.workflow.list({ query: `WorkflowId = '${original}'` })) runs.push(w.runId);
  expect(runs.length).toBeGreaterThan(1); // it handed over

  const rerun = await weft.rerun(original, { input: { failAt: -1 } });
  const result = await rerun.result();
  expect(result.status).toBe('SUCCEEDED');
  const kept = Object.keys(result.nodes).filter((id) => result.nodes[id]!.reusedFrom === original);
  expect(kept).toEqual(Array.from({ length: 30 }, (_, i) => `n${i}`));
  expect((await scheduled(rerun.workflowId)).slice(0, 2)).toEqual(['n30', 'n31']);
}, 120_000);
