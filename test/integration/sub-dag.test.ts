/** `dag` nodes on the real server: a sub-DAG runs as a child weftDag with its own nodes, saga and cancellation. */
import type { WeftClient } from '../../src/client/weft-client';
import { doc, useWeft } from './dag-helpers';

let weft: WeftClient;
useWeft({}, (_env, w) => {
  weft = w;
});

let counter = 0;
const workflowIdOf = (name: string) => `${name}-${Date.now()}-${++counter}`;
const undo = (what: string) => ({ activity: 'weft.echo', input: { undo: what } });

/** Waits until the run's node has the status (the state query), or fails after about 10 s. */
async function untilNode(workflowId: string, nodeId: string, status: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    const state = await weft
      .getRun(workflowId)
      .state()
      .catch(() => undefined);
    if (state?.nodes[nodeId]?.status === status) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`${workflowId}: node "${nodeId}" never became ${status}`);
}

it('a failing sub-DAG compensates itself, fails its node with its error, and the parent saga runs', async () => {
  const workflowId = workflowIdOf('sub-dag-fails');
  const result = await weft.run(
    doc('sub-dag-fails', [
      { id: 'reserve', activity: 'weft.echo', input: 'r-1', compensate: undo('reserve') },
      {
        id: 'load',
        type: 'dag',
        dependsOn: ['reserve'],
        dag: {
          nodes: [
            { id: 'stage', activity: 'weft.echo', input: 's-1', compensate: undo('stage') },
            {
              id: 'swap',
              dependsOn: ['stage'],
              activity: 'weft.fail',
              input: { nonRetryable: true, message: 'table locked' },
            },
          ],
        },
      },
      { id: 'report', dependsOn: ['load'], activity: 'weft.echo' },
    ]),
    { workflowId },
  );
  expect(result.status).toBe('FAILED');
  expect(result.error).toMatchObject({ nodeId: 'load', type: 'WeftDagFailed' });
  expect(result.nodes.load!.error!.message).toMatch(/node "swap" failed: table locked/);
  expect(result.nodes.report!.status).toBe('SKIPPED');
  expect(result.compensation).toEqual({ compensated: ['reserve'], failed: [] });
  // The child's own saga undid what it had done before the node failed.
  const child = await weft.getRun(`${workflowId}.load`).result();
  expect(child).toMatchObject({ status: 'FAILED', compensation: { compensated: ['stage'], failed: [] } });
  expect(child.nodes.stage!.status).toBe('COMPENSATED');
});

it('cancelling the run reaches into the sub-DAG, which compensates before the node counts as cancelled', async () => {
  const workflowId = workflowIdOf('sub-dag-cancel');
  const run = await weft.start(
    doc('sub-dag-cancel', [
      {
        id: 'load',
        type: 'dag',
        dag: {
          nodes: [
            { id: 'stage', activity: 'weft.echo', compensate: undo('stage') },
            { id: 'wait', type: 'sleep', duration: '1h', dependsOn: ['stage'] },
          ],
        },
      },
    ]),
    { workflowId },
  );
  await untilNode(`${workflowId}.load`, 'wait', 'RUNNING');
  await run.cancel();
  const result = await run.result();
  expect(result.status).toBe('CANCELLED');
  expect(result.nodes.load!.status).toBe('CANCELLED');
  const child = await weft.getRun(`${workflowId}.load`).result();
  expect(child).toMatchObject({ status: 'CANCELLED', compensation: { compensated: ['stage'], failed: [] } });
  // The child ended before its parent: the node waited for it.
  expect(Date.parse(child.nodes.stage!.compensation!.endedAt)).toBeLessThanOrEqual(
    Date.parse(result.nodes.load!.endedAt!),
  );
});

it('fail-fast cancels a running sub-DAG when a node beside it fails', async () => {
  const workflowId = workflowIdOf('sub-dag-failfast');
  const result = await weft.run(
    doc('sub-dag-failfast', [
      { id: 'load', type: 'dag', dag: { nodes: [{ id: 'wait', type: 'sleep', duration: '1h' }] } },
      { id: 'bad', activity: 'weft.sleep', input: { ms: 300 } },
      { id: 'boom', dependsOn: ['bad'], activity: 'weft.fail', input: { nonRetryable: true } },
    ]),
    { workflowId },
  );
  expect(result.status).toBe('FAILED');
  expect(result.error).toMatchObject({ nodeId: 'boom' });
  expect(result.nodes.load!.status).toBe('CANCELLED');
  const child = await weft.getRun(`${workflowId}.load`).result();
  expect(child.status).toBe('CANCELLED');
});

it('a sub-DAG can hold a sub-DAG, and its input must be an object', async () => {
  const nested = await weft.run(
    doc(
      'sub-dag-nested',
      [
        {
          id: 'outer',
          type: 'dag',
          input: { n: 2 },
          dag: {
            nodes: [
              {
                id: 'inner',
                type: 'dag',
                input: { n: '${ input.n * 10 }' },
                dag: {
                  nodes: [{ id: 'x', activity: 'weft.echo', input: '${ input.n + 1 }' }],
                  output: '${ nodes.x.output }',
                },
              },
            ],
            output: '${ nodes.inner.output }',
          },
        },
      ],
      { output: '${ nodes.outer.output }' },
    ),
    { workflowId: workflowIdOf('sub-dag-nested') },
  );
  expect(nested).toMatchObject({ status: 'SUCCEEDED', output: 21 });
  const refused = await weft.run(
    doc('sub-dag-bad-input', [
      { id: 'list', activity: 'weft.echo', input: [1, 2] },
      {
        id: 'load',
        type: 'dag',
        dependsOn: ['list'],
        input: '${ nodes.list.output }',
        dag: { nodes: [{ id: 'x', activity: 'weft.echo' }] },
      },
    ]),
    { workflowId: workflowIdOf('sub-dag-bad-input') },
  );
  expect(refused.nodes.load!.error).toMatchObject({
    type: 'WeftBadInput',
    message: expect.stringMatching(/must be an object/),
  });
});
