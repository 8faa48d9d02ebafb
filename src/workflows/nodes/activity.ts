/** `activity` nodes: one Temporal activity, with the node's retry and timeouts, its id the node id. */
import { ActivityCancellationType, scheduleActivity, type ActivityOptions } from '@temporalio/workflow';
import { compileActivityOptions } from '../../dsl/activity-options';
import { unwrapAttempt } from '../../dsl/protocol';
import type { ActivityNode } from '../../dsl/schema';
import type { NodeHandler, NodeRunContext, Outcome } from './handler';

/** Options compiled once per node and document (a node runs once per round; a DAG may have thousands). */
const compiled = new WeakMap<ActivityNode, Omit<ActivityOptions, 'activityId' | 'summary'>>();

function optionsOf(node: ActivityNode, run: NodeRunContext): Omit<ActivityOptions, 'activityId' | 'summary'> {
  let options = compiled.get(node);
  if (options === undefined) {
    options = {
      ...compileActivityOptions(node, run.doc.defaults),
      // Wait for the activity to acknowledge: a node is CANCELLED only once its work really stopped.
      cancellationType: ActivityCancellationType.WAIT_CANCELLATION_COMPLETED,
    };
    compiled.set(node, options);
  }
  return options;
}

export const activityHandler: NodeHandler<ActivityNode> = {
  // Not async: scheduling directly keeps the promises per node (each costs a stack capture in the
  // sandbox) to the activity's own and one continuation.
  run(node: ActivityNode, run: NodeRunContext): Promise<Outcome> {
    let input: unknown;
    try {
      input = run.evaluateInput(node);
    } catch (err) {
      return Promise.reject(err);
    }
    const id = run.executionId(node);
    // The node id as activity id: the history reads as the DAG, and replay checks the order of nodes.
    return scheduleActivity<unknown>(node.activity, [input], { ...optionsOf(node, run), activityId: id, summary: node.id }).then(unwrapAttempt);
  },
};
