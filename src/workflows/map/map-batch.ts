/**
 * `weftMapBatch`: one batch of a partitioned map, a child of the DAG's run. It runs its range of the map's
 * units (at most MAX_UNITS_PER_BATCH, so its history stays short) with its share of the map's concurrency,
 * stops once more items failed than the map still tolerated when it started, and returns its units'
 * outputs within one payload. The map node gathers the batches' results in order.
 */
import { workflowInfo } from '@temporalio/workflow';
import { fitOutputs } from '../../dsl/map-plan';
import type { MapBatchInput, MapBatchResult } from '../../protocol/map';
import { runUnits } from './units';

export async function weftMapBatch(input: MapBatchInput): Promise<MapBatchResult> {
  const info = workflowInfo();
  const dagWorkflowId = String(input.context.run['workflowId'] ?? info.parent?.workflowId ?? info.workflowId);
  const env = {
    nodeId: input.nodeId,
    dag: input.dag,
    template: input.template,
    batched: input.batched,
    context: { input: input.context.input, nodes: input.context.nodes, run: input.context.run },
    workflowId: dagWorkflowId,
    taskQueue: info.taskQueue,
    searchAttributes: input.searchAttributes,
  };
  const outcome = await runUnits(env, input.units, input.firstUnit, {
    concurrency: input.concurrency,
    tolerated: input.tolerated,
  });
  const fitted = fitOutputs(outcome.outputs, input.outputChars);
  return {
    outputs: fitted.outputs,
    failedItems: outcome.failedItems,
    succeededItems: outcome.succeededItems,
    errors: outcome.errors.map(({ index, error }) => ({ index: input.firstUnit + index, error })),
    omitted: fitted.omitted,
  };
}
