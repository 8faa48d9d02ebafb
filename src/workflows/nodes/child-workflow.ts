/**
 * `workflow` nodes: a child workflow. Safe defaults as for activities: one attempt, and an execution
 * timeout of `DEFAULT_CHILD_EXECUTION_TIMEOUT` unless the node sets one, so a child that never finishes
 * (it throws a plain Error, which Temporal retries as a workflow task forever, or no worker polls its task
 * queue) cannot hold the DAG forever. A type no worker registers fails at once (see `weftUnknownWorkflow`).
 */
import { ChildWorkflowCancellationType, executeChild } from '@temporalio/workflow';
import { compileActivityOptions } from '../../dsl/activity-options';
import { durationToMs } from '../../dsl/duration';
import type { WorkflowNode } from '../../dsl/schema';
import type { NodeHandler } from './handler';

export const DEFAULT_CHILD_EXECUTION_TIMEOUT = '1h';

export const childWorkflowHandler: NodeHandler<WorkflowNode> = {
  async run(node, run) {
    const input = run.evaluateInput(node);
    const timeout = node.timeout ?? {};
    const output = await executeChild(node.workflow, {
      args: input === undefined ? [] : [input],
      workflowId: `${run.info.workflowId}.${run.executionId(node)}`,
      taskQueue: node.taskQueue ?? run.doc.defaults?.taskQueue ?? run.info.taskQueue,
      staticSummary: `${run.doc.name} / ${node.id}`,
      // Wait until the server accepted the cancel request, not for the child to finish: a child stuck in a
      // failing workflow task never acknowledges, and cancelling the DAG must always end.
      cancellationType: ChildWorkflowCancellationType.WAIT_CANCELLATION_REQUESTED,
      retry: node.retry ? compileActivityOptions({ retry: node.retry }).retry : { maximumAttempts: 1 },
      workflowExecutionTimeout: timeout.execution !== undefined ? durationToMs(timeout.execution) : timeout.run === undefined ? durationToMs(DEFAULT_CHILD_EXECUTION_TIMEOUT) : undefined,
      workflowRunTimeout: timeout.run !== undefined ? durationToMs(timeout.run) : undefined,
      workflowTaskTimeout: timeout.task !== undefined ? durationToMs(timeout.task) : undefined,
    });
    return { output, attempt: null };
  },
};
