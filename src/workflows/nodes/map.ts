/**
 * `map` nodes: the template once per item of a list known only when the node starts. Up to
 * MAX_INLINE_UNITS units run in the DAG's own run; more are partitioned into child batches (`weftMapBatch`),
 * each within Temporal's history, pending-activity and payload limits, with `maxConcurrency` shared between
 * them and `toleratedFailures` counted across them (src/dsl/map-plan.ts decides the plan).
 */
import { ApplicationFailure } from '@temporalio/workflow';
import { evaluateTemplate, lookUpNode } from '../../dsl/expressions';
import { FAILURE_TYPES } from '../../dsl/failure-types';
import {
  DEFAULT_MAP_CONCURRENCY,
  gatherOutputs,
  MAX_INLINE_UNITS,
  mapUnits,
  outputCharsPerBatch,
  planBatches,
  templateReferences,
  toleratedCount,
  type MapUnit,
} from '../../dsl/map-plan';
import type { MapProgress } from '../../dsl/run-state';
import type { MapNode } from '../../dsl/schema';
import type { MapBatchInput, MapBatchResult } from '../../protocol/map';
import { MAP_BATCH_WORKFLOW_TYPE } from '../../protocol/names';
import { describeFailure } from '../failures';
import { runPool, type PoolOutcome } from '../map/pool';
import { runUnits, type UnitEnvironment } from '../map/units';
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
    const outcome =
      units.length <= MAX_INLINE_UNITS
        ? await runInline(env, units, Math.min(concurrency, MAX_INLINE_UNITS), tolerated, progress)
        : await runBatches(node, run, env, units, concurrency, tolerated, progress);
    const failed = outcome.failedItems;
    const { omitted } = outcome;
    run.recordMap(node.id, {
      items: items.length,
      succeeded: outcome.succeededItems,
      failed,
      running: 0,
      ...(omitted > 0 ? { outputsOmitted: omitted } : {}),
    });
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

async function runInline(
  env: UnitEnvironment,
  units: MapUnit[],
  concurrency: number,
  tolerated: number,
  progress: (p: Omit<MapProgress, 'items'>) => void,
): Promise<MapOutcome> {
  // Inline outputs go into the node's state as they are; the run's result fits them if it must.
  const outcome = await runUnits(env, units, 0, { concurrency, tolerated, progress });
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
): Promise<MapOutcome> {
  const plan = planBatches(units, concurrency);
  const context = run.expressions();
  const nodes: MapBatchInput['context']['nodes'] = {};
  for (const id of templateReferences(node.node)) {
    const view = lookUpNode(context.nodes, id);
    if (view) nodes[id] = view;
  }
  const sizeOfBatch = (k: number) => {
    const { first, count } = plan.batches[k]!;
    return units.slice(first, first + count).reduce((sum, unit) => sum + unit.size, 0);
  };
  // Progress in items: a batch's items count once it returned; until then they are in flight.
  const total = units.reduce((sum, unit) => sum + unit.size, 0);
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
        context: { input: context.input, nodes, run: { ...context.run } },
        concurrency: plan.perBatch,
        tolerated: tolerated - failedSoFar,
        outputChars: outputCharsPerBatch(plan.batches.length),
        searchAttributes: run.searchAttributes,
      };
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
      );
    },
    failedInside: (result) => (result as MapBatchResult).failedItems,
    succeededInside: (result) => (result as MapBatchResult).succeededItems,
    describe: (err, k) => describeFailure(err, `batch ${k + 1} of "${node.id}"`),
    progress: ({ succeeded, failed, running }) => {
      const left = total - succeeded - failed;
      progress({ succeeded, failed, running: running > 0 ? Math.min(concurrency, left) : 0 });
    },
  });
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
