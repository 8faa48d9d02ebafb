/**
 * `map` nodes: the template once per item of a list known only when the node starts. Up to
 * MAX_INLINE_UNITS units run in the DAG's own run; more are partitioned into child batches (`weftMapBatch`),
 * each within Temporal's history, pending-activity and payload limits, with `maxConcurrency` shared between
 * them and `toleratedFailures` counted across them (src/dsl/map-plan.ts decides the plan).
 */
import { ApplicationFailure } from '@temporalio/workflow';
import { evaluateTemplate } from '../../dsl/expressions';
import { FAILURE_TYPES } from '../../dsl/failure-types';
import {
  DEFAULT_MAP_CONCURRENCY,
  gatherOutputs,
  MAX_INLINE_UNITS,
  mapUnits,
  outputCharsPerBatch,
  outputsPerItem,
  planBatches,
  type BatchPlan,
  toleratedCount,
  type MapUnit,
} from '../../dsl/map-plan';
import type { MapCompensable, MapProgress } from '../../dsl/run-state';
import type { MapNode } from '../../dsl/schema';
import type { MapBatchInput, MapBatchProgress, MapBatchResult } from '../../protocol/map';
import { MAP_BATCH_WORKFLOW_TYPE } from '../../protocol/names';
import { describeFailure } from '../failures';
import { runPool, type PoolOutcome } from '../map/pool';
import { batchContext, runUnits, type UnitEnvironment } from '../map/units';
import { runChild } from './child';
import type { NodeHandler, NodeRunContext } from './handler';

export const mapHandler: NodeHandler<MapNode> = {
  async run(node, run) {
    const items = itemsOf(node, run);
    const batched = node.batchSize !== undefined;
    const units = mapUnits(items, node.batchSize);
    const tolerated = toleratedCount(node.toleratedFailures, items.length);
    const concurrency = node.maxConcurrency ?? DEFAULT_MAP_CONCURRENCY;
    const env: UnitEnvironment = {
      nodeId: run.executionId(node),
      dag: { name: run.doc.name, defaults: run.doc.defaults },
      template: node.node,
      batched,
      context: run.expressions(),
      workflowId: run.info.workflowId,
      taskQueue: run.info.taskQueue,
      searchAttributes: run.searchAttributes,
    };
    const progress = (p: Omit<MapProgress, 'items'>) => run.recordMap(node.id, { items: items.length, ...p });
    progress({ succeeded: 0, failed: 0, running: 0 });
    const log = templateCompensates(node.node) ? new CompletionLog() : undefined;
    let outcome: MapOutcome;
    try {
      outcome =
        units.length <= MAX_INLINE_UNITS
          ? await runInline(env, units, Math.min(concurrency, MAX_INLINE_UNITS), tolerated, progress, log)
          : await runBatches(node, run, env, units, concurrency, tolerated, progress, log);
    } catch (err) {
      // Cancelled: the items that succeeded until then are still the saga's to undo.
      if (log) run.recordCompensable(node.id, log.withOutputs());
      throw err;
    }
    const failed = outcome.failedItems;
    const { omitted } = outcome;
    run.recordMap(node.id, {
      items: items.length,
      succeeded: outcome.succeededItems,
      failed,
      running: 0,
      ...(omitted > 0 ? { outputsOmitted: omitted } : {}),
    });
    if (log) {
      run.recordCompensable(
        node.id,
        failed > tolerated ? log.withOutputs() : log.readingOutput(outputsPerItem(units, outcome.outputs, batched)),
      );
    }
    if (failed > tolerated) {
      const errors = [...outcome.errors].sort((a, b) => a.index - b.index);
      const first = errors[0];
      throw ApplicationFailure.create({
        type: FAILURE_TYPES.mapFailed,
        message:
          `${failed} of ${items.length} items failed, more than the ${tolerated} tolerated` +
          (first ? `; the first: ${first.error.message}` : ''),
        nonRetryable: true,
        details: [{ items: items.length, failed, errors }],
      });
    }
    return { output: gatherOutputs(units, outcome.outputs, batched), attempt: null };
  },
};

/** `items`, evaluated when the node starts: an array, or the node fails with WeftExpressionError. */
function itemsOf(node: MapNode, run: NodeRunContext): unknown[] {
  let items: unknown;
  try {
    items = run.evaluate((budget) => evaluateTemplate(node.items, run.expressions(), budget));
  } catch (err) {
    throw ApplicationFailure.create({
      type: FAILURE_TYPES.expression,
      message: `items could not be evaluated: ${(err as Error).message}`,
      nonRetryable: true,
      cause: err as Error,
    });
  }
  if (!Array.isArray(items)) {
    const what = items === null ? 'null' : typeof items;
    throw ApplicationFailure.create({
      type: FAILURE_TYPES.expression,
      message: `items must be an array, but it is ${what}`,
      nonRetryable: true,
    });
  }
  return items;
}

/** How the map's units ended, and how many outputs were left out to fit one payload. */
type MapOutcome = PoolOutcome & { omitted: number };

/** Whether the saga has anything to undo for the map's items. */
function templateCompensates(template: MapNode['node']): boolean {
  return template.type === 'activity' && template.compensate !== undefined;
}

/** The map's succeeded units in order of completion, with their outputs, for the saga (MapCompensable). */
class CompletionLog {
  private readonly completed: number[] = [];
  private readonly outputs: unknown[] = [];

  add(position: number, output: unknown): void {
    this.completed.push(position);
    this.outputs.push(output);
  }

  /** A batch's succeeded units, in its order of completion, with their outputs (null where left out). */
  addBatch(result: MapBatchResult, firstUnit: number): void {
    for (const position of result.completed ?? []) this.add(position, result.outputs[position - firstUnit] ?? null);
  }

  /** The map succeeded: its node's output holds the units' outputs. */
  readingOutput(outputsPerItem: boolean): MapCompensable {
    return { completed: this.completed, outputsPerItem };
  }

  /** The map failed or was cancelled: its node has no output, so the log keeps them. */
  withOutputs(): MapCompensable {
    return { completed: this.completed, outputsPerItem: false, outputs: this.outputs };
  }
}

async function runInline(
  env: UnitEnvironment,
  units: MapUnit[],
  concurrency: number,
  tolerated: number,
  progress: (p: Omit<MapProgress, 'items'>) => void,
  log: CompletionLog | undefined,
): Promise<MapOutcome> {
  // Inline outputs go into the node's state as they are; the run's result fits them if it must.
  const succeeded = log && ((unit: number, output: unknown) => log.add(unit, output));
  const outcome = await runUnits(env, units, 0, { concurrency, tolerated, progress, succeeded });
  return { ...outcome, omitted: 0 };
}

/** Child batches, `parallelBatches` at a time; their units' outputs gathered back in order. */
async function runBatches(
  node: MapNode,
  run: NodeRunContext,
  env: UnitEnvironment,
  units: MapUnit[],
  concurrency: number,
  tolerated: number,
  progress: (p: Omit<MapProgress, 'items'>) => void,
  log: CompletionLog | undefined,
): Promise<MapOutcome> {
  const plan = planBatches(units, concurrency);
  const context = batchContext(node.node, run.expressions());
  const sizeOfBatch = (k: number) => {
    const { first, count } = plan.batches[k]!;
    return units.slice(first, first + count).reduce((sum, unit) => sum + unit.size, 0);
  };
  const progressOfBatches = new BatchesProgress(
    units.reduce((sum, unit) => sum + unit.size, 0),
    progress,
  );
  const stopListening = run.onBatchProgress(env.nodeId, (signalled) => progressOfBatches.signalled(signalled));
  try {
    const outcome = await runPool({
      count: plan.batches.length,
      concurrency: plan.parallelBatches,
      tolerated,
      sizeOf: sizeOfBatch,
      start: (k, _task, failedSoFar) => {
        const { first, count } = plan.batches[k]!;
        const input: MapBatchInput = {
          nodeId: env.nodeId,
          dag: env.dag,
          template: node.node,
          batched: env.batched,
          units: units.slice(first, first + count),
          firstUnit: first,
          context,
          concurrency: plan.perBatch,
          tolerated: tolerated - failedSoFar,
          outputChars: outputCharsPerBatch(plan.batches.length),
          searchAttributes: run.searchAttributes,
          batch: k + 1,
          ...(log ? { compensable: true } : {}),
        };
        progressOfBatches.started(k + 1, Math.min(plan.perBatch, count));
        return runChild(
          // Unbounded: a batch ends when its items do (each with its own timeouts); the DAG's timeout cancels it.
          { label: `${node.id} batch ${k + 1}`, unbounded: true },
          {
            workflowType: MAP_BATCH_WORKFLOW_TYPE,
            workflowId: `${run.info.workflowId}.${env.nodeId}.batch-${k + 1}`,
            taskQueue: run.info.taskQueue,
            args: [input],
            summary: `${run.doc.name} / ${node.id}: items ${units[first]!.index} to ${units[first + count - 1]!.index + units[first + count - 1]!.size - 1}`,
          },
        ).finally(() => progressOfBatches.ended(k + 1));
      },
      failedInside: (result) => (result as MapBatchResult).failedItems,
      succeededInside: (result) => (result as MapBatchResult).succeededItems,
      describe: (err, k) => describeFailure(err, `batch ${k + 1} of "${node.id}"`),
      succeeded: log && ((k, result) => log.addBatch(result as MapBatchResult, plan.batches[k]!.first)),
      progress: (counts) => progressOfBatches.returned(counts),
    });
    return gatherBatches(plan, outcome);
  } finally {
    stopListening();
  }
}

/**
 * A partitioned map's progress in items: the batches that returned (the pool counts them), plus what each
 * running batch last signalled (until its first signal: nothing done, its share of the concurrency running).
 */
class BatchesProgress {
  private done = { succeeded: 0, failed: 0 };
  private readonly running = new Map<number, Omit<MapBatchProgress, 'nodeId' | 'batch'>>();

  constructor(
    private readonly total: number,
    private readonly publish: (progress: Omit<MapProgress, 'items'>) => void,
  ) {}

  started(batch: number, inFlight: number): void {
    this.running.set(batch, { succeeded: 0, failed: 0, running: inFlight });
    this.report();
  }

  /** Settled before the pool counts its result: from then on the pool's counts hold its items. */
  ended(batch: number): void {
    this.running.delete(batch);
  }

  signalled({ batch, succeeded, failed, running }: MapBatchProgress): void {
    if (!this.running.has(batch)) return; // late: its result is already counted
    this.running.set(batch, { succeeded, failed, running });
    this.report();
  }

  returned({ succeeded, failed }: { succeeded: number; failed: number }): void {
    this.done = { succeeded, failed };
    this.report();
  }

  private report(): void {
    let { succeeded, failed } = this.done;
    let running = 0;
    for (const batch of this.running.values()) {
      succeeded += batch.succeeded;
      failed += batch.failed;
      running += batch.running;
    }
    this.publish({ succeeded, failed, running: Math.min(running, this.total - succeeded - failed) });
  }
}

/** The batches' results gathered back in unit order. */
function gatherBatches(plan: BatchPlan, outcome: PoolOutcome): MapOutcome {
  const outputs: unknown[] = [];
  let omitted = 0;
  // A batch that failed as a whole is reported at its first unit.
  const errors = outcome.errors.map(({ index, error }) => ({ index: plan.batches[index]!.first, error }));
  plan.batches.forEach(({ count }, k) => {
    const result = outcome.outputs[k] as MapBatchResult | null;
    if (result) {
      outputs.push(...result.outputs);
      omitted += result.omitted;
      errors.push(...result.errors);
    } else outputs.push(...new Array<unknown>(count).fill(null));
  });
  return { outputs, failedItems: outcome.failedItems, succeededItems: outcome.succeededItems, errors, omitted };
}
