/**
 * One DAG run inside the workflow sandbox: a loop that feeds Temporal's events into the run tracker
 * (src/dsl/run-tracker.ts, over the pure run state of src/dsl/run-state.ts) and starts what it hands out,
 * each node through the handler of its type (./nodes). See the invariants S1-S4 stated in run-state.ts; here:
 * - every node runs in a CancellationScope of its own, so fail-fast and run cancellation can stop it;
 * - compensation runs in a non-cancellable scope, so a cancelled run is still undone;
 * - iteration is always in document order, so replays make the same decisions;
 * - the work of one workflow task is bounded whatever the document says (E1-E3 below), and nothing that
 *   runs while the SDK disposes of the workflow touches the clock or throws.
 *
 * The engine's own limits, so that a document never meets Temporal's:
 * - E1 at most MAX_RUNNING_NODES nodes run at once (Temporal fails every workflow task of a run with more
 *      than 2,000 pending activities or children);
 * - E2 one workflow task starts at most MAX_STARTS_PER_TASK nodes (more when nothing runs) and spends at most about
 *      MAX_EXPRESSION_UNITS_PER_TASK on expressions; past either, the rest start in the next task (a 1 ms
 *      timer asks for it), so a task stays far below the SDK's 5 s activation limit and Temporal's 10 s;
 * - E3 a long history hands over to a new run (continue-as-new, handover.ts).
 * E1 and E2 are behind `patched(LIMITS_PATCH)`, called only when a limit binds, so runs recorded before
 * them replay as they ran.
 */
import {
  ApplicationFailure,
  CancellationScope,
  condition,
  inWorkflowContext,
  isCancellation,
  patched,
  setHandler,
  sleep,
  workflowInfo,
  type WorkflowInfo,
} from '@temporalio/workflow';
import { compileActivityOptions } from '../dsl/activity-options';
import { durationToMs, type Duration } from '../dsl/duration';
import { Budget, evaluateCondition, evaluateTemplate, type ExpressionContext, type NodeView } from '../dsl/expressions';
import { fitRunResult, nodeResults, type CompensationSummary, type WeftRunResult } from '../dsl/run-result';
import { markRunCancelled, markRunTimedOut, runOutcome, type NodeError, type RunStatus } from '../dsl/run-state';
import { RunTracker } from '../dsl/run-tracker';
import type { ActivityNode, WeftDocument, WeftNode } from '../dsl/schema';
import { stateQuery, type CarriedRun, type WeftDagInput, type WeftRunView } from '../protocol/dag';
import { runCompensation } from './compensation';
import { attemptsFromFailure, describeFailure } from './failures';
import { Handover } from './handover';
import { registerInterventions, takeDecision, type Decision, type InterventionHost } from './interventions';
import { handlerOf, outcomeOf, runNode, type NodeRunContext, type Outcome } from './nodes';
import { RunPublisher } from './run-publisher';

/** An operator failed a waiting node: the run takes its failure path, whatever the node's onFailure. */
class FailedByOperator extends Error {
  constructor(readonly nodeError: NodeError) {
    super(nodeError.message);
  }
}

const now = () => new Date().toISOString(); // the sandbox's Date is Temporal's deterministic clock

/** Guards the engine limits E1 and E2 (see above). */
export const LIMITS_PATCH = 'weft-engine-limits';
/** E1: well under Temporal's 2,000 pending activities or children, leaving room for compensations. */
export const MAX_RUNNING_NODES = 1000;
/**
 * E2: starting a node costs about 0.3-0.5 ms of a workflow task (bench/first-task.ts). Completions that
 * arrive while a task runs are buffered by the server, and past 100 of them it fails the task
 * (FORCE_CLOSE_COMMAND) and the worker replays it from scratch: with 500 starts per task, wide DAGs of fast
 * activities did that in a loop (bench/task-health.ts). So a task that begins while nodes run starts at most
 * MAX_STARTS_PER_TASK, and keeps short; a task that begins with nothing running (the first, or after a
 * hand-over) cannot have completions buffered during it and starts up to MAX_STARTS_PER_QUIET_TASK.
 */
export const MAX_STARTS_PER_TASK = 100;
export const MAX_STARTS_PER_QUIET_TASK = 1000;
/** E2: expression work per task, in units of about 0.05 µs (expression-budget.ts): about 0.25 s. */
export const MAX_EXPRESSION_UNITS_PER_TASK = 5_000_000;
/** An evaluation step costs about 25 units of data work (1-2 µs). */
const UNITS_PER_STEP = 25;

export class DagRun {
  private readonly tracker: RunTracker;
  private readonly byId = new Map<string, WeftNode>();
  /** The scope each running or waiting node runs in (many share `nodeScope`). */
  private readonly scopes = new Map<string, CancellationScope>();
  private nodeScope: CancellationScope | undefined;
  /** Each node's evaluated input, kept for its compensation's default input. */
  private readonly inputs = new Map<string, unknown>();
  private readonly runInput: Record<string, unknown>;
  private readonly info: WorkflowInfo = workflowInfo();
  private readonly startedAt: string;
  private readonly triggeredBy: CarriedRun['trigger'];
  private readonly handover: Handover;
  private readonly publisher: RunPublisher;
  private status: RunStatus = 'RUNNING';
  private changed = false;
  private compensation: CompensationSummary | undefined;
  private readonly decisions = new Map<string, Decision>();
  /** How many times each node was started by an operator's retry (1 = its first round). */
  private readonly rounds = new Map<string, number>();
  /** E2: what this workflow task has done so far. */
  private task = { starts: 0, expressionUnits: 0, full: false, quiet: true };
  private readonly nodeContext: NodeRunContext;

  constructor(
    private readonly doc: WeftDocument,
    private readonly args: WeftDagInput,
  ) {
    const carried = args.carried;
    this.tracker = new RunTracker(doc.nodes, carried?.state, { teardown: true });
    for (const node of doc.nodes) this.byId.set(node.id, node);
    this.runInput = { ...(doc.input ?? {}), ...(args.input ?? {}) };
    this.startedAt = carried?.startedAt ?? now();
    this.triggeredBy = carried?.trigger ?? Handover.triggerOf(args, this.info);
    for (const [id, input] of Object.entries(carried?.inputs ?? {})) this.inputs.set(id, input);
    for (const [id, round] of Object.entries(carried?.rounds ?? {})) this.rounds.set(id, round);
    this.handover = new Handover(
      doc,
      args,
      this.tracker,
      () => this.carried(),
      () => this.runsUncarriedNode(),
    );
    this.publisher = new RunPublisher(doc, args, this.info, this.tracker);
    this.nodeContext = this.makeNodeContext();
  }

  private get state() {
    return this.tracker.state;
  }

  async execute(): Promise<WeftRunResult> {
    setHandler(stateQuery, () => fitRunResult(this.view()));
    registerInterventions(this.interventionHost());
    this.publish();
    if (this.args.carried) this.resumeCarriedNodes();
    if (this.doc.timeout !== undefined) this.watchDeadline(this.doc.timeout);
    try {
      await this.schedule();
    } catch (err) {
      if (!isCancellation(err)) throw err;
      markRunCancelled(this.state);
      await CancellationScope.nonCancellable(() =>
        condition(() => this.tracker.running === 0 && this.tracker.waitingCount === 0),
      );
    }
    this.tracker.finalizePending(now());
    const outcome = runOutcome(this.state);
    if (outcome !== 'SUCCEEDED') await CancellationScope.nonCancellable(() => this.compensate());
    let output: unknown = null;
    let outputError: NodeError | undefined;
    if (outcome === 'SUCCEEDED' && this.doc.output !== undefined) {
      try {
        output = evaluateTemplate(this.doc.output, this.context());
      } catch (err) {
        outputError = {
          message: `the document's output could not be evaluated: ${(err as Error).message}`,
          type: 'WeftExpressionError',
        };
      }
    }
    this.status = outputError ? 'FAILED' : outcome;
    this.publish();
    return this.finish(output, outputError);
  }

  /** The main loop: start what is ready, wait for any change (or the next task, E2), repeat until nothing can happen. */
  private async schedule(): Promise<void> {
    for (;;) {
      this.startReadyNodes();
      if (this.tracker.isSettled()) return;
      this.handover.check();
      if (this.handover.ready(this.decisions.size)) await this.handover.handOver();
      this.publish();
      this.changed = false;
      if (this.task.full) await sleep(1, { summary: 'weft: start the next nodes in a new workflow task' });
      else await condition(() => this.changed);
      this.task = { starts: 0, expressionUnits: 0, full: false, quiet: this.tracker.running === 0 };
    }
  }

  /**
   * The DAG's `timeout`, counted from the start of the first run (a hand-over does not restart it). When it
   * passes, nodes running or waiting are cancelled and the run takes its failure path (compensation).
   */
  private watchDeadline(timeout: Duration): void {
    sleep(this.remaining(timeout, this.startedAt), { summary: `DAG timeout (${timeout})` }).then(
      () => {
        if (!inWorkflowContext() || this.state.stopping || this.tracker.isSettled()) return;
        markRunTimedOut(this.state);
        for (const scope of new Set(this.scopes.values())) scope.cancel();
        this.changed = true;
      },
      () => undefined, // the run was cancelled first
    );
  }

  /** A node runs that a hand-over cannot carry: anything but a sleep (only running and waiting nodes have scopes). */
  private runsUncarriedNode(): boolean {
    for (const id of this.scopes.keys())
      if (this.tracker.status(id) === 'RUNNING' && this.byId.get(id)!.type !== 'sleep') return true;
    return false;
  }

  /** The next run's carried state: where this one left off. */
  private carried(): CarriedRun {
    const inputs: Record<string, unknown> = {};
    for (const node of this.doc.nodes) if (this.inputs.has(node.id)) inputs[node.id] = this.inputs.get(node.id);
    return {
      state: this.state,
      inputs,
      rounds: Object.fromEntries(this.rounds),
      startedAt: this.startedAt,
      trigger: this.triggeredBy,
      handovers: (this.args.carried?.handovers ?? 0) + 1,
    };
  }

  /** In a continued run: picks up the nodes that were waiting or sleeping when the previous run handed over. */
  private resumeCarriedNodes(): void {
    this.inNodeScope(() => {
      for (const node of this.doc.nodes) {
        const status = this.tracker.status(node.id);
        if (status === 'WAITING' || status === 'RUNNING') this.track(node);
      }
    });
  }

  private interventionHost(): InterventionHost {
    return {
      nodes: this.doc.nodes,
      state: this.state,
      decisions: this.decisions,
      wake: () => (this.changed = true),
      publish: () => this.publish(),
    };
  }

  /** S2 and E1: maxParallelism, and the engine's own bound. */
  private atCapacity(): boolean {
    const running = this.tracker.running;
    if (this.doc.maxParallelism !== undefined && running >= this.doc.maxParallelism) return true;
    return running >= MAX_RUNNING_NODES && patched(LIMITS_PATCH);
  }

  /** E2: this workflow task has done its share; the rest waits for the next one. */
  private taskIsFull(): boolean {
    if (this.task.full) return true;
    const starts = this.task.quiet ? MAX_STARTS_PER_QUIET_TASK : MAX_STARTS_PER_TASK;
    const full = this.task.starts >= starts || this.task.expressionUnits >= MAX_EXPRESSION_UNITS_PER_TASK;
    this.task.full = full && patched(LIMITS_PATCH);
    return this.task.full;
  }

  private startReadyNodes(): void {
    if (this.handover.draining) return;
    this.inNodeScope(() => this.startReadyNodesNow());
  }

  /**
   * Runs `start` synchronously inside the scope nodes share (a new one once it was cancelled), so the nodes
   * it starts are cancelled together: a scope costs several promises, and each promise a stack capture in
   * the sandbox, so one scope per node was most of what a node cost to start (bench/first-task.ts).
   */
  private inNodeScope(start: () => void): void {
    if (this.nodeScope === undefined || this.nodeScope.consideredCancelled) this.nodeScope = new CancellationScope();
    let thrown: { error: unknown } | undefined;
    void this.nodeScope.run(() => {
      try {
        start();
      } catch (error) {
        thrown = { error };
      }
      return Promise.resolve();
    });
    if (thrown) throw thrown.error;
  }

  private startReadyNodesNow(): void {
    for (;;) {
      const { skipped, ready } = this.tracker.pass();
      for (const { id, reason } of skipped) this.tracker.skip(id, reason, now());
      let conditionSkipped = false;
      for (const id of ready) {
        if (!this.tracker.startsAllowed || this.atCapacity() || this.taskIsFull()) break;
        const node = this.byId.get(id)!;
        if (node.when !== undefined) {
          const when = node.when;
          let holds: boolean;
          try {
            holds = this.evaluate((budget) => evaluateCondition(when, this.context(), budget));
          } catch (err) {
            this.fail(
              node,
              { message: `"when" could not be evaluated: ${(err as Error).message}`, type: 'WeftExpressionError' },
              0,
            );
            continue;
          }
          if (!holds) {
            this.tracker.skip(id, `"when" is false: ${when}`, now());
            conditionSkipped = true;
            continue;
          }
        }
        this.tracker.start(node.id, now());
        this.task.starts++;
        this.track(node);
      }
      // Skips can make downstream nodes ready or skipped in turn; starts cannot (nothing finished yet).
      if (skipped.length === 0 && !conditionSkipped) return;
    }
  }

  /**
   * Runs a node's work and records how it ended. Nodes a person may hold (approvals, onFailure "wait") get
   * a scope of their own inside the shared one, so they can be stopped alone; the rest run in the shared scope.
   */
  private track(node: WeftNode): void {
    const waits = node.onFailure === 'wait' || this.tracker.status(node.id) === 'WAITING';
    const own = waits || node.type === 'approval';
    const scope = own ? new CancellationScope() : this.nodeScope!;
    this.scopes.set(node.id, scope);
    const handler = handlerOf(node);
    const work = (): Promise<unknown> => (waits ? this.executeWithOperator(node) : handler.run(node, this.nodeContext));
    (own ? scope.run(work) : work()).then(
      (result) =>
        this.settle(node, () => this.onNodeDone(node, waits ? (result as Outcome) : outcomeOf(handler, result))),
      (err) => this.settle(node, () => this.onNodeError(node, err)),
    );
  }

  /**
   * Records a node's end. Nothing here may run while the SDK disposes of the workflow (an evicted or
   * timed-out task rejects pending promises): the clock and the state are gone then.
   */
  private settle(node: WeftNode, record: () => void): void {
    if (!inWorkflowContext()) return;
    this.scopes.delete(node.id);
    record();
    this.changed = true;
  }

  private onNodeDone(node: WeftNode, { output, attempt, skippedByOperator }: Outcome): void {
    if (skippedByOperator) this.tracker.skipByOperator(node.id, output, now());
    else this.tracker.succeed(node.id, output, attempt ?? 1, now());
  }

  /**
   * Runs a node; with onFailure "wait", a failure (after its retries) parks it WAITING until an operator
   * retries it (a fresh round of attempts), skips it (with the output downstream nodes should see) or
   * fails it. Cancellation is never caught here: a cancelled run stops waiting nodes too.
   */
  private async executeWithOperator(node: WeftNode): Promise<Outcome> {
    // A node handed over while it waited after a failure goes straight back to waiting for its operator.
    let failed = this.state.nodes[node.id]!.waiting?.kind === 'failure';
    for (;;) {
      if (!failed) {
        try {
          return await runNode(node, this.nodeContext);
        } catch (err) {
          if (isCancellation(err) || node.onFailure !== 'wait') throw err;
          const error = describeFailure(err, `node "${node.id}"`);
          const state = this.state.nodes[node.id]!;
          state.attempts += this.attemptsOf(node, err);
          state.error = error;
          this.tracker.wait(node.id, 'failure', `failed (${error.message}); waiting for an operator`, now());
          this.changed = true;
          this.publish();
        }
      }
      failed = false;
      const decision = await takeDecision(this.decisions, node.id);
      if (decision.action === 'skip') return { output: decision.output, attempt: 0, skippedByOperator: true };
      if (decision.action === 'fail') {
        const error = this.state.nodes[node.id]!.error ?? { message: 'failed', type: null };
        throw new FailedByOperator({
          ...error,
          message: decision.reason ? `failed by an operator: ${decision.reason}` : error.message,
        });
      }
      this.rounds.set(node.id, (this.rounds.get(node.id) ?? 1) + 1);
      this.tracker.retry(node.id);
      this.publish();
    }
  }

  private attemptsOf(node: WeftNode, err: unknown): number {
    const maxAttempts =
      node.type === 'activity' ? compileActivityOptions(node, this.doc.defaults).retry.maximumAttempts : 1;
    return attemptsFromFailure(err, maxAttempts);
  }

  private onNodeError(node: WeftNode, err: unknown): void {
    if (isCancellation(err) && (this.state.stopping || this.scopes.get(node.id)?.consideredCancelled)) {
      this.tracker.cancel(node.id, now());
      return;
    }
    if (err instanceof FailedByOperator) {
      this.fail(node, err.nodeError, 0, true);
      return;
    }
    this.fail(node, describeFailure(err, `node "${node.id}"`), this.attemptsOf(node, err));
  }

  private fail(node: WeftNode, error: NodeError, attempts: number, force = false): void {
    const { runFails } = this.tracker.fail(node, error, attempts, now(), force);
    this.changed = true;
    if (!runFails) return;
    // Nodes waiting for a person are stopped always: nobody may act on a failing run, so they would wait
    // forever. Running nodes only with failFast; without it they finish (and are compensated). Many nodes
    // share one scope: each scope is cancelled once.
    const stop = new Set<CancellationScope>();
    for (const [id, scope] of this.scopes) {
      if (id !== node.id && (this.doc.failFast !== false || this.tracker.status(id) === 'WAITING')) stop.add(scope);
    }
    for (const scope of stop) scope.cancel();
  }

  /** What is left of `duration` since `since` (the whole of it on a fresh start; at least 1 ms for a timer). */
  private remaining(duration: Duration, since: string | null | undefined): number {
    const elapsed = since ? Date.now() - Date.parse(since) : 0;
    return Math.max(1, durationToMs(duration) - elapsed);
  }

  /** Evaluates with a fresh budget and adds what it cost to this task's expression work (E2). */
  private evaluate<T>(evaluate: (budget: Budget) => T): T {
    const budget = new Budget();
    try {
      return evaluate(budget);
    } finally {
      this.task.expressionUnits += budget.steps * UNITS_PER_STEP + budget.work;
    }
  }

  private makeNodeContext(): NodeRunContext {
    return {
      doc: this.doc,
      info: this.info,
      nodeState: (id) => this.state.nodes[id]!,
      evaluateInput: (node) => {
        let input: unknown;
        try {
          input =
            node.input === undefined
              ? undefined
              : this.evaluate((budget) => evaluateTemplate(node.input, this.context(), budget));
        } catch (err) {
          throw ApplicationFailure.create({
            type: 'WeftExpressionError',
            message: `the input could not be evaluated: ${(err as Error).message}`,
            nonRetryable: true,
          });
        }
        if (node.type === 'activity' && node.compensate !== undefined) this.inputs.set(node.id, input);
        return input;
      },
      executionId: (node) => {
        const round = this.rounds.get(node.id) ?? 1;
        return round === 1 ? node.id : `${node.id}#${round}`;
      },
      remaining: (duration, since) => this.remaining(duration, since),
      markWaiting: (node, kind, reason) => {
        this.tracker.wait(node.id, kind, reason, now());
        this.changed = true;
        this.publish();
      },
      awaitDecision: async (nodeId, timeoutMs, summary) => {
        if (timeoutMs !== undefined && !(await condition(() => this.decisions.has(nodeId), timeoutMs, { summary })))
          return undefined;
        return takeDecision(this.decisions, nodeId);
      },
    };
  }

  /** S4: newest completion first, one at a time, each with its own retry; failures are recorded, not fatal. */
  private async compensate(): Promise<void> {
    const order = this.tracker.compensationOrder();
    if (order.length === 0) return;
    this.compensation = { compensated: [], failed: [] };
    this.publish();
    for (const id of order) {
      const node = this.byId.get(id) as ActivityNode;
      const step = node.compensate!;
      let error: NodeError | null = null;
      try {
        const input =
          step.input === undefined
            ? { input: this.inputs.get(id) ?? null, output: this.state.nodes[id]!.output ?? null }
            : evaluateTemplate(step.input, this.context());
        await runCompensation(node, this.doc.defaults, input);
      } catch (err) {
        error = describeFailure(err, `the compensation of "${id}"`);
      }
      this.tracker.compensated(id, error, now());
      (error ? this.compensation.failed : this.compensation.compensated).push(id);
      this.publish();
    }
  }

  /** What expressions read: the run's input, finished nodes, and facts about the run. */
  private context(): ExpressionContext {
    const nodes = (id: string): NodeView | undefined => {
      const n = Object.prototype.hasOwnProperty.call(this.state.nodes, id) ? this.state.nodes[id] : undefined;
      return n && { status: n.status, output: n.output ?? null, error: n.error };
    };
    return {
      input: this.runInput,
      nodes,
      run: {
        workflowId: this.info.workflowId,
        runId: this.info.runId,
        startedAt: this.startedAt,
        dag: this.doc.name,
        ...this.triggeredBy,
      },
    };
  }

  private view(): WeftRunView {
    return {
      workflowId: this.info.workflowId,
      runId: this.info.runId,
      dag: this.doc.name,
      status: this.status,
      nodes: nodeResults(this.state),
      waiting: this.publisher.waiting(),
      compensation: this.compensation,
    };
  }

  /** Web UI: live markdown details, and the WeftStatus search attribute when it changed. */
  private publish(): void {
    if (this.status === 'RUNNING' || this.status === 'PAUSED') this.status = this.state.paused ? 'PAUSED' : 'RUNNING';
    this.publisher.publish(this.status, this.handover.note(), this.compensation);
  }

  private finish(output: unknown, outputError?: NodeError): WeftRunResult {
    const failedNode = this.state.stopping?.nodeId;
    const { waiting: _waiting, compensation, ...base } = this.view(); // nothing waits once the run ended
    const result: WeftRunResult = { ...base, output };
    if (compensation) result.compensation = compensation;
    if (outputError) result.error = { message: outputError.message, type: outputError.type };
    else if (this.status === 'FAILED' && failedNode) {
      const e = this.state.nodes[failedNode]!.error;
      result.error = { nodeId: failedNode, message: e?.message ?? 'failed', type: e?.type ?? null };
    } else if (this.state.stopping?.cause === 'timedOut')
      result.error = { message: `the DAG did not end within ${this.doc.timeout}`, type: 'DagTimeout' };
    else if (this.status === 'CANCELLED') result.error = { message: 'the run was cancelled', type: 'Cancelled' };
    return fitRunResult(result); // a result over Temporal's payload limit would get the finished run terminated
  }
}
