/** `activity` nodes: one Temporal activity, with the node's retry and timeouts, its id the node id. */
import { ActivityCancellationType, scheduleActivity, type ActivityOptions } from '@temporalio/workflow';
import { compileActivityOptions } from '../../dsl/activity-options';
import { unwrapAttempt } from '../../protocol/names';
import type { ActivityNode } from '../../dsl/schema';
import type { NodeHandler, NodeRunContext } from './handler';

type CompiledOptions = Omit<ActivityOptions, 'activityId' | 'summary'>;

/**
 * Options compiled once per distinct retry, timeout and task queue of a document: thousands of nodes
 * usually share a few, and compiling them was a measurable part of starting a node.
 */
const compiled = new WeakMap<NodeRunContext['doc'], Map<string, CompiledOptions>>();

function optionsOf(node: ActivityNode, run: NodeRunContext): CompiledOptions {
  let byKey = compiled.get(run.doc);
  if (byKey === undefined) compiled.set(run.doc, (byKey = new Map()));
  const key = JSON.stringify([node.retry, node.timeout, node.taskQueue]);
  let options = byKey.get(key);
  if (options === undefined) {
    options = {
      ...compileActivityOptions(node, run.doc.defaults),
      // Wait for the activity to acknowledge: a node is CANCELLED only once its work really stopped.
      cancellationType: ActivityCancellationType.WAIT_CANCELLATION_COMPLETED,
    };
    byKey.set(key, options);
  }
  return options;
}

export const activityHandler: NodeHandler<ActivityNode> = {
  // Not async: scheduling directly keeps the promises per node (each costs a stack capture in the
  // sandbox) to the activity's own and the interpreter's one continuation.
  run(node: ActivityNode, run: NodeRunContext): Promise<unknown> {
    let input: unknown;
    try {
      input = run.evaluateInput(node);
    } catch (err) {
      return Promise.reject(err);
    }
    const id = run.executionId(node);
    // The node id as activity id: the history reads as the DAG, and replay checks the order of nodes.
    return scheduleActivity<unknown>(node.activity, [input], {
      ...optionsOf(node, run),
      activityId: id,
      summary: node.id,
    });
  },
  outcome: unwrapAttempt,
};
