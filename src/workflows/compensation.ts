/**
 * The saga (S4): when a run fails or is cancelled, each SUCCEEDED node that declares `compensate` is undone,
 * newest completion first, one at a time, each with its own retry and timeout. A compensation that fails is
 * recorded, not fatal: the rest still run.
 */
import { scheduleActivity } from '@temporalio/workflow';
import { compileActivityOptions } from '../dsl/activity-options';
import { evaluateTemplate, type ExpressionContext } from '../dsl/expressions';
import type { CompensationSummary } from '../dsl/run-result';
import { executionId } from '../dsl/run-decisions';
import type { NodeError, NodeState } from '../dsl/run-state';
import type { RunTracker } from '../dsl/run-tracker';
import type { ActivityNode, MapNode, WeftDocument } from '../dsl/schema';
import { describeFailure } from './failures';
import { compensateMap, compensationError } from './map/compensations';

/** A node's compensation: its `compensate` activity, with its own retry and timeout. */
export function runCompensation(
  node: ActivityNode,
  defaults: WeftDocument['defaults'],
  input: unknown,
): Promise<unknown> {
  const step = node.compensate!;
  const options = compileActivityOptions(
    { retry: step.retry, timeout: step.timeout, taskQueue: node.taskQueue },
    defaults,
  );
  return scheduleActivity(step.activity, [input], {
    ...options,
    activityId: `${node.id}.compensate`,
    summary: `compensate ${node.id}`,
  });
}

/**
 * Compensates the run's nodes in order, reporting the summary as it grows (to publish it). Resolves with the
 * summary, or undefined when nothing needed undoing. A map's items are undone at the map's place in the order.
 */
export async function compensateRun(
  doc: WeftDocument,
  tracker: RunTracker,
  expressions: () => ExpressionContext,
  at: () => string,
  progress: (summary: CompensationSummary) => void,
  run: { workflowId: string; taskQueue: string },
): Promise<CompensationSummary | undefined> {
  const order = tracker.compensationOrder();
  if (order.length === 0) return undefined;
  const byId = new Map(doc.nodes.map((node) => [node.id, node]));
  const summary: CompensationSummary = { compensated: [], failed: [] };
  progress(summary);
  for (const id of order) {
    const node = byId.get(id)!;
    const nodeState = tracker.state.nodes[id]!;
    let error: NodeError | null = null;
    try {
      if (node.type === 'map') error = await compensateMapNode(node, nodeState, doc, expressions(), run);
      else {
        const step = (node as ActivityNode).compensate!;
        const input =
          step.input === undefined
            ? {
                input: inputOfCompensable(node as ActivityNode, nodeState, expressions),
                output: nodeState.output ?? null,
              }
            : evaluateTemplate(step.input, expressions());
        await runCompensation(node as ActivityNode, doc.defaults, input);
      }
    } catch (err) {
      error = describeFailure(err, `the compensation of "${id}"`);
    }
    tracker.compensated(id, error, at());
    (error ? summary.failed : summary.compensated).push(id);
    progress(summary);
  }
  return summary;
}

/** A map's items undone; their counts go into its progress (`map.compensated`, `map.compensationFailed`). */
async function compensateMapNode(
  node: MapNode,
  state: NodeState,
  doc: WeftDocument,
  context: ExpressionContext,
  run: { workflowId: string; taskQueue: string },
): Promise<NodeError | null> {
  const env = {
    nodeId: executionId(node.id, state.round),
    dag: { name: doc.name, defaults: doc.defaults },
    template: node.node,
    batched: node.batchSize !== undefined,
    context,
  };
  const result = await compensateMap(node, state, env, run);
  if (state.map) state.map = { ...state.map, compensated: result.compensated, compensationFailed: result.failed };
  return compensationError(result);
}

/**
 * A node's evaluated input, its compensation's default input. A node a rerun kept never ran in this run: its
 * input is evaluated again, from the run as it is now (null if that fails: the undo still runs).
 */
function inputOfCompensable(node: ActivityNode, state: NodeState, expressions: () => ExpressionContext): unknown {
  if (state.compensationInput !== undefined || !state.reusedFrom || node.input === undefined)
    return state.compensationInput ?? null;
  try {
    return evaluateTemplate(node.input, expressions()) ?? null;
  } catch {
    return null;
  }
}
