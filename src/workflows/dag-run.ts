/**
 * One DAG run inside the workflow sandbox: a loop that feeds Temporal's events into the run tracker
 * (src/dsl/run-tracker.ts, over the pure run state of src/dsl/run-state.ts) and starts what it hands out,
 * each node through the handler of its type (./nodes). It decides nothing the pure core can: readiness and
 * trigger rules (run-state.ts), what to stop, the run's status and error, when to hand over
 * (run-decisions.ts), the engine's limits E1-E2 (engine-limits.ts). See the invariants S1-S4 in run-state.ts;
 * here:
 * - every node runs in a cancellation scope (node-scopes.ts), so fail-fast and run cancellation can stop it;
 * - compensation runs in a non-cancellable scope, so a cancelled run is still undone;
 * - iteration is always in document order, so replays make the same decisions;
 * - the work of one workflow task is bounded whatever the document says (E1, E2 in start-pass.ts; E3 in
 *   handover.ts), and nothing that runs while the SDK disposes of the workflow touches the clock or throws.
 */
import {
  CancellationScope,
  condition,
  inWorkflowContext,
  isCancellation,
  setHandler,
  sleep,
} from '@temporalio/workflow';
import { TaskBudget } from '../dsl/engine-limits';
import { liveStatus, nodesToStopOnFailure, runError } from '../dsl/run-decisions';
import {
  fitRunResult,
  type CompensationSummary,
  type ExitOutcome,
  type RunResultError,
  type WeftRunResult,
} from '../dsl/run-result';
import {
  adoptLegacyCarried,
  markRunCancelled,
  markRunTimedOut,
  runOutcome,
  type NodeError,
  type RunStatus,
} from '../dsl/run-state';
import { RunTracker } from '../dsl/run-tracker';
import type { WeftDocument, WeftNode } from '../dsl/schema';
import type { RerunPlan } from '../dsl/rerun';
import { stateQuery, type CarriedRun, type RefusedSignal, type WeftDagInput } from '../protocol/dag';
import { compensateRun } from './compensation';
import { runExitHandlers } from './exit-handlers';
import { RunMetrics } from './run-metrics';
import { isDone } from '../dsl/trigger-rules';
import { attemptsOfNode, describeFailure } from './failures';
import { Handover } from './handover';
import { registerInterventions, type Decision } from './interventions';
import { NodeScopes } from './node-scopes';
import { handlerOf, outcomeOf, type NodeRunContext, type Outcome } from './nodes';
import { FailedByOperator, runWithOperator } from './operator-wait';
import { watchDeadline } from './deadline';
import { RunContext, now } from './run-context';
import { RunPublisher } from './run-publisher';
import { startReadyNodes, type StartHost } from './start-pass';

export class DagRun {
  private readonly tracker: RunTracker;
  private readonly byId = new Map<string, WeftNode>();
  private readonly scopes = new NodeScopes();
  private readonly run: RunContext;
  private readonly nodes: NodeRunContext;
  private readonly handover: Handover;
  private readonly publisher: RunPublisher;
  private readonly starter: StartHost;
  /** Accepted node actions not yet taken by their node. */
  private readonly decisions = new Map<string, Decision>();
  private status: RunStatus = 'RUNNING';
  private compensation: CompensationSummary | undefined;
  /** Something happened since the loop last looked. */
  private changed = false;
  private readonly metrics: RunMetrics;
  /** Set while the exit handlers run, and what they did once they ran. */
  private exitNote: string | undefined;
  private exitOutcome: ExitOutcome | undefined;
  /** Signals refused in this run (not carried over a hand-over), for the view and the live details. */
  private readonly refusedSignals: RefusedSignal[] = [];

  constructor(
    private readonly doc: WeftDocument,
    private readonly args: WeftDagInput,
  ) {
    const carried = args.carried;
    this.tracker = new RunTracker(doc.nodes, carried?.state, { teardown: true });
    for (const node of doc.nodes) this.byId.set(node.id, node);
    if (carried) adoptLegacyCarried(this.state, carried);
    else if (args.rerun) this.reuseKeptNodes(args.rerun);
    this.metrics = new RunMetrics(doc.name);
    this.tracker.observe((id, before, after) => {
      if ((after === 'WAITING') !== (before === 'WAITING')) this.metrics.waiting(after === 'WAITING');
      const state = this.state.nodes[id]!;
      if (isDone(after) && !isDone(before) && !state.reusedFrom) this.metrics.nodeEnded(this.byId.get(id)!, state);
    });
    this.run = new RunContext(doc, args, this.tracker);
    this.nodes = this.run.forNodes({
      decisions: this.decisions,
      wake: () => (this.changed = true),
      markWaiting: (id, kind, reason) => this.wait(id, kind, reason),
    });
    this.handover = new Handover(
      doc,
      args,
      this.tracker,
      () => this.carried(),
      () => this.runsUncarriedNode(),
    );
    this.publisher = new RunPublisher(doc, args, this.run.info, this.tracker, this.refusedSignals);
    this.starter = {
      doc,
      byId: this.byId,
      tracker: this.tracker,
      run: this.run,
      track: (node) => this.track(node),
      fail: (node, error, attempts) => this.fail(node, error, attempts),
    };
  }

  /**
   * A rerun starts with the nodes it keeps SUCCEEDED, in their original order of completion, so its saga
   * undoes them after what it ran itself (newest first), as their effects are live.
   */
  private reuseKeptNodes(rerun: RerunPlan): void {
    const kept = Object.entries(rerun.kept)
      .filter(([id]) => this.byId.has(id))
      .sort(([, a], [, b]) => (a.endedAt ?? '').localeCompare(b.endedAt ?? ''));
    for (const [id, node] of kept) this.tracker.reuse(id, node, rerun.of, now());
  }

  private get state() {
    return this.tracker.state;
  }

  async execute(): Promise<WeftRunResult> {
    setHandler(stateQuery, () =>
      fitRunResult({
        ...this.publisher.view(this.status, this.compensation),
        ...(this.exitOutcome ? { onExit: this.exitOutcome } : {}),
      }),
    );
    registerInterventions({
      nodes: this.doc.nodes,
      state: this.state,
      decisions: this.decisions,
      refusedSignals: this.refusedSignals,
      wake: () => (this.changed = true),
      publish: () => this.publish(),
      now,
    });
    this.publish();
    const { trigger, scheduledAt } = this.run.triggeredBy;
    if (!this.args.carried && trigger && scheduledAt) this.metrics.triggered(scheduledAt, this.run.startedAt, trigger);
    if (this.args.carried) this.resumeCarriedNodes();
    if (this.doc.timeout !== undefined) watchDeadline(this.doc.timeout, this.run, () => this.timedOut());
    // A cancel of the run reaches a running sleep node's timer in the same activation as it reaches the loop
    // below, and the timer's rejection came first: noted here, before any node's scope hears of it, the node
    // ends CANCELLED like every other node the cancel stopped, not FAILED.
    CancellationScope.current().cancelRequested.catch(() => {
      if (!this.state.stopping) markRunCancelled(this.state);
    });
    try {
      await this.schedule();
    } catch (err) {
      if (!isCancellation(err)) throw err;
      markRunCancelled(this.state);
      const stopped = () => this.tracker.running === 0 && this.tracker.waitingCount === 0;
      await CancellationScope.nonCancellable(() => condition(stopped));
    }
    this.tracker.finalizePending(now());
    const outcome = runOutcome(this.state);
    if (outcome !== 'SUCCEEDED') await CancellationScope.nonCancellable(() => this.compensate());
    const { output, outputError } = outcome === 'SUCCEEDED' ? this.run.output() : { output: null };
    this.status = outputError ? 'FAILED' : outcome;
    const error = runError(this.state, this.status, outputError, this.doc.timeout);
    const onExit = this.doc.onExit ? await this.exit(this.status, error) : undefined;
    this.publish();
    this.metrics.runEnded(this.status);
    return this.publisher.result(this.status, this.compensation, output, error, onExit);
  }

  /** The main loop: start what is ready, wait for any change (or the next task, E2), repeat until nothing can happen. */
  private async schedule(): Promise<void> {
    for (;;) {
      if (!this.handover.draining) this.scopes.inShared(() => startReadyNodes(this.starter));
      if (this.tracker.isSettled()) return;
      this.handover.check();
      if (this.handover.ready(this.decisions.size)) await this.handover.handOver();
      this.publish();
      this.changed = false;
      if (this.run.task.full) await sleep(1, { summary: 'weft: start the next nodes in a new workflow task' });
      else await condition(() => this.changed);
      this.run.task = new TaskBudget(this.tracker.running === 0);
    }
  }

  /** The DAG's `timeout` passed: running and waiting nodes are cancelled; the run takes its failure path. */
  private timedOut(): void {
    if (this.state.stopping || this.tracker.isSettled()) return;
    markRunTimedOut(this.state);
    this.scopes.cancelAll();
    this.changed = true;
  }

  /** A node runs that a hand-over cannot carry: anything but a sleep (only running and waiting nodes have scopes). */
  private runsUncarriedNode(): boolean {
    return this.scopes.some((id) => this.tracker.status(id) === 'RUNNING' && this.byId.get(id)!.type !== 'sleep');
  }

  /** The next run's carried state: where this one left off. */
  private carried(): CarriedRun {
    const { startedAt, triggeredBy } = this.run;
    const handovers = (this.args.carried?.handovers ?? 0) + 1;
    return { state: this.state, startedAt, trigger: triggeredBy, handovers };
  }

  /** In a continued run: picks up the nodes that were waiting or sleeping when the previous run handed over. */
  private resumeCarriedNodes(): void {
    this.scopes.inShared(() => {
      for (const node of this.doc.nodes) {
        const status = this.tracker.status(node.id);
        if (status === 'WAITING' || status === 'RUNNING') this.track(node);
      }
    });
  }

  /** Runs a node's work through its handler, in its scope, and records how it ended. */
  private track(node: WeftNode): void {
    const waits = node.onFailure === 'wait' || this.tracker.status(node.id) === 'WAITING';
    const handler = handlerOf(node);
    const work = waits ? () => runWithOperator(node, this.operatorHost()) : () => handler.run(node, this.nodes);
    this.scopes.run(node.id, waits || node.type === 'approval', work).then(
      (result) => this.settle(node, () => this.succeed(node, waits ? (result as Outcome) : outcomeOf(handler, result))),
      (err) => this.settle(node, () => this.onNodeError(node, err)),
    );
  }

  private operatorHost() {
    return {
      tracker: this.tracker,
      nodes: this.nodes,
      decisions: this.decisions,
      attemptsOf: (node: WeftNode, err: unknown) => attemptsOfNode(node, this.doc.defaults, err),
      markWaiting: (id: string, kind: 'failure', reason: string) => this.wait(id, kind, reason),
      publish: () => this.publish(),
    };
  }

  /**
   * Records a node's end. Nothing here may run while the SDK disposes of the workflow (an evicted or
   * timed-out task rejects pending promises): the clock and the state are gone then.
   */
  private settle(node: WeftNode, record: () => void): void {
    if (!inWorkflowContext()) return;
    this.scopes.release(node.id);
    record();
    this.changed = true;
  }

  private succeed(node: WeftNode, { output, attempt, skippedByOperator }: Outcome): void {
    if (skippedByOperator) this.tracker.skipByOperator(node.id, output, now());
    else this.tracker.succeed(node.id, output, attempt ?? 1, now());
  }

  private wait(id: string, kind: 'approval' | 'failure', reason: string): void {
    this.tracker.wait(id, kind, reason, now());
    this.changed = true;
    this.publish();
  }

  private onNodeError(node: WeftNode, err: unknown): void {
    if (isCancellation(err) && this.state.stopping) this.tracker.cancel(node.id, now());
    else if (err instanceof FailedByOperator) this.fail(node, err.nodeError, 0, true);
    else this.fail(node, describeFailure(err, `node "${node.id}"`), attemptsOfNode(node, this.doc.defaults, err));
  }

  private fail(node: WeftNode, error: NodeError, attempts: number, force = false): void {
    const { runFails } = this.tracker.fail(node, error, attempts, now(), force);
    this.changed = true;
    if (!runFails) return;
    const status = (id: string) => this.tracker.status(id);
    this.scopes.cancel(nodesToStopOnFailure(node.id, this.scopes.active(), status, this.doc.failFast));
  }

  /** S4, in a non-cancellable scope: a cancelled run is still undone. */
  private async compensate(): Promise<void> {
    await compensateRun(
      this.doc,
      this.tracker,
      () => this.run.expressions(),
      now,
      (summary) => {
        this.compensation = summary;
        this.publish();
      },
      this.run.info,
    );
  }

  /** The exit handlers, once the DAG ended: their child run, announced in the live details meanwhile. */
  private async exit(status: 'SUCCEEDED' | 'FAILED' | 'CANCELLED', error: RunResultError | undefined) {
    this.exitNote = `The DAG ended ${status}; its exit handlers run in ${this.run.info.workflowId}.onExit.`;
    this.publish();
    this.exitOutcome = await runExitHandlers(
      this.doc,
      this.run,
      status,
      error ?? null,
      this.args.searchAttributes === true,
    );
    this.exitNote = undefined;
    return this.exitOutcome;
  }

  /** Web UI: live markdown details, and the WeftStatus search attribute when it changed. */
  private publish(): void {
    this.status = liveStatus(this.status, this.state);
    this.publisher.publish(this.status, this.exitNote ?? this.handover.note(), this.compensation);
  }
}
