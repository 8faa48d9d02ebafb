/** `approval` nodes: WAITING until approved (the output is the data sent) or rejected, or until the timeout. */
import { ApplicationFailure } from '@temporalio/workflow';
import type { ApprovalNode } from '../../dsl/schema';
import type { NodeHandler } from './handler';
import { FAILURE_TYPES } from '../../dsl/failure-types';

export const approvalHandler: NodeHandler<ApprovalNode> = {
  async run(node, run) {
    const state = run.nodeState(node.id);
    if (state.status !== 'WAITING') run.markWaiting(node, 'approval', 'waiting for approval');
    const timeout =
      node.timeout === undefined ? undefined : run.remaining(node.timeout, run.nodeState(node.id).waiting?.since);
    const decision = await run.awaitDecision(node.id, timeout, `${node.id}: approval timeout`);
    if (decision === undefined) {
      if (node.onTimeout === 'approve') return { output: null, attempt: 1 };
      throw ApplicationFailure.create({
        type: FAILURE_TYPES.approvalTimeout,
        message: `no approval within ${node.timeout}`,
        nonRetryable: true,
      });
    }
    if (decision.action === 'approve') return { output: decision.data, attempt: 1 };
    const reason = decision.action === 'reject' || decision.action === 'fail' ? decision.reason : undefined;
    throw ApplicationFailure.create({
      type: FAILURE_TYPES.rejected,
      message: reason ? `rejected: ${reason}` : 'rejected',
      nonRetryable: true,
    });
  },
};
