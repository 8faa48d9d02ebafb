/** When a waiting approval times out, and what its `onTimeout` then does, for `weft status`. */
import { durationToMs } from '../dsl/duration';
import type { WeftDocument } from '../dsl/schema';
import type { WeftRunView } from '../protocol/dag';
import { elapsed } from './render';

export interface ApprovalDeadline {
  nodeId: string;
  /** ISO 8601. */
  at: string;
  onTimeout: 'reject' | 'approve';
}

/**
 * The deadlines of the run's waiting approvals that have a `timeout`. The workflow's timer counts from when
 * the node began to wait (the view's `since`; the node's `startedAt` is the same moment), across hand-overs.
 */
export function approvalDeadlines(
  document: Pick<WeftDocument, 'nodes'>,
  view: Pick<WeftRunView, 'nodes' | 'waiting'>,
): ApprovalDeadline[] {
  return (view.waiting ?? []).flatMap((w) => {
    const node = document.nodes.find((n) => n.id === w.nodeId);
    if (w.kind !== 'approval' || node?.type !== 'approval' || node.timeout === undefined) return [];
    const since = Date.parse(w.since || view.nodes[w.nodeId]?.startedAt || '');
    if (Number.isNaN(since)) return [];
    return [
      { nodeId: w.nodeId, at: new Date(since + durationToMs(node.timeout)).toISOString(), onTimeout: node.onTimeout },
    ];
  });
}

export function describeDeadline(deadline: ApprovalDeadline, now = Date.now()): string {
  const left = Date.parse(deadline.at) - now;
  const when = left > 0 ? `in ${elapsed(left)}` : 'due now';
  const then = deadline.onTimeout === 'approve' ? 'approved, with no data' : 'rejected, failing the node';
  return `It times out at ${deadline.at} (${when}); then it is ${then} (onTimeout "${deadline.onTimeout}").`;
}
