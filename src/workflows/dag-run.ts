/**
 * One DAG run inside the workflow sandbox: a thin loop that feeds Temporal's events into the pure run
 * state (src/dsl/run-state.ts) and does what it decides. See the invariants S1-S4 stated there; here:
 * - every node runs in a CancellationScope of its own, so fail-fast and run cancellation can stop it;
 * - compensation runs in a non-cancellable scope, so a cancelled run is still undone;
 * - iteration is always in document order, so replays make the same decisions.
 */
import {
  ActivityCancellationType,
  CancellationScope,
  ChildWorkflowCancellationType,
  condition,
  executeChild,
  isCancellation,
  proxyActivities,
  setCurrentDetails,
  setHandler,
  sleep,
  upsertSearchAttributes,
  workflowInfo,
  type WorkflowInfo,
} from '@temporalio/workflow';
import { compileActivityOptions } from '../dsl/activity-options';
import { durationToMs } from '../dsl/duration';
import { evaluateCondition, evaluateTemplate } from '../dsl/expressions';
import { unwrapAttempt } from '../dsl/protocol';
import { nodeResults, renderRunMarkdown, type CompensationSummary, type WeftRunResult } from '../dsl/run-result';
import {
  compensationOrder,
  evaluateTriggers,
  finalizePending,
  initialRunState,
  isSettled,
  markCancelled,
  markCompensated,
  markFailed,
  markRunCancelled,
  markSkipped,
  markStarted,
  markSucceeded,
  runningNodes,
  runOutcome,
  type NodeError,
  type RunState,
  type RunStatus,
} from '../dsl/run-state';
import type { ActivityNode, WeftDocument, WeftNode, WorkflowNode } from '../dsl/schema';
import { attemptsFromFailure, describeFailure } from './failures';
import { stateQuery, type WeftDagInput, type WeftRunView } from './dag-api';
import { WeftStatusKey } from './search-attributes';

type Outcome = { output: unknown; attempt: number | null };

const now = () => new Date().toISOString(); // the sandbox's Date is Temporal's deterministic clock

export class DagRun {
  private readonly state: RunState;
  private readonly byId = new Map<string, WeftNode>();
  private readonly scopes = new Map<string, CancellationScope>();
  /** Each node's evaluated input, kept for its compensation's default input. */
  private readonly inputs = new Map<string, unknown>();
  private readonly runInput: Record<string, unknown>;
  private readonly info: WorkflowInfo = workflowInfo();
  private readonly startedAt = now();
  private status: RunStatus = 'RUNNING';
  private changed = false;
  private compensation: CompensationSummary | undefined;
  private publishedStatus: string | undefined;

  constructor(
    private readonly doc: WeftDocument,
    private readonly args: WeftDagInput,
  ) {
    this.state = initialRunState(doc.nodes);
    for (const node of doc.nodes) this.byId.set(node.id, node);
    this.runInput = { ...(doc.input ?? {}), ...(args.input ?? {}) };
  }

  async execute(): Promise<WeftRunResult> {
    setHandler(stateQuery, () => this.view());
    this.publish();
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
        outputError = { message: `the document's output could not be evaluated: ${(err as Error).message}`, type: 'WeftExpressionError' };
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
      this.publish();
      this.changed = false;
      await condition(() => this.changed);
    }
  }

  /** Waits for cancelled nodes to report back (they were cancelled with the run's root scope). */
  private async drain(): Promise<void> {
    await condition(() => runningNodes(this.state).length === 0);
  }

  private atCapacity(): boolean {
    return this.doc.maxParallelism !== undefined && runningNodes(this.state).length >= this.doc.maxParallelism;
  }

  private async startReadyNodes(): Promise<void> {
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
            this.fail(node, { message: `"when" could not be evaluated: ${(err as Error).message}`, type: 'WeftExpressionError' }, 0);
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
    const scope = new CancellationScope();
    this.scopes.set(node.id, scope);
    scope
      .run(() => this.executeNode(node))
      .then(
        ({ output, attempt }) => markSucceeded(this.state, node.id, output, attempt ?? 1, now()),
        (err) => this.onNodeError(node, err),
      )
      .finally(() => {
        this.scopes.delete(node.id);
        this.changed = true;
      });
  }

  private onNodeError(node: WeftNode, err: unknown): void {
    if (isCancellation(err) && (this.state.stopping || this.scopes.get(node.id)?.consideredCancelled)) {
      markCancelled(this.state, node.id, now());
      return;
    }
    const maxAttempts = node.type === 'activity' ? compileActivityOptions(node, this.doc.defaults).retry.maximumAttempts : 1;
    this.fail(node, describeFailure(err, `node "${node.id}"`), attemptsFromFailure(err, maxAttempts));
  }

  private fail(node: WeftNode, error: NodeError, attempts: number): void {
    const { runFails } = markFailed(this.state, node, error, attempts, now());
    this.changed = true;
    if (runFails && this.doc.failFast !== false) {
      for (const [id, scope] of this.scopes) if (id !== node.id) scope.cancel();
    }
  }

  private async executeNode(node: WeftNode): Promise<Outcome> {
    switch (node.type) {
      case 'activity':
        return this.runActivity(node);
      case 'sleep':
        await sleep(durationToMs(node.duration), { summary: node.id });
        return { output: null, attempt: 1 };
      case 'workflow':
        return this.runChild(node);
      case 'approval':
        throw Object.assign(new Error('approval nodes need a newer Weft worker'), { name: 'WeftUnsupported' });
    }
  }

  private async runActivity(node: ActivityNode): Promise<Outcome> {
    const input = await this.evaluateInput(node);
    const options = compileActivityOptions(node, this.doc.defaults);
    const activities = proxyActivities<Record<string, (input: unknown) => Promise<unknown>>>({
      ...options,
      // The node id as activity id: the history reads as the DAG, and replay checks the order of nodes.
      activityId: node.id,
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
      workflowId: `${this.info.workflowId}.${node.id}`,
      taskQueue: node.taskQueue ?? this.doc.defaults?.taskQueue ?? this.info.taskQueue,
      staticSummary: `${this.doc.name} / ${node.id}`,
      cancellationType: ChildWorkflowCancellationType.WAIT_CANCELLATION_COMPLETED,
      retry: retry
        ? compileActivityOptions({ retry }).retry
        : { maximumAttempts: 1 },
      workflowExecutionTimeout: node.timeout?.execution !== undefined ? durationToMs(node.timeout.execution) : undefined,
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
      throw Object.assign(new Error(`the input could not be evaluated: ${(err as Error).message}`), { name: 'WeftExpressionError' });
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
        const options = compileActivityOptions({ retry: step.retry, timeout: step.timeout, taskQueue: node.taskQueue }, this.doc.defaults);
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
  private context(): Record<string, unknown> {
    const nodes: Record<string, unknown> = {};
    for (const [id, n] of Object.entries(this.state.nodes)) {
      nodes[id] = { status: n.status, output: n.output ?? null, error: n.error };
    }
    return {
      input: this.runInput,
      nodes,
      run: { workflowId: this.info.workflowId, runId: this.info.runId, startedAt: this.startedAt, dag: this.doc.name },
    };
  }

  private view(): WeftRunView {
    return {
      workflowId: this.info.workflowId,
      runId: this.info.runId,
      dag: this.doc.name,
      status: this.status,
      nodes: nodeResults(this.state),
      compensation: this.compensation,
    };
  }

  /** Web UI: live markdown details, and the WeftStatus search attribute when it changed. */
  private publish(): void {
    const notes: string[] = [];
    if (this.state.stopping?.cause === 'failed') notes.push(`Failing: node "${this.state.stopping.nodeId}" failed.`);
    if (this.state.stopping?.cause === 'cancelled') notes.push('Cancelling: running nodes are being stopped.');
    if (this.compensation) notes.push(`Compensating (saga): ${this.compensation.compensated.length} undone, ${this.compensation.failed.length} failed.`);
    setCurrentDetails(renderRunMarkdown(this.doc.name, this.status, this.state, notes));
    if (this.args.searchAttributes && this.publishedStatus !== this.status) {
      this.publishedStatus = this.status;
      upsertSearchAttributes([{ key: WeftStatusKey, value: this.status }]);
    }
  }

  private finish(output: unknown, outputError?: NodeError): WeftRunResult {
    const failedNode = this.state.stopping?.nodeId;
    const result: WeftRunResult = {
      workflowId: this.info.workflowId,
      runId: this.info.runId,
      dag: this.doc.name,
      status: this.status,
      output,
      nodes: nodeResults(this.state),
    };
    if (this.compensation) result.compensation = this.compensation;
    if (outputError) result.error = { message: outputError.message, type: outputError.type };
    else if (this.status === 'FAILED' && failedNode) {
      const e = this.state.nodes[failedNode].error;
      result.error = { nodeId: failedNode, message: e?.message ?? 'failed', type: e?.type ?? null };
    } else if (this.status === 'CANCELLED') result.error = { message: 'the run was cancelled', type: 'Cancelled' };
    return result;
  }
}
