/**
 * Nodes with onFailure "wait": a failure (after the node's retries) parks the node WAITING until an operator
 * retries it (a fresh round of attempts), skips it (with the output downstream nodes should see) or fails it.
 * Cancellation is never caught here: a cancelled run stops waiting nodes too.
 */
import { isCancellation } from '@temporalio/workflow';
import { addAttempts, type NodeError } from '../dsl/run-state';
import type { RunTracker } from '../dsl/run-tracker';
import type { WeftNode } from '../dsl/schema';
import { describeFailure } from './failures';
import { takeDecision, type Decision } from './interventions';
import { runNode, type NodeRunContext, type Outcome } from './nodes';

/** An operator failed a waiting node: the run takes its failure path, whatever the node's onFailure. */
export class FailedByOperator extends Error {
  constructor(readonly nodeError: NodeError) {
    super(nodeError.message);
  }
}

/** What waiting for an operator needs of the run. */
export interface OperatorWaitHost {
  readonly tracker: RunTracker;
  readonly nodes: NodeRunContext;
  readonly decisions: Map<string, Decision>;
  /** Attempts a failed round took, as far as the failure tells. */
  attemptsOf(node: WeftNode, err: unknown): number;
  markWaiting(nodeId: string, kind: 'failure', reason: string): void;
  publish(): void;
}

export async function runWithOperator(node: WeftNode, run: OperatorWaitHost): Promise<Outcome> {
  const state = run.tracker.state;
  // A node handed over while it waited after a failure goes straight back to waiting for its operator.
  let failed = state.nodes[node.id]!.waiting?.kind === 'failure';
  for (;;) {
    if (!failed) {
      try {
        return await runNode(node, run.nodes);
      } catch (err) {
        if (isCancellation(err) || node.onFailure !== 'wait') throw err;
        const error = describeFailure(err, `node "${node.id}"`);
        addAttempts(state, node.id, run.attemptsOf(node, err), error);
        run.markWaiting(node.id, 'failure', `failed (${error.message}); waiting for an operator`);
      }
    }
    failed = false;
    const decision = await takeDecision(run.decisions, node.id);
    if (decision.action === 'skip') return { output: decision.output, attempt: 0, skippedByOperator: true };
    if (decision.action === 'fail') {
      const error = state.nodes[node.id]!.error ?? { message: 'failed', type: null };
      const message = decision.reason ? `failed by an operator: ${decision.reason}` : error.message;
      throw new FailedByOperator({ ...error, message });
    }
    run.tracker.retry(node.id);
    run.publish();
  }
}
