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
