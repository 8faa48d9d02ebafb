/**
 * What an operator may do to a running DAG, and when. The workflow's update validators call these checks,
 * so a refused action changes nothing and the caller gets the sentence back.
 */
import type { RunState } from './run-state';
import { didYouMean } from './suggest';

export type NodeAction = 'approve' | 'reject' | 'retry' | 'skip' | 'fail';
export type RunAction = 'pause' | 'resume';

interface NodeInfo {
  id: string;
  type: string;
}

function stoppingReason(state: RunState): string | null {
  if (state.stopping?.cause === 'cancelled') return 'the run is being cancelled';
  if (state.stopping?.cause === 'failed') return `the run is failing (node "${state.stopping.nodeId}" failed)`;
  if (state.stopping?.cause === 'timedOut') return 'the run is failing (the DAG timed out)';
  return null;
}

/** Null when the action is allowed; otherwise why not, as a sentence. */
export function checkNodeAction(
  nodes: readonly NodeInfo[],
  state: RunState,
  action: NodeAction,
  nodeId: unknown,
  pending: ReadonlySet<string> = new Set(),
): string | null {
  if (typeof nodeId !== 'string' || !nodeId) return `${action} needs a node id`;
  const node = nodes.find((n) => n.id === nodeId);
  if (!node)
    return `there is no node "${nodeId}" in this DAG${didYouMean(
      nodeId,
      nodes.map((n) => n.id),
    )}`;
  const stopping = stoppingReason(state);
  if (stopping) return `${stopping}; it takes no more node actions`;
  if (pending.has(nodeId)) return `an action on node "${nodeId}" was just accepted and is being carried out`;
  const current = state.nodes[nodeId];
  if (action === 'approve' || action === 'reject') {
    if (node.type !== 'approval') return `node "${nodeId}" is not an approval node (its type is "${node.type}")`;
    if (current.status !== 'WAITING' || current.waiting?.kind !== 'approval') {
      const after = current.status === 'WAITING' ? ' after its rejection; retry, skip or fail it instead' : '';
      return `node "${nodeId}" is not waiting for approval (it is ${current.status}${after})`;
    }
    return null;
  }
  if (current.status !== 'WAITING' || current.waiting?.kind !== 'failure') {
    const hint =
      node.type === 'approval'
        ? '; approve or reject it instead'
        : '; only a node with onFailure "wait" that failed waits for retry, skip or fail';
    return `node "${nodeId}" is not waiting after a failure (it is ${current.status})${hint}`;
  }
  return null;
}

export function checkRunAction(state: RunState, action: RunAction): string | null {
  const stopping = stoppingReason(state);
  if (stopping) return `${stopping}; it can no longer be paused or resumed`;
  if (action === 'pause' && state.paused) return 'the run is already paused';
  if (action === 'resume' && !state.paused) return 'the run is not paused';
  return null;
}

/** The commands that release a waiting node, for the Web UI and `weft status`; the last says which update. */
export function releaseCommands(workflowId: string, nodeId: string, kind: 'approval' | 'failure'): string[] {
  const updates = kind === 'approval' ? ['approve', 'reject'] : ['retry', 'skip', 'fail'];
  const commands =
    kind === 'approval'
      ? [`weft approve ${workflowId} ${nodeId} --data '{...}'`, `weft reject ${workflowId} ${nodeId} --reason '...'`]
      : [
          `weft retry ${workflowId} ${nodeId}`,
          `weft skip ${workflowId} ${nodeId} --output '{...}'`,
          `weft fail ${workflowId} ${nodeId} --reason '...'`,
        ];
  return [...commands, `or the update ${updates.map((u) => `"${u}"`).join(' / ')} with {"nodeId": "${nodeId}"}`];
}
