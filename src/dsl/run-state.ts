/**
 * The run state of a DAG and the interpreter's decisions over it, as pure functions. The workflow feeds
 * Temporal's events in (a node started, succeeded, failed) and asks what to do next; it decides nothing
 * itself, so scheduling is unit-tested without a server.
 *
 * Invariants:
 * - S1 a node leaves PENDING at most once: it starts at most once per operator retry, never twice by itself.
 * - S2 a node starts only when its trigger rule says "run" given its upstream nodes' final states.
 * - S3 once the run is failing or cancelled no new node starts; running nodes finish or are cancelled.
 *      With `teardown` (the current interpreter) one exception, as Airflow runs its teardown tasks: while the run
 *      is failing, a node whose rule is made for failures (TEARDOWN_RULES) still runs when its rule holds; every
 *      other node that would have run is SKIPPED, so the teardown nodes below it can decide.
 * - S4 every SUCCEEDED node with `compensate` is compensated exactly once when the run fails or is
 *      cancelled, in reverse order of completion.
 */
import type { KeptNode } from './rerun';
import type { OnFailurePolicy } from './schema';
import { decideTrigger, isDone, skipReason, type NodeStatus, type TriggerRule } from './trigger-rules';
import { FAILURE_TYPES } from './failure-types';

export type { NodeStatus, TriggerRule } from './trigger-rules';

export type RunStatus = 'RUNNING' | 'PAUSED' | 'SUCCEEDED' | 'FAILED' | 'CANCELLED';

/** A run in one of these statuses has ended: nothing in it changes any more. */
export function runEnded(status: RunStatus): boolean {
  return status === 'SUCCEEDED' || status === 'FAILED' || status === 'CANCELLED';
}

/** The parts of a node the scheduler needs (structural, so it does not depend on the full schema). */
export interface SchedulableNode {
  id: string;
  dependsOn?: readonly string[];
  trigger?: TriggerRule;
  onFailure?: OnFailurePolicy;
  compensate?: unknown;
}

export interface NodeError {
  message: string;
  /** The error type (ApplicationFailure type, `StartToCloseTimeout`, `Cancelled`...). */
  type: string | null;
  /** Whether Temporal's retry gave up because the error was non-retryable, attempts ran out, or time ran out. */
  retryState?: string | null;
}

export interface NodeState {
  status: NodeStatus;
  attempts: number;
  startedAt: string | null;
  endedAt: string | null;
  output: unknown;
  error: NodeError | null;
  /** Why a node was SKIPPED or what a WAITING node waits for. */
  reason?: string;
  /** Set while WAITING: for an approval, or for an operator after a failure (onFailure "wait"). */
  waiting?: { kind: 'approval' | 'failure'; since: string };
  /** An operator skipped the failed node: it counts as succeeded for trigger rules, is never compensated. */
  skippedByOperator?: boolean;
  /** Order of completion among nodes (1, 2, ...), which fixes the compensation order. */
  completedSeq?: number;
  compensation?: { status: 'COMPENSATED' | 'COMPENSATION_FAILED'; error: NodeError | null; endedAt: string };
  /** A map node's items: how many, and how many succeeded, failed and run now. */
  map?: MapProgress;
  /** The operator's retry round the node is in, once it is past its first (2, 3, ...). */
  round?: number;
  /** The evaluated input of a node that declares `compensate`: its compensation's default input. */
  compensationInput?: unknown;
  /** A rerun kept the node: it did not run again; its output is the one the run of this workflow id recorded. */
  reusedFrom?: string;
  /** A map whose template declares `compensate`: what its saga undoes (not shown in views or results). */
  mapCompensable?: MapCompensable;
}

/**
 * The units of a map that succeeded, oldest completion first (positions among its units; about 6 bytes each
 * in the run's state), and whether its output has one entry per item (gatherOutputs), to read each unit's
 * output back for its compensation. Kept whatever the map's status: a failed or cancelled map's succeeded
 * items had their effect too.
 */
export interface MapCompensable {
  completed: number[];
  outputsPerItem: boolean;
  /** The units' outputs, in the order of `completed`, when the map failed or was cancelled (it has no output). */
  outputs?: unknown[];
}

export interface MapProgress {
  items: number;
  succeeded: number;
  failed: number;
  running: number;
  /** Outputs left out (null) so the map's output fits one payload; pass large data by reference instead. */
  outputsOmitted?: number;
  /** Once the saga ran: items compensated, and items whose compensation still failed. */
  compensated?: number;
  compensationFailed?: number;
}

export interface RunState {
  nodes: Record<string, NodeState>;
  /** Completions so far; the next completion gets seq + 1. */
  seq: number;
  /** Set when a node failed with onFailure "fail" or the DAG's timeout passed (the run will fail), or the run was cancelled. */
  stopping: null | { cause: 'failed' | 'cancelled' | 'timedOut'; nodeId?: string };
  /** While paused no node starts; running ones finish. */
  paused: boolean;
}

export function initialRunState(nodes: readonly SchedulableNode[]): RunState {
  const state: RunState = { nodes: {}, seq: 0, stopping: null, paused: false };
  for (const node of nodes) {
    state.nodes[node.id] = {
      status: 'PENDING',
      attempts: 0,
      startedAt: null,
      endedAt: null,
      output: null,
      error: null,
    };
  }
  return state;
}

export interface TriggerEvaluation {
  /** Nodes whose rule holds, in document order; the workflow evaluates their `when` and starts them. */
  ready: string[];
  /** Nodes that can never run, with why. Apply them and evaluate again: skips cascade downstream. */
  skipped: Array<{ id: string; reason: string }>;
}

/** Trigger rules for cleaning up after failures: their nodes still run while the run is failing (S3). */
export const TEARDOWN_RULES: ReadonlySet<TriggerRule> = new Set(['allDone', 'oneFailed', 'allFailed']);

export interface TriggerOptions {
  /** S3's exception for TEARDOWN_RULES; off for runs of the interpreter that predates it (legacy/). */
  readonly teardown?: boolean;
}

/** Failing (not cancelled, not timed out) with teardown on: teardown nodes may still start. */
export function isTearingDown(state: RunState, options: TriggerOptions): boolean {
  return options.teardown === true && state.stopping?.cause === 'failed';
}

/** Which PENDING nodes may run now and which can never run, given the current state. */
export function evaluateTriggers(
  nodes: readonly SchedulableNode[],
  state: RunState,
  options: TriggerOptions = {},
): TriggerEvaluation {
  const result: TriggerEvaluation = { ready: [], skipped: [] };
  const tearingDown = isTearingDown(state, options);
  if ((state.stopping && !tearingDown) || state.paused) return result; // S3; and a paused run decides nothing
  for (const node of nodes) {
    if (state.nodes[node.id].status !== 'PENDING') continue;
    const rule = node.trigger ?? 'allSuccess';
    const upstream = (node.dependsOn ?? []).map((id) => statusForRules(state.nodes[id]));
    const decision = decideTrigger(rule, upstream);
    if (decision === 'run' && tearingDown && !TEARDOWN_RULES.has(rule))
      result.skipped.push({ id: node.id, reason: stopReason(state)! });
    else if (decision === 'run') result.ready.push(node.id);
    else if (decision === 'skip') result.skipped.push({ id: node.id, reason: skipReason(rule) });
  }
  return result;
}

/** A node an operator skipped stands in for a success: downstream nodes see the output they were given. */
function statusForRules(node: NodeState): NodeStatus {
  return node.skippedByOperator ? 'SUCCEEDED' : node.status;
}

function complete(state: RunState, id: string, patch: Partial<NodeState>, at: string): void {
  state.seq += 1;
  Object.assign(state.nodes[id], { endedAt: at, completedSeq: state.seq }, patch);
}

/** A rerun keeps the node as the run `from` recorded it: SUCCEEDED, not executed again (src/dsl/rerun.ts). */
export function markReused(state: RunState, id: string, kept: KeptNode, from: string, at: string): void {
  complete(
    state,
    id,
    { status: 'SUCCEEDED', output: kept.output, attempts: kept.attempts, startedAt: kept.startedAt, reusedFrom: from },
    kept.endedAt ?? at,
  );
}

export function markStarted(state: RunState, id: string, at: string): void {
  const node = state.nodes[id];
  if (node.status !== 'PENDING') throw new Error(`node "${id}" cannot start: it is ${node.status}`); // S1
  Object.assign(node, { status: 'RUNNING', startedAt: node.startedAt ?? at, error: null, reason: undefined });
}

export function markSkipped(state: RunState, id: string, reason: string, at: string): void {
  complete(state, id, { status: 'SKIPPED', reason }, at);
}

export function markSucceeded(state: RunState, id: string, output: unknown, attempts: number, at: string): void {
  complete(
    state,
    id,
    {
      status: 'SUCCEEDED',
      output,
      attempts: state.nodes[id].attempts + attempts,
      error: null,
      waiting: undefined,
      reason: undefined,
    },
    at,
  );
}

/** Adds the attempts of a round that failed, when the node waits instead of failing. */
export function addAttempts(state: RunState, id: string, attempts: number, error: NodeError): void {
  const node = state.nodes[id];
  node.attempts += attempts;
  node.error = error;
}

/**
 * Records a failure and says whether the run must now fail: onFailure "fail", or an operator's "fail" on a
 * waiting node (`force`).
 */
export function markFailed(
  state: RunState,
  node: SchedulableNode,
  error: NodeError,
  attempts: number,
  at: string,
  force = false,
): { runFails: boolean } {
  complete(
    state,
    node.id,
    {
      status: 'FAILED',
      error,
      attempts: state.nodes[node.id].attempts + attempts,
      waiting: undefined,
      reason: undefined,
    },
    at,
  );
  const runFails = force || (node.onFailure ?? 'fail') === 'fail';
  if (runFails && !state.stopping) state.stopping = { cause: 'failed', nodeId: node.id };
  return { runFails };
}

/** RUNNING (or just started) -> WAITING: an approval, or a failed node with onFailure "wait". */
export function markWaiting(
  state: RunState,
  id: string,
  kind: 'approval' | 'failure',
  reason: string,
  at: string,
): void {
  Object.assign(state.nodes[id], { status: 'WAITING', waiting: { kind, since: at }, reason });
}

/** An operator's retry: WAITING -> RUNNING for a fresh round of attempts; the failure stays until it succeeds. */
export function markRetrying(state: RunState, id: string): void {
  const node = state.nodes[id];
  Object.assign(node, { status: 'RUNNING', waiting: undefined, reason: undefined, round: (node.round ?? 1) + 1 });
}

/**
 * A run handed over by the interpreter of Weft 0.1 carried each node's retry round and compensation input
 * beside the state; the current one keeps them in it.
 */
export function adoptLegacyCarried(
  state: RunState,
  carried: { rounds?: Record<string, number>; inputs?: Record<string, unknown> },
): void {
  for (const [id, round] of Object.entries(carried.rounds ?? {}))
    if (round > 1 && state.nodes[id]) state.nodes[id].round = round;
  for (const [id, input] of Object.entries(carried.inputs ?? {}))
    if (state.nodes[id]) state.nodes[id].compensationInput = input;
}

/** Keeps a node's evaluated input for its compensation (S4), which by default receives it. */
export function recordCompensationInput(state: RunState, id: string, input: unknown): void {
  state.nodes[id].compensationInput = input;
}

export function markSkippedByOperator(state: RunState, id: string, output: unknown, at: string): void {
  complete(
    state,
    id,
    { status: 'SKIPPED', skippedByOperator: true, output, waiting: undefined, reason: 'skipped by an operator' },
    at,
  );
}

export function waitingNodes(state: RunState): string[] {
  return Object.keys(state.nodes).filter((id) => state.nodes[id].status === 'WAITING');
}

export function markCancelled(state: RunState, id: string, at: string): void {
  complete(state, id, { status: 'CANCELLED', error: { message: 'cancelled', type: FAILURE_TYPES.cancelled } }, at);
}

export function markRunCancelled(state: RunState): void {
  state.stopping = { cause: 'cancelled' };
}

/** The DAG's `timeout` passed: the run fails (unless it is already failing or cancelled). */
export function markRunTimedOut(state: RunState): void {
  state.stopping ??= { cause: 'timedOut' };
}

/** The nodes currently executing (they count against maxParallelism). */
export function runningNodes(state: RunState): string[] {
  return Object.keys(state.nodes).filter((id) => state.nodes[id].status === 'RUNNING');
}

/** True when nothing runs or waits and no PENDING node can ever start: the DAG part of the run is over. */
export function isSettled(nodes: readonly SchedulableNode[], state: RunState, options: TriggerOptions = {}): boolean {
  const active = Object.values(state.nodes).some((n) => n.status === 'RUNNING' || n.status === 'WAITING');
  if (active) return false;
  if (state.stopping && !isTearingDown(state, options)) return true;
  if (state.paused) return !Object.values(state.nodes).some((n) => n.status === 'PENDING'); // wait for resume
  const { ready, skipped } = evaluateTriggers(nodes, state, options);
  return ready.length === 0 && skipped.length === 0;
}

/** Nodes left PENDING when a run stops are reported CANCELLED when it was cancelled, SKIPPED otherwise. */
export function finalizePending(state: RunState, at: string): void {
  for (const [id, node] of Object.entries(state.nodes)) {
    if (node.status !== 'PENDING') continue;
    if (state.stopping?.cause === 'cancelled') markCancelled(state, id, at);
    else markSkipped(state, id, stopReason(state) ?? 'never became ready', at);
  }
}

function stopReason(state: RunState): string | undefined {
  if (state.stopping?.cause === 'timedOut') return 'the DAG timed out before it could run';
  if (state.stopping?.cause === 'failed') return `the run stopped after "${state.stopping.nodeId}" failed`;
  return undefined;
}

/** S4: what to undo, newest completion first. */
export function compensationOrder(nodes: readonly SchedulableNode[], state: RunState): string[] {
  return nodes
    .filter((n) => isCompensable(n, state.nodes[n.id]))
    .sort((a, b) => (state.nodes[b.id].completedSeq ?? 0) - (state.nodes[a.id].completedSeq ?? 0))
    .map((n) => n.id);
}

/**
 * A node the saga undoes: one that SUCCEEDED and declares `compensate`, or a map with succeeded items whose
 * template does (whatever the map's own status).
 */
function isCompensable(node: SchedulableNode, state: NodeState): boolean {
  if (state.compensation) return false;
  if (state.mapCompensable) return state.mapCompensable.completed.length > 0;
  return node.compensate !== undefined && state.status === 'SUCCEEDED';
}

/**
 * The saga undid the node. A map that failed or was cancelled keeps that status (its error says why the run
 * stopped); its `compensation` says how its items' undoing went.
 */
export function markCompensated(state: RunState, id: string, error: NodeError | null, at: string): void {
  const node = state.nodes[id];
  node.compensation = { status: error ? 'COMPENSATION_FAILED' : 'COMPENSATED', error, endedAt: at };
  if (node.status === 'SUCCEEDED') node.status = node.compensation.status;
}

export function runOutcome(state: RunState): Exclude<RunStatus, 'RUNNING' | 'PAUSED'> {
  if (state.stopping?.cause === 'cancelled') return 'CANCELLED';
  if (state.stopping?.cause === 'failed' || state.stopping?.cause === 'timedOut') return 'FAILED';
  return 'SUCCEEDED';
}

/** Every node's status is final (the DAG ended). Useful as an assertion in tests. */
export function allDone(state: RunState): boolean {
  return Object.values(state.nodes).every((n) => isDone(n.status));
}
