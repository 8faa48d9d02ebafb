/**
 * `workflow` nodes: a child workflow. Safe defaults as for activities: one attempt, and an execution
 * timeout of `DEFAULT_CHILD_EXECUTION_TIMEOUT` unless the node sets one, so a child that never finishes
 * (it throws a plain Error, which Temporal retries as a workflow task forever, or no worker polls its task
 * queue) cannot hold the DAG forever. A type no worker registers fails at once (see `weftUnknownWorkflow`).
 *
 * Cancelling the node asks the child to cancel and waits for it to stop, so a sub-DAG compensates before
 * the node counts as CANCELLED; a child that does not stop within `timeout.cancel` (default
 * `DEFAULT_CHILD_CANCEL_GRACE`) is left behind: the node is CANCELLED, and the child is terminated when
 * the DAG's run closes (parent close policy). Temporal's own WAIT_CANCELLATION_REQUESTED would not do: the
 * SDK resolves it only when the child closes, so a child stuck in a failing workflow task held the DAG.
 */
import {
  CancellationScope,
  ChildWorkflowCancellationType,
  isCancellation,
  sleep,
  startChild,
} from '@temporalio/workflow';
import { compileActivityOptions } from '../../dsl/activity-options';
import { durationToMs } from '../../dsl/duration';
import type { WorkflowNode } from '../../dsl/schema';
import type { NodeHandler } from './handler';

export const DEFAULT_CHILD_EXECUTION_TIMEOUT = '1h';
export const DEFAULT_CHILD_CANCEL_GRACE = '1m';

export const childWorkflowHandler: NodeHandler<WorkflowNode> = {
  async run(node, run) {
    const input = run.evaluateInput(node);
    const timeout = node.timeout ?? {};
    const child = await startChild(node.workflow, {
      args: input === undefined ? [] : [input],
      workflowId: `${run.info.workflowId}.${run.executionId(node)}`,
      taskQueue: node.taskQueue ?? run.doc.defaults?.taskQueue ?? run.info.taskQueue,
      staticSummary: `${run.doc.name} / ${node.id}`,
      cancellationType: ChildWorkflowCancellationType.WAIT_CANCELLATION_COMPLETED,
      retry: node.retry ? compileActivityOptions({ retry: node.retry }).retry : { maximumAttempts: 1 },
      workflowExecutionTimeout:
        timeout.execution !== undefined
          ? durationToMs(timeout.execution)
          : timeout.run === undefined
            ? durationToMs(DEFAULT_CHILD_EXECUTION_TIMEOUT)
            : undefined,
      workflowRunTimeout: timeout.run !== undefined ? durationToMs(timeout.run) : undefined,
      workflowTaskTimeout: timeout.task !== undefined ? durationToMs(timeout.task) : undefined,
    });
    const result = child.result();
    const grace = durationToMs(timeout.cancel ?? DEFAULT_CHILD_CANCEL_GRACE);
    const output = await new Promise<unknown>((resolve, reject) => {
      result.then(resolve, reject);
      // The node's scope was cancelled: the SDK has asked the child to cancel; give it `grace` to stop.
      CancellationScope.current().cancelRequested.catch((cancellation: unknown) => {
        CancellationScope.nonCancellable(async () => {
          // Its own scope, so the timer stops as soon as the child does.
          const timer = new CancellationScope();
          const stop = () => timer.cancel();
          result.then(stop, stop);
          await timer.run(() => sleep(grace, { summary: `${node.id}: waiting for the child to stop` }));
        }).then(
          () => reject(cancellation),
          (err: unknown) => {
            if (!isCancellation(err)) reject(err);
          },
        );
      });
    });
    return { output, attempt: null };
  },
};
