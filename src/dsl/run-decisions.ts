/**
 * The interpreter's decisions beyond trigger rules (run-state.ts): what to stop when the run fails, what the
 * run's status reads while it runs, which error a finished run reports, whether it may hand over, which
 * id a node's execution gets. Pure, so they are unit-tested without a server; the workflow only applies them.
 */
import type { Duration } from './duration';
import type { RunResultError } from './run-result';
import type { NodeError, NodeStatus, RunState, RunStatus } from './run-state';
import { FAILURE_TYPES } from './failure-types';

/**
 * The nodes to stop once a node failed the run. Nodes waiting for a person are stopped always: nobody may
 * act on a failing run, so they would wait forever. Running nodes only with failFast (the default);
 * without it they finish (and are compensated).
 */
export function nodesToStopOnFailure(
  failedId: string,
  active: Iterable<string>,
  statusOf: (id: string) => NodeStatus,
  failFast: boolean | undefined,
): string[] {
  const stop: string[] = [];
  for (const id of active) if (id !== failedId && (failFast !== false || statusOf(id) === 'WAITING')) stop.push(id);
  return stop;
}

/** The status of a run still under way (RUNNING or PAUSED); a final status stays as it is. */
export function liveStatus(status: RunStatus, state: Pick<RunState, 'paused'>): RunStatus {
  if (status !== 'RUNNING' && status !== 'PAUSED') return status;
  return state.paused ? 'PAUSED' : 'RUNNING';
}

/**
 * The WeftStatus search attribute: the run's status, but WAITING while a RUNNING run has nodes waiting for a
 * person (a search status only), so `WeftStatus = "WAITING"` finds the runs that need one.
 */
export function searchStatus(status: RunStatus, waitingCount: number): RunStatus | 'WAITING' {
  return status === 'RUNNING' && waitingCount > 0 ? 'WAITING' : status;
}

/**
 * The error a finished run reports, first that applies: its output could not be evaluated; the node that
 * failed it; the DAG's timeout; its cancellation. None for a run that succeeded.
 */
export function runError(
  state: Pick<RunState, 'nodes' | 'stopping'>,
  status: RunStatus,
  outputError: NodeError | undefined,
  timeout: Duration | undefined,
): RunResultError | undefined {
  if (outputError) return { message: outputError.message, type: outputError.type };
  const failedNode = state.stopping?.nodeId;
  if (status === 'FAILED' && failedNode) {
    const error = state.nodes[failedNode]?.error;
    return { nodeId: failedNode, message: error?.message ?? 'failed', type: error?.type ?? null };
  }
  if (state.stopping?.cause === 'timedOut')
    return { message: `the DAG did not end within ${timeout}`, type: FAILURE_TYPES.dagTimeout };
  if (status === 'CANCELLED') return { message: 'the run was cancelled', type: FAILURE_TYPES.cancelled };
  return undefined;
}

export interface HandoverReadiness {
  /** The run stopped starting nodes because its history is long. */
  draining: boolean;
  /** Operators' decisions accepted but not yet taken: they would be lost. */
  pendingDecisions: number;
  /** A run that fails or is cancelled ends in this history. */
  stopping: boolean;
  running: number;
  /** Whether a node runs that the next run could not pick up (anything but a sleep); asked only when it matters. */
  runsUncarried: () => boolean;
}

/** E3: hand over when draining and nothing would be lost: sleeps and waits carry over, activities do not. */
export function mayHandOver(run: HandoverReadiness): boolean {
  if (!run.draining || run.pendingDecisions > 0 || run.stopping) return false;
  return run.running === 0 || !run.runsUncarried();
}

/** The id of a node's activity or child in its `round` (1 = the first): an operator's retry must not reuse one. */
export function executionId(nodeId: string, round: number | undefined): string {
  return round === undefined || round === 1 ? nodeId : `${nodeId}#${round}`;
}

/** What is left of `durationMs` since `since` (the whole of it on a fresh start; at least 1 ms, for a timer). */
export function remainingMs(durationMs: number, since: string | null | undefined, nowMs: number): number {
  const elapsed = since ? nowMs - Date.parse(since) : 0;
  return Math.max(1, durationMs - elapsed);
}
