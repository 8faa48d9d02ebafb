/**
 * The DAG interpreter of Weft 0.1, kept unchanged so that runs it started replay with the commands they
 * recorded: in it, the order of a task's commands depended on the awaits of asynchronous expression
 * evaluation. `weftDag` runs it only for histories recorded before the `weft-interpreter-v2` patch
 * (dag.ts); every new run gets the interpreter in ../dag-run.ts. Do not change it; remove it (and
 * deprecate the patch) once no run started by Weft 0.1 can still be open.
 *
 * One DAG run inside the workflow sandbox: a thin loop that feeds Temporal's events into the pure run
 * state (src/dsl/run-state.ts) and does what it decides. See the invariants S1-S4 stated there; here:
 * - every node runs in a CancellationScope of its own, so fail-fast and run cancellation can stop it;
 * - compensation runs in a non-cancellable scope, so a cancelled run is still undone;
 * - iteration is always in document order, so replays make the same decisions.
 */
import {
  ActivityCancellationType,
  ApplicationFailure,
  allHandlersFinished,
  CancellationScope,
  ChildWorkflowCancellationType,
  condition,
  executeChild,
  isCancellation,
  makeContinueAsNewFunc,
  patched,
  proxyActivities,
  setCurrentDetails,
  setHandler,
  sleep,
  upsertSearchAttributes,
  workflowInfo,
  type WorkflowInfo,
} from '@temporalio/workflow';
import { compileActivityOptions } from '../../dsl/activity-options';
import { releaseCommands } from '../../dsl/intervention';
import { durationToMs } from '../../dsl/duration';
import type { ExpressionContext, NodeView } from '../../dsl/expressions';
import {
  evaluateConditionV1 as evaluateCondition,
  evaluateTemplateV1 as evaluateTemplate,
} from '../../dsl/legacy/expressions-v1';
import { unwrapAttempt } from '../../protocol/names';
import {
  fitRunResult,
  MAX_PAYLOAD_CHARS,
  nodeResults,
  renderRunMarkdown,
  summarizeRun,
  type CompensationSummary,
  type WeftRunResult,
} from '../../dsl/run-result';
import {
  addAttempts,
  compensationOrder,
  evaluateTriggers,
  finalizePending,
  initialRunState,
  isSettled,
  markCancelled,
  markCompensated,
  markFailed,
  markRetrying,
  markRunCancelled,
  markRunTimedOut,
  markSkipped,
  markSkippedByOperator,
  markStarted,
  markSucceeded,
  markWaiting,
  runningNodes,
  runOutcome,
  waitingNodes,
  type NodeError,
  type RunState,
  type RunStatus,
} from '../../dsl/run-state';
import type { ActivityNode, ApprovalNode, WeftDocument, WeftNode, WorkflowNode } from '../../dsl/schema';
import { attemptsFromFailure, describeFailure } from '../failures';
import { registerInterventions, takeDecision, type Decision, type InterventionHost } from '../interventions';
import { stateQuery, type CarriedRun, type WaitingNode, type WeftDagInput, type WeftRunView } from '../../protocol/dag';
import { HANDOVER_PATCH } from '../handover';
import {
  TemporalScheduledByIdKey,
  TemporalScheduledStartTimeKey,
  WeftDagKey,
  WeftStatusKey,
  WeftTriggerKey,
} from '../../protocol/search-attributes';

type Outcome = { output: unknown; attempt: number | null; skippedByOperator?: boolean };

/** An operator failed a waiting node: the run takes its failure path, whatever the node's onFailure. */
class FailedByOperator extends Error {
  constructor(readonly nodeError: NodeError) {
    super(nodeError.message);
  }
}

const now = () => new Date().toISOString(); // the sandbox's Date is Temporal's deterministic clock

type Duration = Parameters<typeof durationToMs>[0];

export class LegacyDagRun {
  private readonly state: RunState;
  private readonly byId = new Map<string, WeftNode>();
  private readonly scopes = new Map<string, CancellationScope>();
  /** Each node's evaluated input, kept for its compensation's default input. */
  private readonly inputs = new Map<string, unknown>();
  private readonly runInput: Record<string, unknown>;
  private readonly info: WorkflowInfo = workflowInfo();
  private readonly startedAt: string;
  private readonly triggeredBy: CarriedRun['trigger'];
  /**
   * `draining` once the history is long: no new node starts, and the run continues as new when nothing
   * runs. `too-large` when what it would carry over does not fit one payload: it goes on in this history.
   */
  private handover: 'no' | 'draining' | 'too-large' = 'no';
  /** Completions when this run began: a run hands over only after it made progress, so it never loops. */
  private readonly seqAtStart: number;
  private status: RunStatus = 'RUNNING';
  private changed = false;
  private compensation: CompensationSummary | undefined;
  private publishedStatus: string | undefined;
  private readonly decisions = new Map<string, Decision>();
  /** How many times each node was started by an operator's retry (1 = its first round). */
  private readonly rounds = new Map<string, number>();

  constructor(
    private readonly doc: WeftDocument,
    private readonly args: WeftDagInput,
  ) {
    const carried = args.carried;
    this.state = carried?.state ?? initialRunState(doc.nodes);
    for (const node of doc.nodes) this.byId.set(node.id, node);
    this.runInput = { ...(doc.input ?? {}), ...(args.input ?? {}) };
    this.seqAtStart = this.state.seq;
    this.startedAt = carried?.startedAt ?? now();
    this.triggeredBy = carried?.trigger ?? this.trigger();
    for (const [id, input] of Object.entries(carried?.inputs ?? {})) this.inputs.set(id, input);
    for (const [id, round] of Object.entries(carried?.rounds ?? {})) this.rounds.set(id, round);
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
      await CancellationScope.nonCancellable(() => this.drain());
    }
    finalizePending(this.state, now());
    const outcome = runOutcome(this.state);
    if (outcome !== 'SUCCEEDED') await CancellationScope.nonCancellable(() => this.compensate());
    let output: unknown = null;
    let outputError: NodeError | undefined;
    if (outcome === 'SUCCEEDED' && this.doc.output !== undefined) {
      try {
        output = await evaluateTemplate(this.doc.output, this.context());
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

  /** The main loop: start what is ready, wait for any change, repeat until nothing can happen. */
  private async schedule(): Promise<void> {
    for (;;) {
      await this.startReadyNodes();
      if (isSettled(this.doc.nodes, this.state)) return;
      if (this.handover === 'no' && this.historyIsLong() && patched(HANDOVER_PATCH)) {
        this.handover = JSON.stringify(this.nextRunInput()).length <= MAX_PAYLOAD_CHARS ? 'draining' : 'too-large';
      }
      if (this.handover === 'draining' && this.canHandOver()) await this.handOver();
      this.publish();
      this.changed = false;
      await condition(() => this.changed);
    }
  }

  /**
   * The DAG's `timeout`, counted from the start of the first run (a hand-over does not restart it). When it
   * passes, nodes running or waiting are cancelled and the run takes its failure path (compensation).
   */
  private watchDeadline(timeout: Duration): void {
    sleep(this.remaining(timeout, this.startedAt), { summary: `DAG timeout (${timeout})` }).then(
      () => {
        if (this.state.stopping || isSettled(this.doc.nodes, this.state)) return;
        markRunTimedOut(this.state);
        for (const scope of this.scopes.values()) scope.cancel();
        this.changed = true;
      },
      () => undefined, // the run was cancelled first
    );
  }

  /** Waits for cancelled nodes to report back (they were cancelled with the run's root scope). */
  private async drain(): Promise<void> {
    await condition(() => runningNodes(this.state).length === 0 && waitingNodes(this.state).length === 0);
  }

  /**
   * A DAG's history grows with its nodes (about 3 events each) and Temporal caps it, so a long run hands
   * over to a fresh run of the same workflow id: it stops starting nodes, lets running ones finish, and
   * continues as new with its state. Waiting nodes (approvals, failures waiting for an operator) and sleep
   * nodes are carried over as they are, with their timers counted from when they began.
   */
  private historyIsLong(): boolean {
    if (this.state.seq === this.seqAtStart) return false;
    const info = workflowInfo();
    return this.args.historyLimit !== undefined
      ? info.historyLength >= this.args.historyLimit
      : info.continueAsNewSuggested;
  }

  private canHandOver(): boolean {
    const busy = runningNodes(this.state).some((id) => this.byId.get(id)!.type !== 'sleep');
    return !busy && this.decisions.size === 0 && !this.state.stopping;
  }

  /** The next run's input: this one's, with where it left off. */
  private nextRunInput(): WeftDagInput {
    return { ...this.args, carried: this.carried() };
  }

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

  private async handOver(): Promise<never> {
    await condition(allHandlersFinished);
    const status = this.state.paused ? 'PAUSED' : waitingNodes(this.state).length > 0 ? 'WAITING' : 'RUNNING';
    const continueAsNew = makeContinueAsNewFunc<(input: WeftDagInput) => Promise<WeftRunResult>>({
      typedSearchAttributes: this.args.searchAttributes
        ? [
            { key: WeftDagKey, value: this.doc.name },
            { key: WeftStatusKey, value: status },
            ...(this.triggeredBy.trigger ? [{ key: WeftTriggerKey, value: this.triggeredBy.trigger }] : []),
          ]
        : undefined,
    });
    return continueAsNew(this.nextRunInput());
  }

  /** In a continued run: picks up the nodes that were waiting or sleeping when the previous run handed over. */
  private resumeCarriedNodes(): void {
    for (const node of this.doc.nodes) {
      const status = this.state.nodes[node.id].status;
      if (status === 'WAITING' || status === 'RUNNING') this.track(node, () => this.executeWithOperator(node));
    }
  }

  private interventionHost(): InterventionHost {
    return {
      nodes: this.doc.nodes,
      state: this.state,
      decisions: this.decisions,
      refusedSignals: [], // Weft 0.1 had no signals; its runs take them as the current interpreter does, unlisted
      wake: () => (this.changed = true),
      publish: () => this.publish(),
      now,
    };
  }

  private atCapacity(): boolean {
    return this.doc.maxParallelism !== undefined && runningNodes(this.state).length >= this.doc.maxParallelism;
  }

  private async startReadyNodes(): Promise<void> {
    if (this.handover === 'draining') return;
    for (;;) {
      const { ready, skipped } = evaluateTriggers(this.doc.nodes, this.state);
      for (const { id, reason } of skipped) markSkipped(this.state, id, reason, now());
      let conditionSkipped = false;
      for (const id of ready) {
        if (this.state.stopping || this.atCapacity()) break;
        const node = this.byId.get(id)!;
        if (node.when !== undefined) {
          let holds: boolean;
          try {
            holds = await evaluateCondition(node.when, this.context());
          } catch (err) {
            this.fail(
              node,
              { message: `"when" could not be evaluated: ${(err as Error).message}`, type: 'WeftExpressionError' },
              0,
            );
            continue;
          }
          if (!holds) {
            markSkipped(this.state, id, `"when" is false: ${node.when}`, now());
            conditionSkipped = true;
            continue;
          }
        }
        this.start(node);
      }
      // Skips can make downstream nodes ready or skipped in turn; starts cannot (nothing finished yet).
      if (skipped.length === 0 && !conditionSkipped) return;
    }
  }

  private start(node: WeftNode): void {
    markStarted(this.state, node.id, now());
    this.track(node, () => this.executeWithOperator(node));
  }

  /** Runs a node's work in a scope of its own and records how it ended. */
  private track(node: WeftNode, work: () => Promise<Outcome>): void {
    const scope = new CancellationScope();
    this.scopes.set(node.id, scope);
    scope
      .run(work)
      .then(
        ({ output, attempt, skippedByOperator }) =>
          skippedByOperator
            ? markSkippedByOperator(this.state, node.id, output, now())
            : markSucceeded(this.state, node.id, output, attempt ?? 1, now()),
        (err) => this.onNodeError(node, err),
      )
      .finally(() => {
        this.scopes.delete(node.id);
        this.changed = true;
      });
  }

  /**
   * Runs a node; with onFailure "wait", a failure (after its retries) parks it WAITING until an operator
   * retries it (a fresh round of attempts), skips it (with the output downstream nodes should see) or
   * fails it. Cancellation is never caught here: a cancelled run stops waiting nodes too.
   */
  private async executeWithOperator(node: WeftNode): Promise<Outcome> {
    // A node handed over while it waited after a failure goes straight back to waiting for its operator.
    let failed = this.state.nodes[node.id].waiting?.kind === 'failure';
    for (;;) {
      if (!failed) {
        try {
          return await this.executeNode(node);
        } catch (err) {
          if (isCancellation(err) || node.onFailure !== 'wait') throw err;
          const error = describeFailure(err, `node "${node.id}"`);
          addAttempts(this.state, node.id, this.attemptsOf(node, err), error);
          markWaiting(this.state, node.id, 'failure', `failed (${error.message}); waiting for an operator`, now());
          this.changed = true;
          this.publish();
        }
      }
      failed = false;
      const decision = await takeDecision(this.decisions, node.id);
      if (decision.action === 'skip') return { output: decision.output, attempt: 0, skippedByOperator: true };
      if (decision.action === 'fail') {
        const error = this.state.nodes[node.id].error ?? { message: 'failed', type: null };
        throw new FailedByOperator({
          ...error,
          message: decision.reason ? `failed by an operator: ${decision.reason}` : error.message,
        });
      }
      this.rounds.set(node.id, (this.rounds.get(node.id) ?? 1) + 1);
      markRetrying(this.state, node.id);
      this.publish();
    }
  }

  private attemptsOf(node: WeftNode, err: unknown): number {
    const maxAttempts =
      node.type === 'activity' ? compileActivityOptions(node, this.doc.defaults).retry.maximumAttempts : 1;
    return attemptsFromFailure(err, maxAttempts);
  }

  /** The id of a node's activity or child workflow this round: operator retries must not reuse one. */
  private executionId(node: WeftNode): string {
    const round = this.rounds.get(node.id) ?? 1;
    return round === 1 ? node.id : `${node.id}#${round}`;
  }

  private onNodeError(node: WeftNode, err: unknown): void {
    if (isCancellation(err) && (this.state.stopping || this.scopes.get(node.id)?.consideredCancelled)) {
      markCancelled(this.state, node.id, now());
      return;
    }
    if (err instanceof FailedByOperator) {
      this.fail(node, err.nodeError, 0, true);
      return;
    }
    this.fail(node, describeFailure(err, `node "${node.id}"`), this.attemptsOf(node, err));
  }

  private fail(node: WeftNode, error: NodeError, attempts: number, force = false): void {
    const { runFails } = markFailed(this.state, node, error, attempts, now(), force);
    this.changed = true;
    if (!runFails) return;
    for (const [id, scope] of this.scopes) {
      if (id === node.id) continue;
      // Nodes waiting for a person are stopped always: nobody may act on a failing run, so they would
      // wait forever. Running nodes only with failFast; without it they finish (and are compensated).
      if (this.doc.failFast !== false || this.state.nodes[id].status === 'WAITING') scope.cancel();
    }
  }

  private async executeNode(node: WeftNode): Promise<Outcome> {
    switch (node.type) {
      case 'activity':
        return this.runActivity(node);
      case 'sleep':
        // Counted from the node's start, so a sleep carried over to a new run does not start again.
        await sleep(this.remaining(node.duration, this.state.nodes[node.id].startedAt), { summary: node.id });
        return { output: null, attempt: 1 };
      case 'workflow':
        return this.runChild(node);
      case 'approval':
        return this.awaitApproval(node);
      case 'dag':
      case 'map':
        // Newer than this interpreter: the runs it replays cannot hold one.
        throw ApplicationFailure.nonRetryable(`${node.type} nodes need the current interpreter`, 'WeftInvalidDocument');
    }
  }

  /** WAITING until approved (its output is the data sent) or rejected, or until its timeout. */
  private async awaitApproval(node: ApprovalNode): Promise<Outcome> {
    if (this.state.nodes[node.id].status !== 'WAITING') {
      markWaiting(this.state, node.id, 'approval', 'waiting for approval', now());
      this.changed = true;
      this.publish();
    }
    if (node.timeout !== undefined) {
      const timeout = this.remaining(node.timeout, this.state.nodes[node.id].waiting?.since);
      const decided = await condition(() => this.decisions.has(node.id), timeout, {
        summary: `${node.id}: approval timeout`,
      });
      if (!decided) {
        if (node.onTimeout === 'approve') return { output: null, attempt: 1 };
        throw ApplicationFailure.create({
          type: 'ApprovalTimeout',
          message: `no approval within ${node.timeout}`,
          nonRetryable: true,
        });
      }
    }
    const decision = await takeDecision(this.decisions, node.id);
    if (decision.action === 'approve') return { output: decision.data, attempt: 1 };
    const reason = decision.action === 'reject' || decision.action === 'fail' ? decision.reason : undefined;
    throw ApplicationFailure.create({
      type: 'Rejected',
      message: reason ? `rejected: ${reason}` : 'rejected',
      nonRetryable: true,
    });
  }

  /** What is left of `duration` since `since` (the whole of it on a fresh start; at least 1 ms for a timer). */
  private remaining(duration: Duration, since: string | null | undefined): number {
    const elapsed = since ? Date.now() - Date.parse(since) : 0;
    return Math.max(1, durationToMs(duration) - elapsed);
  }

  private async runActivity(node: ActivityNode): Promise<Outcome> {
    const input = await this.evaluateInput(node);
    const options = compileActivityOptions(node, this.doc.defaults);
    const activities = proxyActivities<Record<string, (input: unknown) => Promise<unknown>>>({
      ...options,
      // The node id as activity id: the history reads as the DAG, and replay checks the order of nodes.
      activityId: this.executionId(node),
      summary: node.id,
      // Wait for the activity to acknowledge: a node is CANCELLED only once its work really stopped.
      cancellationType: ActivityCancellationType.WAIT_CANCELLATION_COMPLETED,
    });
    return unwrapAttempt(await activities[node.activity](input));
  }

  private async runChild(node: WorkflowNode): Promise<Outcome> {
    const input = await this.evaluateInput(node);
    const retry = node.retry;
    const output = await executeChild(node.workflow, {
      args: input === undefined ? [] : [input],
      workflowId: `${this.info.workflowId}.${this.executionId(node)}`,
      taskQueue: node.taskQueue ?? this.doc.defaults?.taskQueue ?? this.info.taskQueue,
      staticSummary: `${this.doc.name} / ${node.id}`,
      cancellationType: ChildWorkflowCancellationType.WAIT_CANCELLATION_COMPLETED,
      retry: retry ? compileActivityOptions({ retry }).retry : { maximumAttempts: 1 },
      workflowExecutionTimeout:
        node.timeout?.execution !== undefined ? durationToMs(node.timeout.execution) : undefined,
      workflowRunTimeout: node.timeout?.run !== undefined ? durationToMs(node.timeout.run) : undefined,
      workflowTaskTimeout: node.timeout?.task !== undefined ? durationToMs(node.timeout.task) : undefined,
    });
    return { output, attempt: null };
  }

  private async evaluateInput(node: ActivityNode | WorkflowNode): Promise<unknown> {
    let input: unknown;
    try {
      input = node.input === undefined ? undefined : await evaluateTemplate(node.input, this.context());
    } catch (err) {
      throw Object.assign(new Error(`the input could not be evaluated: ${(err as Error).message}`), {
        name: 'WeftExpressionError',
      });
    }
    this.inputs.set(node.id, input);
    return input;
  }

  /** S4: newest completion first, one at a time, each with its own retry; failures are recorded, not fatal. */
  private async compensate(): Promise<void> {
    const order = compensationOrder(this.doc.nodes, this.state);
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
            ? { input: this.inputs.get(id) ?? null, output: this.state.nodes[id].output ?? null }
            : await evaluateTemplate(step.input, this.context());
        const options = compileActivityOptions(
          { retry: step.retry, timeout: step.timeout, taskQueue: node.taskQueue },
          this.doc.defaults,
        );
        const activities = proxyActivities<Record<string, (input: unknown) => Promise<unknown>>>({
          ...options,
          activityId: `${id}.compensate`,
          summary: `compensate ${id}`,
        });
        await activities[step.activity](input);
      } catch (err) {
        error = describeFailure(err, `the compensation of "${id}"`);
      }
      markCompensated(this.state, id, error, now());
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

  private waiting(): WaitingNode[] {
    return waitingNodes(this.state).map((nodeId) => {
      const node = this.state.nodes[nodeId];
      const kind = node.waiting!.kind;
      return {
        nodeId,
        kind,
        since: node.waiting!.since,
        reason: node.reason ?? '',
        release: releaseCommands(this.info.workflowId, nodeId, kind),
      };
    });
  }

  /** For runs a trigger started: which one, and the time the run was due (its logical date). */
  private trigger(): { trigger: string | null; scheduledAt: string | null } {
    if (this.args.trigger) return { trigger: this.args.trigger.id, scheduledAt: this.args.trigger.scheduledAt };
    const attributes = this.info.typedSearchAttributes;
    const due = attributes.get(TemporalScheduledStartTimeKey);
    return { trigger: attributes.get(TemporalScheduledByIdKey) ?? null, scheduledAt: due ? due.toISOString() : null };
  }

  private view(): WeftRunView {
    return {
      workflowId: this.info.workflowId,
      runId: this.info.runId,
      dag: this.doc.name,
      status: this.status,
      nodes: nodeResults(this.state),
      waiting: this.waiting(),
      compensation: this.compensation,
    };
  }

  /** Web UI: live markdown details, and the WeftStatus search attribute when it changed. */
  private publish(): void {
    if (this.status === 'RUNNING' || this.status === 'PAUSED') this.status = this.state.paused ? 'PAUSED' : 'RUNNING';
    const notes: string[] = [];
    if (this.state.paused)
      notes.push(`Paused: no new node starts until \`weft resume ${this.info.workflowId}\` (or the update "resume").`);
    for (const w of this.waiting()) {
      const commands = w.release.slice(0, -1); // the last entry names the update instead of a command
      const update = w.release[w.release.length - 1];
      notes.push(
        `✋ \`${w.nodeId}\` is ${w.reason}. Release it with ${commands.map((c) => `\`${c}\``).join(', ')}, ${update}.`,
      );
    }
    if (this.handover === 'draining')
      notes.push('Handing over to a new run (the history is long): no new node starts until the running ones finish.');
    if (this.handover === 'too-large')
      notes.push(
        'Too large to hand over to a new run (the document and node outputs exceed one payload): the run goes on in this history.',
      );
    if (this.args.carried)
      notes.push(
        `Continued from ${this.args.carried.handovers} earlier run${this.args.carried.handovers === 1 ? '' : 's'} of this workflow (continue-as-new).`,
      );
    if (this.state.stopping?.cause === 'failed') notes.push(`Failing: node "${this.state.stopping.nodeId}" failed.`);
    if (this.state.stopping?.cause === 'cancelled') notes.push('Cancelling: running nodes are being stopped.');
    if (this.state.stopping?.cause === 'timedOut')
      notes.push(`Timed out: the DAG did not end within ${this.doc.timeout}; running nodes are being stopped.`);
    if (this.compensation)
      notes.push(
        `Compensating (saga): ${this.compensation.compensated.length} undone, ${this.compensation.failed.length} failed.`,
      );
    setCurrentDetails(renderRunMarkdown(this.doc.name, this.status, summarizeRun(this.state, notes)));
    // WAITING is a search status only (the run itself is RUNNING): `WeftStatus = "WAITING"` finds runs that need a person.
    const searchStatus = this.status === 'RUNNING' && waitingNodes(this.state).length > 0 ? 'WAITING' : this.status;
    if (this.args.searchAttributes && this.publishedStatus !== searchStatus) {
      this.publishedStatus = searchStatus;
      upsertSearchAttributes([{ key: WeftStatusKey, value: searchStatus }]);
    }
  }

  private finish(output: unknown, outputError?: NodeError): WeftRunResult {
    const failedNode = this.state.stopping?.nodeId;
    const { waiting: _waiting, compensation, ...base } = this.view(); // nothing waits once the run ended
    const result: WeftRunResult = { ...base, output };
    if (compensation) result.compensation = compensation;
    if (outputError) result.error = { message: outputError.message, type: outputError.type };
    else if (this.status === 'FAILED' && failedNode) {
      const e = this.state.nodes[failedNode].error;
      result.error = { nodeId: failedNode, message: e?.message ?? 'failed', type: e?.type ?? null };
    } else if (this.state.stopping?.cause === 'timedOut')
      result.error = { message: `the DAG did not end within ${this.doc.timeout}`, type: 'DagTimeout' };
    else if (this.status === 'CANCELLED') result.error = { message: 'the run was cancelled', type: 'Cancelled' };
    return fitRunResult(result); // a result over Temporal's payload limit would get the finished run terminated
  }
}
