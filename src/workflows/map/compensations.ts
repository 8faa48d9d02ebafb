/**
 * Undoing a map's items (the saga, S4): each succeeded unit's `compensate` activity, newest completion first,
 * at most the map's `maxConcurrency` at once, each with its own retry and timeout. A compensation that still
 * fails is counted, not fatal: the others run. Up to MAX_INLINE_UNITS run in the DAG's own run; more in child
 * batches (`weftMapCompensation`) one after the other, each within Temporal's history and payload limits.
 */
import { scheduleActivity } from '@temporalio/workflow';
import { compileActivityOptions } from '../../dsl/activity-options';
import type { TaskBudget } from '../../dsl/engine-limits';
import { evaluateTemplate, type ExpressionContext } from '../../dsl/expressions';
import {
  cutBatches,
  DEFAULT_MAP_CONCURRENCY,
  MAX_INLINE_UNITS,
  MAX_UNITS_PER_BATCH,
  mapUnits,
  unitOutput,
  unitScope,
} from '../../dsl/map-plan';
import type { NodeError, NodeState } from '../../dsl/run-state';
import type { MapNode, MapTemplate } from '../../dsl/schema';
import type { CompensationUnit, MapCompensationInput, MapCompensationResult } from '../../protocol/map';
import { MAP_COMPENSATION_WORKFLOW_TYPE } from '../../protocol/names';
import { describeFailure } from '../failures';
import { runChild } from '../nodes/child';
import { runPool } from './pool';
import { batchContext, evaluateUnitTemplate } from './units';

type ActivityTemplate = Extract<MapTemplate, { type: 'activity' }>;

/** Where a map's compensations run: the map node (as in its last round), its DAG, what expressions read. */
export interface CompensationEnvironment {
  nodeId: string;
  dag: MapCompensationInput['dag'];
  template: MapTemplate;
  batched: boolean;
  context: ExpressionContext;
}

/** Compensates the map node `node` whose state `state` logged what succeeded; resolves with the counts. */
export async function compensateMap(
  node: MapNode,
  state: NodeState,
  env: CompensationEnvironment,
  parent: { workflowId: string; taskQueue: string },
): Promise<MapCompensationResult> {
  const log = state.mapCompensable!;
  // The items as the map saw them: its expression reads upstream outputs, which have not changed since.
  const items = evaluateTemplate(node.items, env.context) as unknown[];
  const units = mapUnits(items, node.batchSize);
  const todo: CompensationUnit[] = [];
  for (let i = log.completed.length - 1; i >= 0; i--) {
    const position = log.completed[i]!;
    const unit = units[position]!;
    const output = log.outputs
      ? (log.outputs[i] ?? null)
      : unitOutput(unit, position, state.output, log.outputsPerItem);
    todo.push({ position, unit, output });
  }
  const concurrency = node.maxConcurrency ?? DEFAULT_MAP_CONCURRENCY;
  if (todo.length <= MAX_INLINE_UNITS) return runCompensations(env, todo, Math.min(concurrency, MAX_INLINE_UNITS));

  const context = batchContext(env.template, env.context);
  const total: MapCompensationResult = { compensated: 0, failed: 0, errors: [] };
  const batches = cutBatches(todo.map((entry) => JSON.stringify(entry).length + 1));
  for (const [k, { first, count }] of batches.entries()) {
    const input: MapCompensationInput = {
      nodeId: env.nodeId,
      dag: env.dag,
      template: env.template,
      batched: env.batched,
      units: todo.slice(first, first + count),
      context,
      concurrency: Math.min(concurrency, MAX_UNITS_PER_BATCH),
    };
    const label = `${node.id} compensation ${k + 1}`;
    try {
      const result = (await runChild(
        { label, unbounded: true },
        {
          workflowType: MAP_COMPENSATION_WORKFLOW_TYPE,
          workflowId: `${parent.workflowId}.${env.nodeId}.compensate-${k + 1}`,
          taskQueue: parent.taskQueue,
          args: [input],
          summary: `${env.dag.name} / ${node.id}: compensate ${count} items`,
        },
      )) as MapCompensationResult;
      total.compensated += result.compensated;
      total.failed += result.failed;
      total.errors.push(...result.errors);
    } catch (err) {
      const items = input.units.reduce((sum, entry) => sum + entry.unit.size, 0);
      total.failed += items;
      total.errors.push({ index: input.units[0]!.unit.index, error: describeFailure(err, label) });
    }
  }
  return total;
}

/** Runs `todo`'s compensations (newest first) through the pool: in the DAG's run, or in a child batch. */
export async function runCompensations(
  env: CompensationEnvironment,
  todo: readonly CompensationUnit[],
  concurrency: number,
): Promise<MapCompensationResult> {
  const template = env.template as ActivityTemplate;
  const step = template.compensate!;
  const options = compileActivityOptions(
    { retry: step.retry, timeout: step.timeout, taskQueue: template.taskQueue },
    env.dag.defaults,
  );
  const outcome = await runPool({
    count: todo.length,
    concurrency,
    tolerated: Number.POSITIVE_INFINITY, // one failed compensation does not stop the others
    sizeOf: (i) => todo[i]!.unit.size,
    start: (i, task) => {
      const { position, unit } = todo[i]!;
      let input: unknown;
      try {
        input = compensationInput(env, template, todo[i]!, task);
      } catch (err) {
        return Promise.reject(err);
      }
      const id = `${env.nodeId}[${position}].compensate`;
      return scheduleActivity(step.activity, [input], { ...options, activityId: id, summary: `compensate ${id}` }).then(
        () => unit.size,
      );
    },
    describe: (err, i) => describeFailure(err, `the compensation of item ${todo[i]!.unit.index}`),
  });
  return {
    compensated: outcome.succeededItems,
    failed: outcome.failedItems,
    errors: outcome.errors.map(({ index, error }) => ({ index: todo[index]!.unit.index, error })),
  };
}

/**
 * A unit's compensation input: its `compensate.input`, which reads `item` (or `items`), `index` and the unit's
 * `output`; by default `{ input, output }` with the unit's evaluated input, as for a node.
 */
function compensationInput(
  env: CompensationEnvironment,
  template: ActivityTemplate,
  { unit, output }: CompensationUnit,
  task: TaskBudget,
): unknown {
  const scope = unitScope(unit, env.batched);
  const undo = template.compensate!.input;
  if (undo !== undefined)
    return evaluateUnitTemplate(undo, 'compensation input', { ...env.context, map: { ...scope, output } }, unit, task);
  const input = evaluateUnitTemplate(template.input, 'input', { ...env.context, map: scope }, unit, task);
  return { input: input ?? null, output };
}

/** How a map's compensations went, as the node's compensation error (null when every one succeeded). */
export function compensationError(result: MapCompensationResult): NodeError | null {
  if (result.failed === 0) return null;
  const items = result.compensated + result.failed;
  const first = [...result.errors].sort((a, b) => a.index - b.index)[0];
  return {
    message:
      `the compensations of ${result.failed} of ${items} items failed` +
      (first ? `; the first: ${first.error.message}` : ''),
    type: first?.error.type ?? null,
  };
}
