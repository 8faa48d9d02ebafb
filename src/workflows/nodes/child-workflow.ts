/**
 * `workflow` nodes: a child workflow of any type (timeouts and cancellation in ./child.ts). A type no
 * worker registers fails at once (see `weftUnknownWorkflow`).
 */
import type { WorkflowNode } from '../../dsl/schema';
import { childSpec, childTaskQueue, runChild } from './child';
import type { NodeHandler } from './handler';

export const childWorkflowHandler: NodeHandler<WorkflowNode> = {
  async run(node, run) {
    const input = run.evaluateInput(node);
    const output = await runChild(childSpec(node), {
      workflowType: node.workflow,
      workflowId: `${run.info.workflowId}.${run.executionId(node)}`,
      taskQueue: childTaskQueue(node, run.doc.defaults, run.info.taskQueue),
      args: input === undefined ? [] : [input],
      summary: `${run.doc.name} / ${node.id}`,
    });
    return { output, attempt: null };
  },
};
