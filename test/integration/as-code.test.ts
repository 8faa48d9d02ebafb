/** Workflow-as-code on the real server: Saga, DAG -> TypeScript workflow, TypeScript workflow -> DAG. */
import { WorkflowFailedError } from '@temporalio/client';
import { type ApplicationFailure } from '@temporalio/common';
import type { WeftClient } from '../../src/client/weft-client';
import { doc, useWeft } from './dag-helpers';
import type { TestEnv } from './env';

let env: TestEnv;
let weft: WeftClient;
useWeft({}, (e, w) => {
  env = e;
  weft = w;
});

/** Inputs of the activities a workflow scheduled, in order, from its history. */
async function activityInputs(workflowId: string): Promise<unknown[]> {
  const history = await weft.temporal.workflow.getHandle(workflowId).fetchHistory();
  const converter = (await import('@temporalio/common')).defaultPayloadConverter;
  return history.events!.flatMap((e) => {
    const attrs = e.activityTaskScheduledEventAttributes;
    return attrs ? [converter.fromPayload(attrs.input!.payloads![0] as never)] : [];
  });
}

let seq = 0;
const id = (name: string) => `${name}-${Date.now()}-${++seq}`;

describe('Saga in a TypeScript workflow', () => {
  it('compensates in reverse order when a step fails, and reports it', async () => {
    const workflowId = id('saga-fail');
    const err = await weft.temporal.workflow
      .execute('sagaOrder', { taskQueue: env.taskQueue, workflowId, args: [{ shipFails: true }] })
      .catch((e) => e);
    expect(err).toBeInstanceOf(WorkflowFailedError);
    const failure = err.cause as ApplicationFailure;
    expect(failure.type).toBe('SagaCompensated');
    expect(failure.message).toBe('carrier refused');
    expect(failure.details?.[0]).toEqual({ compensated: ['charge', 'reserve'], failed: [] });
    expect((await activityInputs(workflowId)).slice(-2)).toEqual([{ undo: 'charge' }, { undo: 'reserve' }]);
  });

  it('compensates in reverse order when the workflow is cancelled, and ends cancelled', async () => {
    const workflowId = id('saga-cancel');
    const handle = await weft.temporal.workflow.start('sagaOrder', {
      taskQueue: env.taskQueue,
      workflowId,
      args: [{ slowShip: true }],
    });
    for (let i = 0; i < 50 && (await activityInputs(workflowId)).length < 4; i++)
      await new Promise((r) => setTimeout(r, 100));
    await handle.cancel();
    await expect(handle.result()).rejects.toThrow();
    expect((await handle.describe()).status.name).toBe('CANCELLED');
    expect((await activityInputs(workflowId)).slice(-2)).toEqual([{ undo: 'charge' }, { undo: 'reserve' }]);
  });

  it('can compensate all steps at once', async () => {
    const err = await weft.temporal.workflow
      .execute('sagaOrder', {
        taskQueue: env.taskQueue,
        workflowId: id('saga-parallel'),
        args: [{ shipFails: true, parallel: true }],
      })
      .catch((e) => e);
    const report = (err.cause as ApplicationFailure).details![0] as { compensated: string[]; failed: unknown[] };
    expect([...report.compensated].sort()).toEqual(['charge', 'reserve']);
    expect(report.failed).toEqual([]);
  });
});

describe('DAGs and TypeScript workflows calling each other', () => {
  it('a DAG node runs a TypeScript workflow as a child; downstream nodes read its result', async () => {
    const result = await weft.run(
      doc('dag-calls-ts', [
        { id: 'count', type: 'workflow', workflow: 'countRows', input: { table: 'orders', day: '${ input.day }' } },
        { id: 'report', dependsOn: ['count'], activity: 'weft.echo', input: { rows: '${ nodes.count.output.rows }' } },
      ]),
      { input: { day: '2026-11-21' }, workflowId: id('dag-calls-ts') },
    );
    expect(result.status).toBe('SUCCEEDED');
    expect(result.nodes.count.output).toEqual({ table: 'orders', rows: 1000 });
    expect(result.nodes.report.output).toEqual({ rows: 1000 });
  });

  it('a failing TypeScript workflow node fails the DAG like an activity would, and compensation runs', async () => {
    const result = await weft.run(
      doc('dag-calls-failing-ts', [
        { id: 'before', activity: 'weft.echo', compensate: { activity: 'weft.echo', input: { undo: 'before' } } },
        { id: 'order', dependsOn: ['before'], type: 'workflow', workflow: 'sagaOrder', input: { shipFails: true } },
      ]),
      { workflowId: id('dag-calls-failing-ts') },
    );
    expect(result.status).toBe('FAILED');
    expect(result.nodes.order.error).toMatchObject({ type: 'SagaCompensated', message: 'carrier refused' });
    expect(result.compensation?.compensated).toEqual(['before']);
  });

  it('a TypeScript workflow runs a DAG built with the typed builder and gets its typed result', async () => {
    const out = await weft.temporal.workflow.execute('runsSummaryDag', {
      taskQueue: env.taskQueue,
      workflowId: id('ts-calls-dag'),
      args: [21],
    });
    expect(out).toEqual({ n: 21, label: 'n=21', status: 'SUCCEEDED' });
  });

  it('executeDag with searchAttributes makes the child findable by WeftDag and WeftStatus', async () => {
    const workflowId = id('ts-calls-searchable');
    expect(
      await weft.temporal.workflow.execute('runsSearchableSummaryDag', {
        taskQueue: env.taskQueue,
        workflowId,
        args: [2],
      }),
    ).toBe('SUCCEEDED');
    const query = `WeftDag = "summary" AND WeftStatus = "SUCCEEDED" AND WorkflowId = "${workflowId}.summary"`;
    let found = 0;
    for (let attempt = 0; attempt < 50 && found === 0; attempt++) {
      found =
        (
          await weft.temporal.workflowService.countWorkflowExecutions({ namespace: 'default', query })
        ).count?.toNumber() ?? 0;
      if (found === 0) await new Promise((r) => setTimeout(r, 100)); // visibility is eventually consistent
    }
    expect(found).toBe(1);
  });
});
