/**
 * Starting one unit of a map (an item, or a batch of items): its template's input evaluated with `item` (or
 * `items`) and `index`, then its activity, child workflow or sub-DAG, with ids derived from the map node's:
 * activity `<node>[<index>]`, child `<DAG's workflow id>.<node>[<index>]`.
 */
import {
  ActivityCancellationType,
  ApplicationFailure,
  scheduleActivity,
  type ActivityOptions,
} from '@temporalio/workflow';
import { compileActivityOptions } from '../../dsl/activity-options';
import type { TaskBudget } from '../../dsl/engine-limits';
import { Budget, evaluateTemplate, lookUpNode, type ExpressionContext } from '../../dsl/expressions';
import { FAILURE_TYPES } from '../../dsl/failure-types';
import { templateReferences, unitScope, type MapUnit } from '../../dsl/map-plan';
import type { Defaults, MapTemplate } from '../../dsl/schema';
import type { MapBatchInput } from '../../protocol/map';
import { unwrapAttempt } from '../../protocol/names';
import { childSpec, childTaskQueue, runChild } from '../nodes/child';
import { runSubDag } from '../nodes/sub-dag';
import { describeFailure } from '../failures';
import { runPool, type PoolOptions, type PoolOutcome } from './pool';

/** Where a map's units run: the map node, its DAG, and what their expressions read. */
export interface UnitEnvironment {
  /** The map node's id in this round (an operator's retry gives `<id>#2`). */
  nodeId: string;
  dag: { name: string; defaults?: Defaults };
  template: MapTemplate;
  batched: boolean;
  context: ExpressionContext;
  /** The DAG run's workflow id (children's ids derive from it) and the task queue for children. */
  workflowId: string;
  taskQueue: string;
  searchAttributes: boolean;
}

/**
 * Runs `units` (positions `firstUnit`... among the map's) through the pool: in the DAG's own run for a small
 * map, in each child batch of a large one.
 */
export function runUnits(
  env: UnitEnvironment,
  units: readonly MapUnit[],
  firstUnit: number,
  bounds: Pick<PoolOptions, 'concurrency' | 'tolerated' | 'progress' | 'succeeded'>,
): Promise<PoolOutcome> {
  const starter = new UnitStarter(env);
  const { succeeded } = bounds;
  return runPool({
    ...bounds,
    succeeded: succeeded && ((i, output) => succeeded(firstUnit + i, output)),
    count: units.length,
    sizeOf: (i) => units[i]!.size,
    start: (i, task) => starter.start(units[i]!, firstUnit + i, task),
    describe: (err, i) => describeFailure(err, `item ${units[i]!.index}`),
  });
}

export class UnitStarter {
  private activityOptions: Omit<ActivityOptions, 'activityId' | 'summary'> | undefined;

  constructor(private readonly env: UnitEnvironment) {}

  /** Starts the unit at position `index` among all of the map's units. */
  start(unit: MapUnit, position: number, task: TaskBudget): Promise<unknown> {
    const { env } = this;
    let input: unknown;
    try {
      input = this.input(unit, task);
    } catch (err) {
      return Promise.reject(err);
    }
    const id = `${env.nodeId}[${position}]`;
    const template = env.template;
    if (template.type === 'activity') {
      return scheduleActivity<unknown>(template.activity, [input], {
        ...this.optionsOf(template),
        activityId: id,
        summary: id,
      }).then((result) => unwrapAttempt(result).output);
    }
    const start = {
      workflowId: `${env.workflowId}.${id}`,
      taskQueue: childTaskQueue(template, env.dag.defaults, env.taskQueue),
      summary: `${env.dag.name} / ${id}`,
    };
    if (template.type === 'workflow') {
      return runChild(childSpec(template, id), {
        ...start,
        workflowType: template.workflow,
        args: input === undefined ? [] : [input],
      });
    }
    // Items' children are found through the map node; only the child batches and dag nodes are listed.
    return runSubDag(childSpec(template, id), start, {
      parent: env.dag,
      nodeId: env.nodeId.split('#')[0]!,
      dag: template.dag,
      input,
      searchAttributes: env.searchAttributes,
      listed: false,
    });
  }

  private input(unit: MapUnit, task: TaskBudget): unknown {
    const { template, batched, context } = this.env;
    return evaluateUnitTemplate(template.input, 'input', { ...context, map: unitScope(unit, batched) }, unit, task);
  }

  private optionsOf(template: Extract<MapTemplate, { type: 'activity' }>) {
    this.activityOptions ??= {
      ...compileActivityOptions(template, this.env.dag.defaults),
      // A unit is CANCELLED only once its work really stopped.
      cancellationType: ActivityCancellationType.WAIT_CANCELLATION_COMPLETED,
    };
    return this.activityOptions;
  }
}

/**
 * A template of a unit (its input, or its compensation's input) evaluated with the unit's scope; an
 * expression that fails throws an error typed WeftExpressionError. The work counts in `task` (E2).
 */
export function evaluateUnitTemplate(
  template: unknown,
  what: 'input' | 'compensation input',
  context: ExpressionContext,
  unit: MapUnit,
  task: TaskBudget,
): unknown {
  if (template === undefined) return undefined;
  const budget = new Budget();
  try {
    return evaluateTemplate(template, context, budget);
  } catch (err) {
    throw ApplicationFailure.create({
      type: FAILURE_TYPES.expression,
      message: `the ${what} of item ${unit.index} could not be evaluated: ${(err as Error).message}`,
      nonRetryable: true,
      cause: err as Error,
    });
  } finally {
    task.evaluated(budget.steps, budget.work);
  }
}

/**
 * What a child batch's expressions read of the run (its input, the upstream nodes the template and its
 * compensation name, its facts): a copy small enough for the batch's input, made once per map.
 */
export function batchContext(template: MapTemplate, context: ExpressionContext): MapBatchInput['context'] {
  const nodes: MapBatchInput['context']['nodes'] = {};
  for (const id of templateReferences(template)) {
    const view = lookUpNode(context.nodes, id);
    if (view) nodes[id] = view;
  }
  return { input: context.input, nodes, run: { ...context.run } };
}
