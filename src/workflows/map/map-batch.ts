/**
 * `weftMapBatch`: one batch of a partitioned map, a child of the DAG's run. It runs its range of the map's
 * units (at most MAX_UNITS_PER_BATCH, so its history stays short) with its share of the map's concurrency,
 * stops once more items failed than the map still tolerated when it started, and returns its units'
 * outputs within one payload. The map node gathers the batches' results in order.
 */
import { getExternalWorkflowHandle, isCancellation, patched, workflowInfo } from '@temporalio/workflow';
import { fitOutputs } from '../../dsl/map-plan';
import type { MapBatchInput, MapBatchResult } from '../../protocol/map';
import { BatchProgressReporter } from './progress-reporter';
import type { UnitEnvironment } from './units';
import { runUnits } from './units';

/** Batches started before Weft reported their progress must replay without the signals. */
const PROGRESS_PATCH = 'weft-map-batch-progress';

export async function weftMapBatch(input: MapBatchInput): Promise<MapBatchResult> {
  const info = workflowInfo();
  const dagWorkflowId = String(input.context.run['workflowId'] ?? info.parent?.workflowId ?? info.workflowId);
  const env: UnitEnvironment = {
    nodeId: input.nodeId,
    dag: input.dag,
    template: input.template,
    batched: input.batched,
    context: input.context,
    workflowId: dagWorkflowId,
    taskQueue: info.taskQueue,
    searchAttributes: input.searchAttributes,
  };
  const reporter =
    info.parent && input.batch !== undefined && patched(PROGRESS_PATCH)
      ? new BatchProgressReporter(getExternalWorkflowHandle(info.parent.workflowId))
      : undefined;
  let counts = { succeeded: 0, failed: 0 };
  const progress = (p: { succeeded: number; failed: number; running: number }) => {
    counts = p;
    reporter?.report({ nodeId: input.nodeId, batch: input.batch!, ...p });
  };
  if (!input.compensable) {
    const outcome = await runUnits(env, input.units, input.firstUnit, {
      concurrency: input.concurrency,
      tolerated: input.tolerated,
      progress,
    });
    return resultOf(input, outcome.outputs, outcome);
  }
  // The DAG's saga undoes what succeeded, so the batch says what did, in order, even when it is cancelled.
  const completed: number[] = [];
  const outputs = new Array<unknown>(input.units.length).fill(null);
  try {
    const outcome = await runUnits(env, input.units, input.firstUnit, {
      concurrency: input.concurrency,
      tolerated: input.tolerated,
      progress,
      succeeded: (position, output) => {
        completed.push(position);
        outputs[position - input.firstUnit] = output;
      },
    });
    return { ...resultOf(input, outcome.outputs, outcome), completed };
  } catch (err) {
    if (!isCancellation(err)) throw err;
    const partial = { failedItems: counts.failed, succeededItems: counts.succeeded, errors: [] };
    return { ...resultOf(input, outputs, partial), completed, cancelled: true };
  }
}

function resultOf(
  input: MapBatchInput,
  outputs: unknown[],
  outcome: Pick<MapBatchResult, 'failedItems' | 'succeededItems' | 'errors'>,
): MapBatchResult {
  const fitted = fitOutputs(outputs, input.outputChars);
  return {
    outputs: fitted.outputs,
    failedItems: outcome.failedItems,
    succeededItems: outcome.succeededItems,
    errors: outcome.errors.map(({ index, error }) => ({ index: input.firstUnit + index, error })),
    omitted: fitted.omitted,
  };
}
