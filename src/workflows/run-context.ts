/**
 * What a run's expressions and node handlers read of it: the run's input and facts, finished nodes, the
 * clock (Temporal's), and this workflow task's expression budget (E2, src/dsl/engine-limits.ts).
 */
import { ApplicationFailure, condition, setHandler, workflowInfo, type WorkflowInfo } from '@temporalio/workflow';
import { durationToMs, type Duration } from '../dsl/duration';
import { TaskBudget } from '../dsl/engine-limits';
import { Budget, evaluateTemplate, type ExpressionContext, type NodeView } from '../dsl/expressions';
import { executionId, remainingMs } from '../dsl/run-decisions';
import { recordCompensationInput, type NodeError } from '../dsl/run-state';
import type { RunTracker } from '../dsl/run-tracker';
import type { WeftDocument } from '../dsl/schema';
import type { CarriedRun, WeftDagInput } from '../protocol/dag';
import { mapProgressSignal, type MapBatchProgress } from '../protocol/map';
import { TemporalScheduledByIdKey, TemporalScheduledStartTimeKey } from '../protocol/search-attributes';
import { takeDecision, type Decision } from './interventions';
import type { NodeRunContext } from './nodes';
import { FAILURE_TYPES } from '../dsl/failure-types';

/** Now, as an ISO string: the sandbox's Date is Temporal's deterministic clock. */
export const now = (): string => new Date().toISOString();

/** For runs a trigger started: which one, and the time the run was due (its logical date). */
function triggerOf(args: WeftDagInput, info: WorkflowInfo): CarriedRun['trigger'] {
  if (args.trigger) return { trigger: args.trigger.id, scheduledAt: args.trigger.scheduledAt };
  const attributes = info.typedSearchAttributes;
  const due = attributes.get(TemporalScheduledStartTimeKey);
  return { trigger: attributes.get(TemporalScheduledByIdKey) ?? null, scheduledAt: due ? due.toISOString() : null };
}

/** What the interpreter lends node handlers beyond the run's facts. */
export interface NodeHost {
  readonly decisions: Map<string, Decision>;
  /** Tells the run's loop that something changed (it publishes the live view). */
  wake(): void;
  markWaiting(nodeId: string, kind: 'approval' | 'failure', reason: string): void;
}

export class RunContext {
  readonly info: WorkflowInfo = workflowInfo();
  readonly startedAt: string;
  readonly triggeredBy: CarriedRun['trigger'];
  /** E2: what the current workflow task has spent; a new one per task. */
  task = new TaskBudget(true);
  /** Running maps' listeners for their batches' progress signals, by the map's execution id. */
  private readonly batchListeners = new Map<string, (progress: MapBatchProgress) => void>();
  private readonly runInput: Record<string, unknown>;

  constructor(
    private readonly doc: WeftDocument,
    private readonly args: WeftDagInput,
    private readonly tracker: RunTracker,
  ) {
    this.runInput = { ...(doc.input ?? {}), ...(args.input ?? {}) };
    this.startedAt = args.carried?.startedAt ?? now();
    this.triggeredBy = args.carried?.trigger ?? triggerOf(args, this.info);
  }

  /** What expressions read: the run's input, finished nodes, and facts about the run. */
  expressions(): ExpressionContext {
    const nodes = this.tracker.state.nodes;
    // Exit handlers also read the nodes of the DAG that ended, and its facts as `run`.
    const exit = this.args.exit;
    const view = (id: string): NodeView | undefined => {
      const n = Object.prototype.hasOwnProperty.call(nodes, id) ? nodes[id] : undefined;
      if (n) return { status: n.status, output: n.output ?? null, error: n.error };
      return exit && Object.prototype.hasOwnProperty.call(exit.nodes, id) ? exit.nodes[id] : undefined;
    };
    return {
      input: this.runInput,
      nodes: view,
      run: exit?.run ?? {
        workflowId: this.info.workflowId,
        runId: this.info.runId,
        startedAt: this.startedAt,
        dag: this.doc.name,
        ...this.triggeredBy,
      },
    };
  }

  /** Evaluates with a fresh budget and adds what it cost to this task's expression work (E2). */
  evaluate<T>(evaluate: (budget: Budget) => T): T {
    const budget = new Budget();
    try {
      return evaluate(budget);
    } finally {
      this.task.evaluated(budget.steps, budget.work);
    }
  }

  /** The document's `output` of a run that succeeded; an output that cannot be evaluated fails the run. */
  output(): { output: unknown; outputError?: NodeError } {
    if (this.doc.output === undefined) return { output: null };
    try {
      return { output: evaluateTemplate(this.doc.output, this.expressions()) };
    } catch (err) {
      const message = `the document's output could not be evaluated: ${(err as Error).message}`;
      return { output: null, outputError: { message, type: FAILURE_TYPES.expression } };
    }
  }

  /** What is left of `duration` since `since` (the whole of it on a fresh start; at least 1 ms for a timer). */
  remaining(duration: Duration, since: string | null | undefined): number {
    return remainingMs(durationToMs(duration), since, Date.now());
  }

  /** Routes a map's batches' progress signals to `listener` until the returned function is called. */
  private onBatchProgress(nodeId: string, listener: (progress: MapBatchProgress) => void): () => void {
    if (this.batchListeners.size === 0)
      setHandler(mapProgressSignal, (progress) => this.batchListeners.get(progress.nodeId)?.(progress));
    this.batchListeners.set(nodeId, listener);
    return () => this.batchListeners.delete(nodeId);
  }

  /** The context every node handler of this run gets. */
  forNodes(host: NodeHost): NodeRunContext {
    const state = this.tracker.state;
    return {
      doc: this.doc,
      info: this.info,
      searchAttributes: this.args.searchAttributes === true,
      nodeState: (id) => state.nodes[id]!,
      expressions: () => this.expressions(),
      evaluate: (evaluate) => this.evaluate(evaluate),
      recordMap: (id, progress) => {
        state.nodes[id]!.map = progress;
        host.wake();
      },
      recordCompensable: (id, log) => {
        state.nodes[id]!.mapCompensable = log;
      },
      onBatchProgress: (nodeId, listener) => this.onBatchProgress(nodeId, listener),
      evaluateInput: (node) => {
        let input: unknown;
        try {
          input =
            node.input === undefined
              ? undefined
              : this.evaluate((budget) => evaluateTemplate(node.input, this.expressions(), budget));
        } catch (err) {
          throw ApplicationFailure.create({
            type: FAILURE_TYPES.expression,
            message: `the input could not be evaluated: ${(err as Error).message}`,
            nonRetryable: true,
            cause: err as Error,
          });
        }
        if (node.type === 'activity' && node.compensate !== undefined) recordCompensationInput(state, node.id, input);
        return input;
      },
      executionId: (node) => executionId(node.id, state.nodes[node.id]!.round),
      remaining: (duration, since) => this.remaining(duration, since),
      markWaiting: (node, kind, reason) => host.markWaiting(node.id, kind, reason),
      awaitDecision: async (nodeId, timeoutMs, summary) => {
        if (timeoutMs !== undefined && !(await condition(() => host.decisions.has(nodeId), timeoutMs, { summary })))
          return undefined;
        return takeDecision(host.decisions, nodeId);
      },
    };
  }
}
