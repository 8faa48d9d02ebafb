/**
 * Running a node as a child workflow (`workflow` and `dag` nodes). Safe defaults as for activities: one
 * attempt, and an execution timeout of `DEFAULT_CHILD_EXECUTION_TIMEOUT` unless the node sets one, so a child
 * that never finishes (it throws a plain Error, which Temporal retries as a workflow task forever, or no worker
 * polls its task queue) cannot hold the DAG forever.
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
import type { SearchAttributePair } from '@temporalio/common';
import { compileActivityOptions } from '../../dsl/activity-options';
import { durationToMs } from '../../dsl/duration';
import type { Defaults, RetryPolicySpec, WorkflowTimeouts } from '../../dsl/schema';

export const DEFAULT_CHILD_EXECUTION_TIMEOUT = '1h';
export const DEFAULT_CHILD_CANCEL_GRACE = '1m';

/** What a node (or a map's item) says about its child: its timeouts and retry. */
export interface ChildSpec {
  /** Names the child in timer summaries (the node id). */
  label: string;
  timeout?: WorkflowTimeouts;
  retry?: RetryPolicySpec;
  /** Weft's own children (a map's batches) end when their work does: no default execution timeout. */
  unbounded?: boolean;
}

export interface ChildStart {
  workflowType: string;
  workflowId: string;
  taskQueue: string;
  args: unknown[];
  summary: string;
  searchAttributes?: SearchAttributePair[];
}

/** Starts a child and resolves with its result; see above for timeouts and cancellation. */
export async function runChild(spec: ChildSpec, start: ChildStart): Promise<unknown> {
  const timeout = spec.timeout ?? {};
  const child = await startChild(start.workflowType, {
    args: start.args,
    workflowId: start.workflowId,
    taskQueue: start.taskQueue,
    staticSummary: start.summary,
    typedSearchAttributes: start.searchAttributes,
    cancellationType: ChildWorkflowCancellationType.WAIT_CANCELLATION_COMPLETED,
    retry: spec.retry ? compileActivityOptions({ retry: spec.retry }).retry : { maximumAttempts: 1 },
    workflowExecutionTimeout:
      timeout.execution !== undefined
        ? durationToMs(timeout.execution)
        : timeout.run === undefined && !spec.unbounded
          ? durationToMs(DEFAULT_CHILD_EXECUTION_TIMEOUT)
          : undefined,
    workflowRunTimeout: timeout.run !== undefined ? durationToMs(timeout.run) : undefined,
    workflowTaskTimeout: timeout.task !== undefined ? durationToMs(timeout.task) : undefined,
  });
  const result = child.result();
  const grace = durationToMs(timeout.cancel ?? DEFAULT_CHILD_CANCEL_GRACE);
  return new Promise<unknown>((resolve, reject) => {
    result.then(resolve, reject);
    // The node's scope was cancelled: the SDK has asked the child to cancel; give it `grace` to stop.
    CancellationScope.current().cancelRequested.catch((cancellation: unknown) => {
      CancellationScope.nonCancellable(async () => {
        // Its own scope, so the timer stops as soon as the child does.
        const timer = new CancellationScope();
        const stop = () => timer.cancel();
        result.then(stop, stop);
        await timer.run(() => sleep(grace, { summary: `${spec.label}: waiting for the child to stop` }));
      }).then(
        () => reject(cancellation),
        (err: unknown) => {
          if (!isCancellation(err)) reject(err);
        },
      );
    });
  });
}

/** A node's (or a map template's) child settings, named by `label`. */
export function childSpec(
  node: { id?: string; timeout?: WorkflowTimeouts; retry?: RetryPolicySpec },
  label = node.id ?? '',
): ChildSpec {
  return { label, timeout: node.timeout, retry: node.retry };
}

/** The task queue of a node's child: its own, else the document's default, else the run's. */
export function childTaskQueue(node: { taskQueue?: string }, defaults: Defaults | undefined, fallback: string): string {
  return node.taskQueue ?? defaults?.taskQueue ?? fallback;
}
