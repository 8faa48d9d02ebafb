/** `map` nodes on the real server: fan-out over data known at run time, inline and partitioned into batches. */
import type { WeftClient } from '../../src/client/weft-client';
import { doc, useWeft } from './dag-helpers';

let weft: WeftClient;
useWeft({}, (_env, w) => {
  weft = w;
});

let counter = 0;
const workflowIdOf = (name: string) => `${name}-${Date.now()}-${++counter}`;

/** Items that fail where `fail` is true: weft.fail succeeds once its attempt is past failTimes. */
const flaky = (fails: boolean[]) => ({
  items: fails.map((fail, i) => ({ i, fail })),
  node: {
    activity: 'weft.fail',
    input: { failTimes: '${ item.fail ? 1 : 0 }', message: '${ "item " & index & " broke" }' },
    retry: { maxAttempts: 1 },
  },
});

it('maps over an upstream output: item and index in the template, outputs in item order', async () => {
  const result = await weft.run(
    doc(
      'map-basic',
      [
        { id: 'list', activity: 'weft.echo', input: { files: ['a.png', 'b.png', 'c.png'] } },
        {
          id: 'resize',
          type: 'map',
          dependsOn: ['list'],
          items: '${ nodes.list.output.files }',
          maxConcurrency: 2,
          node: { activity: 'weft.echo', input: { file: '${ item }', n: '${ index }' } },
        },
        { id: 'count', dependsOn: ['resize'], activity: 'weft.echo', input: '${ $count(nodes.resize.output) }' },
      ],
      { output: '${ nodes.resize.output }' },
    ),
    { workflowId: workflowIdOf('map-basic') },
  );
  expect(result.status).toBe('SUCCEEDED');
  expect(result.output).toEqual([
    { file: 'a.png', n: 0 },
    { file: 'b.png', n: 1 },
    { file: 'c.png', n: 2 },
  ]);
  expect(result.nodes.count!.output).toBe(3);
  expect(result.nodes.resize!.map).toEqual({ items: 3, succeeded: 3, failed: 0, running: 0 });
});

it('tolerates failed items as a count and as a percentage, and fails past them', async () => {
  const fails = [false, true, false, true, false, false, false, false, false, false];
  const tolerated = await weft.run(
    doc('map-tolerated', [{ id: 'm', type: 'map', toleratedFailures: 2, ...flaky(fails) }]),
    { workflowId: workflowIdOf('map-tolerated') },
  );
  expect(tolerated.status).toBe('SUCCEEDED');
  expect(tolerated.nodes.m!.output).toEqual(fails.map((fail) => (fail ? null : { attempt: 1 })));
  expect(tolerated.nodes.m!.map).toMatchObject({ items: 10, succeeded: 8, failed: 2 });

  const percent = await weft.run(
    doc('map-percent', [{ id: 'm', type: 'map', toleratedFailures: '10%', ...flaky(fails) }]),
    { workflowId: workflowIdOf('map-percent') },
  );
  expect(percent.status).toBe('FAILED');
  expect(percent.nodes.m!.error).toMatchObject({ type: 'WeftMapFailed' });
  // Items still running when the tolerance was passed were cancelled: they count as neither.
  const counts = percent.nodes.m!.map!;
  expect(counts.failed).toBe(2);
  expect(counts.succeeded + counts.failed).toBeLessThanOrEqual(10);
  expect(percent.nodes.m!.error!.message).toMatch(
    /^2 of 10 items failed, more than the 1 tolerated; the first: item 1 broke/,
  );
});

it('runs a sub-DAG per item, and a template once per batch with batchSize', async () => {
  const result = await weft.run(
    doc('map-dags', [
      {
        id: 'each',
        type: 'map',
        items: [1, 2, 3],
        node: {
          type: 'dag',
          input: { n: '${ item }' },
          dag: {
            nodes: [{ id: 'sq', activity: 'weft.echo', input: '${ input.n * input.n }' }],
            output: '${ nodes.sq.output }',
          },
        },
      },
      {
        id: 'batched',
        type: 'map',
        items: ['a', 'b', 'c', 'd', 'e'],
        batchSize: 2,
        node: {
          activity: 'weft.echo', // [ ] keeps a batch of one an array (JSONata makes a sequence of one a single value).
          input: '${ [$map(items, function($v, $i) { $v & ($i + index) })] }',
        },
      },
    ]),
    { workflowId: workflowIdOf('map-dags') },
  );
  expect(result.status).toBe('SUCCEEDED');
  expect(result.nodes.each!.output).toEqual([1, 4, 9]);
  expect(result.nodes.batched!.output).toEqual(['a0', 'b1', 'c2', 'd3', 'e4']);
});

it('fails with a sentence when items is not an array', async () => {
  const result = await weft.run(
    doc('map-not-array', [{ id: 'm', type: 'map', items: '${ "x" }', node: { activity: 'weft.echo' } }]),
    {
      workflowId: workflowIdOf('map-not-array'),
    },
  );
  expect(result.nodes.m!.error).toMatchObject({
    type: 'WeftExpressionError',
    message: 'items must be an array, but it is string',
  });
});

it('partitions a large map into child batches that share maxConcurrency, and gathers 2,100 outputs in order', async () => {
  const workflowId = workflowIdOf('map-large');
  const result = await weft.run(
    doc('map-large', [
      {
        id: 'm',
        type: 'map',
        items: '${ [0..2099] }',
        maxConcurrency: 300,
        node: { activity: 'weft.echo', input: '${ item * 2 }' },
      },
    ]),
    { workflowId },
  );
  expect(result.status).toBe('SUCCEEDED');
  const output = result.nodes.m!.output as number[];
  expect(output).toHaveLength(2100);
  expect(output.every((value, i) => value === i * 2)).toBe(true);
  // Three batches (1,000 + 1,000 + 100 items), each a child with its own short history.
  const children = [];
  for await (const child of weft.temporal.workflow.list({
    query: `WorkflowType = 'weftMapBatch' AND WorkflowId STARTS_WITH '${workflowId}.'`,
  }))
    children.push(child);
  expect(children).toHaveLength(3);
  for (const child of children) expect(child.historyLength).toBeLessThan(4000);
}, 120_000);

it('cancelling the run stops every running batch', async () => {
  const workflowId = workflowIdOf('map-cancel');
  const run = await weft.start(
    doc('map-cancel', [
      {
        id: 'm',
        type: 'map',
        items: '${ [1..2200] }',
        maxConcurrency: 2000,
        node: { activity: 'weft.sleep', input: { ms: 60000 } },
      },
    ]),
    { workflowId },
  );
  const batchIds = [`${workflowId}.m.batch-1`, `${workflowId}.m.batch-2`];
  for (const id of batchIds) {
    for (let i = 0; i < 200; i++) {
      const running = await weft.temporal.workflow
        .getHandle(id)
        .describe()
        .then((d) => d.status.name === 'RUNNING')
        .catch(() => false);
      if (running) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  await run.cancel();
  const result = await run.result();
  expect(result.status).toBe('CANCELLED');
  expect(result.nodes.m!.status).toBe('CANCELLED');
  for (const id of batchIds) {
    const description = await weft.temporal.workflow.getHandle(id).describe();
    expect(description.status.name).toBe('CANCELLED');
  }
}, 120_000);

/** The compensation activities a workflow's history scheduled, in order: their ids and inputs. */
async function compensationsIn(workflowId: string): Promise<Array<{ id: string; input: unknown }>> {
  const history = await weft.temporal.workflow.getHandle(workflowId).fetchHistory();
  const { defaultPayloadConverter } = await import('@temporalio/common');
  return (history.events ?? []).flatMap((event) => {
    const scheduled = event.activityTaskScheduledEventAttributes;
    if (!scheduled?.activityId?.endsWith('.compensate')) return [];
    const payload = scheduled.input?.payloads?.[0];
    return [{ id: scheduled.activityId, input: payload ? defaultPayloadConverter.fromPayload(payload) : undefined }];
  });
}

describe('compensation of map items', () => {
  it("undoes a map's succeeded items newest first when the run fails, with item, index and output", async () => {
    const workflowId = workflowIdOf('map-undo');
    const result = await weft.run(
      doc('map-undo', [
        {
          id: 'upload',
          type: 'map',
          items: ['a', 'b', 'c'],
          maxConcurrency: 1,
          node: {
            activity: 'weft.echo',
            input: { file: '${ item }' },
            compensate: {
              activity: 'weft.echo',
              input: { remove: '${ output.file }', item: '${ item }', n: '${ index }' },
            },
          },
        },
        {
          id: 'tag',
          type: 'map',
          dependsOn: ['upload'],
          items: [1],
          node: { activity: 'weft.echo', input: { tag: '${ item }' }, compensate: { activity: 'weft.echo' } },
        },
        {
          id: 'publish',
          dependsOn: ['tag'],
          activity: 'weft.fail',
          input: { failTimes: 9 },
          retry: { maxAttempts: 1 },
        },
      ]),
      { workflowId },
    );
    expect(result.status).toBe('FAILED');
    expect(result.compensation).toEqual({ compensated: ['tag', 'upload'], failed: [] });
    expect(result.nodes.upload).toMatchObject({
      status: 'COMPENSATED',
      map: { items: 3, succeeded: 3, compensated: 3, compensationFailed: 0 },
    });
    // One at a time (maxConcurrency 1), so the items completed a, b, c and are undone c, b, a; a template
    // without compensate.input gets { input, output } as a node does.
    expect(await compensationsIn(workflowId)).toEqual([
      { id: 'tag[0].compensate', input: { input: { tag: 1 }, output: { tag: 1 } } },
      { id: 'upload[2].compensate', input: { remove: 'c', item: 'c', n: 2 } },
      { id: 'upload[1].compensate', input: { remove: 'b', item: 'b', n: 1 } },
      { id: 'upload[0].compensate', input: { remove: 'a', item: 'a', n: 0 } },
    ]);
  });

  it('undoes the items that succeeded in a map that failed past its tolerance, and counts failed compensations', async () => {
    const workflowId = workflowIdOf('map-undo-failed');
    const result = await weft.run(
      doc('map-undo-failed', [
        {
          id: 'm',
          type: 'map',
          items: [0, 1, 2, 3],
          maxConcurrency: 1,
          node: {
            activity: 'weft.fail',
            input: { failTimes: '${ item = 3 ? 1 : 0 }' },
            retry: { maxAttempts: 1 },
            compensate: {
              activity: 'weft.fail',
              input: { failTimes: '${ item = 1 ? 9 : 0 }', message: '${ "cannot undo " & item }' },
              retry: { maxAttempts: 1 },
            },
          },
        },
      ]),
      { workflowId },
    );
    expect(result.status).toBe('FAILED');
    const m = result.nodes.m!;
    expect(m.status).toBe('FAILED'); // still why the run failed; its compensation says how the undoing went
    expect(m.map).toMatchObject({ items: 4, succeeded: 3, failed: 1, compensated: 2, compensationFailed: 1 });
    expect(m.compensation).toMatchObject({
      status: 'COMPENSATION_FAILED',
      error: {
        message: expect.stringMatching(/^the compensations of 1 of 3 items failed; the first: .*cannot undo 1/),
      },
    });
    expect((await compensationsIn(workflowId)).map((c) => c.id)).toEqual([
      'm[2].compensate',
      'm[1].compensate',
      'm[0].compensate',
    ]);
  });

  it('cancel during a partitioned map stops every batch and compensates exactly the items that completed', async () => {
    const workflowId = workflowIdOf('map-cancel-undo');
    // 1,200 items in two batches; every hundredth sleeps a minute, the others finish at once.
    const run = await weft.start(
      doc('map-cancel-undo', [
        {
          id: 'm',
          type: 'map',
          items: '${ [0..1199] }',
          maxConcurrency: 1200,
          node: {
            activity: 'weft.sleep',
            input: { ms: '${ item % 100 = 0 ? 60000 : 1 }' },
            compensate: { activity: 'weft.echo', input: '${ item }' },
          },
        },
      ]),
      { workflowId },
    );
    for (let i = 0; i < 600; i++) {
      const view = await run.state().catch(() => undefined);
      if ((view?.nodes.m?.map?.succeeded ?? 0) >= 1188) break; // batches signal their progress
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    await run.cancel();
    const result = await run.result();
    expect(result.status).toBe('CANCELLED');
    expect(result.nodes.m).toMatchObject({
      status: 'CANCELLED',
      map: { succeeded: 1188, failed: 0, compensated: 1188, compensationFailed: 0 },
    });
    expect(result.compensation).toEqual({ compensated: ['m'], failed: [] });
    for (const batch of [1, 2]) {
      const description = await weft.temporal.workflow.getHandle(`${workflowId}.m.batch-${batch}`).describe();
      expect(description.status.name).toBe('COMPLETED'); // it stopped its items, then said what had succeeded
    }
    // More than a hundred compensations run in child batches of their own (at most 1,000 each).
    const undone = [
      ...(await compensationsIn(`${workflowId}.m.compensate-1`)),
      ...(await compensationsIn(`${workflowId}.m.compensate-2`)),
    ];
    const expected = Array.from({ length: 1200 }, (_, i) => i).filter((i) => i % 100 !== 0);
    expect(undone.map((c) => c.input as number).sort((a, b) => a - b)).toEqual(expected);
  }, 180_000);
});
