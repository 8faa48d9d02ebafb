/**
 * One handler per node type, behind one small interface: the interpreter (dag-run.ts) starts a node by
 * looking its handler up in `NODE_HANDLERS` (index.ts), so a new node type is a new file here.
 * A handler does the node's work and reports how it ended; the run's bookkeeping stays in the interpreter.
 */
import type { WorkflowInfo } from '@temporalio/workflow';
import type { Duration } from '../../dsl/duration';
import type { Budget, ExpressionContext } from '../../dsl/expressions';
import type { MapCompensable, MapProgress, NodeState } from '../../dsl/run-state';
import type { WeftDocument, WeftNode } from '../../dsl/schema';
import type { MapBatchProgress } from '../../protocol/map';
import type { Decision } from '../interventions';

export interface Outcome {
  output: unknown;
  /** Attempts the node took, when known (activities report it; children do not). */
  attempt: number | null;
  /** An operator skipped the node: it counts as succeeded for trigger rules, with this output. */
  skippedByOperator?: boolean;
}

/** What a handler may use of the run its node belongs to. */
export interface NodeRunContext {
  readonly doc: WeftDocument;
  readonly info: WorkflowInfo;
  /** The server registers Weft's search attributes: children may set them. */
  readonly searchAttributes: boolean;
  nodeState(id: string): NodeState;
  /** What the run's expressions read (its input, finished nodes, facts). */
  expressions(): ExpressionContext;
  /** Evaluates with a fresh budget, counted in this workflow task's expression work (E2). */
  evaluate<T>(evaluate: (budget: Budget) => T): T;
  /** A map node's progress, for the live view and the state query. */
  recordMap(nodeId: string, progress: MapProgress): void;
  /** What the saga undoes of a map whose template declares `compensate`. */
  recordCompensable(nodeId: string, log: MapCompensable): void;
  /** Hands a map's batches' progress signals to `listener`, until the returned function is called. */
  onBatchProgress(nodeId: string, listener: (progress: MapBatchProgress) => void): () => void;
  /** The node's templated `input` evaluated against the run; throws an error typed WeftExpressionError. */
  evaluateInput(node: Extract<WeftNode, { input?: unknown }>): unknown;
  /** The id of this round's activity or child: an operator's retry must not reuse one. */
  executionId(node: WeftNode): string;
  /** What is left of `duration` since `since` (the whole of it on a fresh start; at least 1 ms). */
  remaining(duration: Duration, since: string | null | undefined): number;
  /** Marks the node WAITING for a person and refreshes the live view. */
  markWaiting(node: WeftNode, kind: 'approval', reason: string): void;
  /** Resolves with an operator's decision for the node, or undefined when `timeoutMs` passes first. */
  awaitDecision(nodeId: string, timeoutMs?: number, summary?: string): Promise<Decision | undefined>;
}

export interface NodeHandler<N extends WeftNode = WeftNode> {
  /**
   * Runs the node's work inside its cancellation scope; resolves with its outcome (or, with `outcome`, with
   * what `outcome` turns into one) or rejects with why it failed.
   */
  run(node: N, run: NodeRunContext): Promise<unknown>;
  /**
   * Turns what `run` resolved with into the outcome, for handlers that return Temporal's own promise: the
   * interpreter applies it in the continuation it adds anyway, one promise (and stack capture) less per node.
   */
  outcome?(result: unknown): Outcome;
}
