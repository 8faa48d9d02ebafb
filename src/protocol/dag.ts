/** The interpreter's interface as seen from outside: its input, its query and updates, and their shapes. */
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import { STATE_QUERY, UPDATES } from './names';
import type { NodeView } from '../dsl/expressions';
import type { CompensationSummary, ExitOutcome, NodeResult, RunResultError } from '../dsl/run-result';
import type { RerunPlan } from '../dsl/rerun';
import type { RunState, RunStatus } from '../dsl/run-state';

export interface WeftDagInput {
  /** The DAG document; validated again inside the workflow (anyone can start it with the Temporal CLI). */
  document: unknown;
  /** The run's input, merged over the document's `input` defaults. */
  input?: Record<string, unknown>;
  /**
   * Set by Weft's client after it checked that the server registers Weft's search attributes; without it
   * the run does not upsert them (an unregistered attribute would fail every workflow task).
   */
  searchAttributes?: boolean;
  /** Set by the fixed-delay driver: which trigger started the run and when it was due. */
  trigger?: { id: string; scheduledAt: string };
  /**
   * Hand the run over to a new one (continue-as-new) once its history holds this many events. Default:
   * when Temporal suggests it (`continueAsNewSuggested`, about 4,000 events on a default server).
   */
  historyLimit?: number;
  /** Set by the run itself when it continues as new: where the previous run of this workflow left off. */
  carried?: CarriedRun;
  /**
   * Set by `weft rerun`: the run this one reruns and the nodes it keeps from it (src/dsl/rerun.ts). A
   * hand-over carries `of` only: the kept nodes are in the carried state by then.
   */
  rerun?: RerunPlan;
  /** Set by a client that knows Weft's console: the run's details in the Temporal Web UI link to its page there. */
  consoleUrl?: string;
  /**
   * Set for the child run of a DAG's exit handlers (`<workflow id>.onExit`): the facts about the run that
   * ended (`run.status`, `run.error`, its ids and times) and the views of the DAG nodes its expressions read.
   */
  exit?: ExitContext;
}

export interface ExitContext {
  run: Record<string, unknown> & { status: RunStatus; error: RunResultError | null };
  nodes: Record<string, NodeView>;
}

/** What a DAG run hands to its continuation: everything its decisions and its result still need. */
export interface CarriedRun {
  /** The run state; each node's retry round and compensation input are in it. */
  state: RunState;
  /** Written by the interpreter of Weft 0.1 (legacy/), which kept them apart: evaluated inputs of nodes that declare `compensate`. */
  inputs?: Record<string, unknown>;
  /** Written by the interpreter of Weft 0.1: operator retry rounds per node (1 = its first round). */
  rounds?: Record<string, number>;
  /** When the first run of the chain started (expressions read it as `run.startedAt`). */
  startedAt: string;
  /** Which trigger started the chain and when it was due (a schedule's search attributes do not carry over). */
  trigger: { trigger: string | null; scheduledAt: string | null };
  /** How many runs came before this one. */
  handovers: number;
}

export interface WaitingNode {
  nodeId: string;
  /** `approval`: an approval node; `failure`: a node with onFailure "wait" that failed. */
  kind: 'approval' | 'failure';
  since: string;
  reason: string;
  /** The commands that release it, then the update that does the same from any Temporal client. */
  release: string[];
}

/** A signal the run refused: it changed nothing. */
export interface RefusedSignal {
  signal: string;
  nodeId?: string;
  /** Why, as the update would have answered. */
  reason: string;
  at: string;
}

export interface WeftRunView {
  workflowId: string;
  runId: string;
  dag: string;
  status: RunStatus;
  nodes: Record<string, NodeResult>;
  /** Nodes waiting for a person, and how to release each. */
  waiting?: WaitingNode[];
  compensation?: CompensationSummary;
  /** The last signals this run refused (at most 10), newest last. */
  refusedSignals?: RefusedSignal[];
  /** A rerun: the workflow id of the run it reran. */
  rerunOf?: string;
  /** A run started with a delay that has not begun yet: when it starts (its nodes are all PENDING until then). */
  startsAt?: string;
  /** The exit handlers' outcome, once they ran (a cancelled run's result is read from this view). */
  onExit?: ExitOutcome;
}

export interface NodeActionInput {
  nodeId: string;
  /** approve: the approval node's output. */
  data?: unknown;
  /** skip: the output downstream nodes see. */
  output?: unknown;
  /** reject / fail: why, recorded as the node's error. */
  reason?: string;
}

export const stateQuery = defineQuery<WeftRunView>(STATE_QUERY);
export const approveUpdate = defineUpdate<string, [NodeActionInput]>(UPDATES.approve);
export const rejectUpdate = defineUpdate<string, [NodeActionInput]>(UPDATES.reject);
export const retryUpdate = defineUpdate<string, [NodeActionInput]>(UPDATES.retry);
export const skipUpdate = defineUpdate<string, [NodeActionInput]>(UPDATES.skip);
export const failUpdate = defineUpdate<string, [NodeActionInput]>(UPDATES.fail);
export const pauseUpdate = defineUpdate<string, []>(UPDATES.pause);
export const resumeUpdate = defineUpdate<string, []>(UPDATES.resume);

/**
 * The same actions as signals, for callers that cannot send updates (another workflow, the Web UI's "Send a
 * Signal", signal-with-start). Pause and resume take the same argument and ignore it.
 */
export const actionSignals = {
  approve: defineSignal<[NodeActionInput]>(UPDATES.approve),
  reject: defineSignal<[NodeActionInput]>(UPDATES.reject),
  retry: defineSignal<[NodeActionInput]>(UPDATES.retry),
  skip: defineSignal<[NodeActionInput]>(UPDATES.skip),
  fail: defineSignal<[NodeActionInput]>(UPDATES.fail),
  pause: defineSignal<[Partial<NodeActionInput>?]>(UPDATES.pause),
  resume: defineSignal<[Partial<NodeActionInput>?]>(UPDATES.resume),
} as const;

/** A run's page in Weft's console. */
export function consolePageUrl(consoleUrl: string, workflowId: string): string {
  return `${consoleUrl.replace(/\/$/, '')}/runs/${encodeURIComponent(workflowId)}`;
}
