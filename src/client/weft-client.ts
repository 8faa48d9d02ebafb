/**
 * The programmatic client: submit DAG documents, follow and inspect runs. The CLI is a thin layer on it.
 *
 *   const weft = await WeftClient.connect();            // TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE, WEFT_TASK_QUEUE
 *   const run = await weft.start(document, { input: { day: '2026-11-20' } });
 *   const result = await run.result();                  // never throws for a failed run: see result.status
 */
import { randomBytes } from 'node:crypto';
import {
  Client,
  WorkflowFailedError,
  WorkflowNotFoundError,
  type WorkflowHandle,
} from '@temporalio/client';
import { ApplicationFailure, CancelledFailure } from '@temporalio/common';
import { WeftValidationError } from '../dsl/issues';
import { DAG_WORKFLOW_TYPE, UPDATES, WEFT_SEARCH_ATTRIBUTES } from '../dsl/protocol';
import { asRunResult, type WeftRunResult } from '../dsl/run-result';
import type { WeftDocument } from '../dsl/schema';
import { validateDocument } from '../dsl/validate';
import { connectionConfigFromEnv, runUrl, type WeftConnectionConfig } from '../connection';
import { WeftUsageError } from '../errors';
import type { NodeActionInput, WeftDagInput, WeftRunView } from '../workflows/dag-api';
import { WeftDagKey, WeftStatusKey } from '../workflows/search-attributes';
import { connectClient } from './connect';
import { WeftSchedules } from './triggers/schedules';
import { sendUpdate } from './updates';

export interface StartOptions {
  /** The run's input, merged over the document's `input`. */
  input?: Record<string, unknown>;
  /** Workflow id; default `<dag name>-<UTC time>-<random>`. Starting an id that is running is refused. */
  workflowId?: string;
  taskQueue?: string;
  /**
   * Continue as new once the run's history holds this many events (default: when Temporal suggests it,
   * about 4,000 events). The workflow id stays; the node table, waiting nodes and the saga carry over.
   */
  historyLimit?: number;
}

export class WeftClient {
  private searchAttributesChecked: Promise<string[]> | undefined;
  /** Triggers (cron, fixed-rate, fixed-delay): see src/client/triggers/schedules.ts. */
  readonly schedules: WeftSchedules = new WeftSchedules(this);

  constructor(
    readonly temporal: Client,
    readonly config: WeftConnectionConfig,
  ) {}

  /** Connects with the environment's settings (see cli.md), overridden by `overrides`. */
  static async connect(overrides: Partial<WeftConnectionConfig> = {}): Promise<WeftClient> {
    const config = { ...connectionConfigFromEnv(), ...overrides };
    return new WeftClient(await connectClient(config), config);
  }

  /** Validates, then starts a run. Throws WeftValidationError (with every issue) for an invalid document. */
  async start(document: unknown, options: StartOptions = {}): Promise<WeftRun> {
    const checked = validateDocument(document);
    if (!checked.ok) throw new WeftValidationError(checked.issues);
    const doc = checked.document;
    const missing = await this.missingSearchAttributes();
    if (options.historyLimit !== undefined && !(Number.isInteger(options.historyLimit) && options.historyLimit >= 1)) {
      throw new WeftUsageError(`historyLimit must be a whole number of events >= 1, got ${options.historyLimit}.`);
    }
    const args: WeftDagInput = { document, input: options.input, searchAttributes: missing.length === 0, historyLimit: options.historyLimit };
    const workflowId = options.workflowId ?? defaultWorkflowId(doc.name);
    try {
      const handle = await this.temporal.workflow.start(DAG_WORKFLOW_TYPE, {
        args: [args],
        taskQueue: options.taskQueue ?? this.config.taskQueue,
        workflowId,
        staticSummary: `${doc.name}${doc.description ? ` — ${doc.description.split('\n')[0]}` : ''}`,
        staticDetails: describeDocument(doc),
        ...(missing.length === 0
          ? { typedSearchAttributes: [{ key: WeftDagKey, value: doc.name }, { key: WeftStatusKey, value: 'RUNNING' }] }
          : {}),
      });
      return new WeftRun(this, handle, handle.firstExecutionRunId);
    } catch (err) {
      if ((err as Error).name === 'WorkflowExecutionAlreadyStartedError') {
        throw new WeftUsageError(`A run with workflow id "${workflowId}" is already running; choose another --id or wait for it to end.`);
      }
      throw err;
    }
  }

  /** Starts a run and waits for its result. */
  async run(document: unknown, options: StartOptions = {}): Promise<WeftRunResult> {
    return (await this.start(document, options)).result();
  }

  /** A run by workflow id (the latest run of that id unless runId is given). */
  getRun(workflowId: string, runId?: string): WeftRun {
    return new WeftRun(this, this.temporal.workflow.getHandle(workflowId, runId), runId);
  }

  /** The Web UI link to a run, when the UI's address is known. */
  runUrl(workflowId: string, runId?: string): string | undefined {
    return runUrl(this.config, workflowId, runId);
  }

  /**
   * Weft's search attributes the server lacks (checked once per client). Runs still work without them,
   * but cannot be listed by DAG in the Web UI.
   */
  missingSearchAttributes(): Promise<string[]> {
    this.searchAttributesChecked ??= this.temporal.connection.operatorService
      .listSearchAttributes({ namespace: this.config.namespace })
      .then((res) => Object.keys(WEFT_SEARCH_ATTRIBUTES).filter((name) => !(name in (res.customAttributes ?? {}))))
      .catch(() => Object.keys(WEFT_SEARCH_ATTRIBUTES)); // e.g. Temporal Cloud API keys without operator rights
    return this.searchAttributesChecked;
  }

  async close(): Promise<void> {
    await this.temporal.connection.close();
  }
}

export class WeftRun {
  constructor(
    private readonly weft: WeftClient,
    readonly handle: WorkflowHandle,
    /** Known when this client started the run or was given it; otherwise the latest run of the id. */
    readonly runId?: string,
  ) {}

  get workflowId(): string {
    return this.handle.workflowId;
  }

  /** The run's Web UI link, when known. */
  get url(): string | undefined {
    return this.weft.runUrl(this.handle.workflowId, this.runId);
  }

  /**
   * The run's result once it ends. A failed or cancelled DAG resolves too (with status FAILED or
   * CANCELLED and the nodes); only an unknown run, or one ended from outside Weft, throws.
   */
  async result(): Promise<WeftRunResult> {
    try {
      return (await this.handle.result()) as WeftRunResult;
    } catch (err) {
      const fromFailure = resultFromFailure(err);
      if (fromFailure) return fromFailure;
      if (err instanceof WorkflowNotFoundError) throw unknownRun(this.workflowId, this.weft.config.namespace);
      if (err instanceof WorkflowFailedError) {
        const cause = err.cause;
        if (cause instanceof ApplicationFailure && cause.type === 'WeftInvalidDocument') {
          const issues = (cause.details?.[0] as { issues?: WeftValidationError['issues'] })?.issues;
          throw issues ? new WeftValidationError(issues) : new WeftUsageError(cause.message);
        }
        const { runId } = await this.handle.describe();
        if (cause instanceof CancelledFailure) {
          // Temporal's cancel command carries no details, so the closed run's own query tells its nodes.
          const view = await this.closedState();
          if (view) return { ...view, output: null, error: { message: 'the run was cancelled', type: 'Cancelled' } };
        }
        return {
          workflowId: this.workflowId,
          runId,
          dag: '',
          status: cause instanceof CancelledFailure ? 'CANCELLED' : 'FAILED',
          output: null,
          nodes: {},
          error: { message: cause?.message ?? err.message, type: cause?.name ?? null },
        };
      }
      throw err;
    }
  }

  /** The `state` query of a closed run (a worker replays it); undefined when no worker answers in time. */
  private async closedState(): Promise<WeftRunView | undefined> {
    try {
      return (await this.weft.temporal.withDeadline(Date.now() + 10_000, () => this.handle.query('state'))) as WeftRunView;
    } catch {
      return undefined;
    }
  }

  /** The node table now: from the `state` query while the run is open, from its result once closed. */
  async state(): Promise<WeftRunView> {
    const description = await this.describeDagRun();
    if (description.status.name === 'RUNNING') {
      return (await this.handle.query('state')) as WeftRunView;
    }
    const result = await this.result();
    return { workflowId: result.workflowId, runId: result.runId, dag: result.dag, status: result.status, nodes: result.nodes, compensation: result.compensation };
  }

  /** Approves a waiting approval node; `data` becomes its output. Resolves with the run's answer. */
  approve(nodeId: string, data?: unknown): Promise<string> {
    return this.act(UPDATES.approve, { nodeId, data });
  }

  /** Rejects a waiting approval node: it fails with the reason, and its onFailure applies. */
  reject(nodeId: string, reason?: string): Promise<string> {
    return this.act(UPDATES.reject, { nodeId, reason });
  }

  /** Runs a node that waits after failing again, with a fresh set of attempts. */
  retry(nodeId: string): Promise<string> {
    return this.act(UPDATES.retry, { nodeId });
  }

  /** Skips a node that waits after failing; downstream nodes see `output` as its output. */
  skip(nodeId: string, output?: unknown): Promise<string> {
    return this.act(UPDATES.skip, { nodeId, output });
  }

  /** Fails a node that waits after failing: the run takes its failure path (and compensates). */
  fail(nodeId: string, reason?: string): Promise<string> {
    return this.act(UPDATES.fail, { nodeId, reason });
  }

  /** Stops starting new nodes; running nodes finish. */
  pause(): Promise<string> {
    return this.act(UPDATES.pause);
  }

  resume(): Promise<string> {
    return this.act(UPDATES.resume);
  }

  /** Cancels the run: running nodes are cancelled, then completed nodes are compensated. */
  async cancel(): Promise<void> {
    await this.ensureOpen('cancel');
    await this.handle.cancel();
  }

  /**
   * Sends an update and returns the run's answer. Refusals (unknown node, node not waiting...) become
   * WeftUsageError with the run's own sentence; nothing changed in the run then.
   */
  private async act(update: string, input?: NodeActionInput): Promise<string> {
    await this.ensureOpen(update);
    try {
      return await sendUpdate(this.handle, update, input);
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) await this.ensureOpen(update);
      throw err;
    }
  }

  /** The run's description; unknown runs and workflows that are not DAG runs are refused with a sentence. */
  private async describeDagRun() {
    let description;
    try {
      description = await this.handle.describe();
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) throw unknownRun(this.workflowId, this.weft.config.namespace);
      throw err;
    }
    if (description.type !== DAG_WORKFLOW_TYPE) {
      throw new WeftUsageError(`"${this.workflowId}" is a ${description.type} workflow, not a Weft DAG run.`);
    }
    return description;
  }

  /** Refuses actions on unknown, finished or non-Weft runs with a sentence. */
  private async ensureOpen(action: string): Promise<void> {
    const description = await this.describeDagRun();
    if (description.status.name !== 'RUNNING') {
      throw new WeftUsageError(`The run "${this.workflowId}" has already ended (${description.status.name}); it takes no ${action}.`);
    }
  }
}

function unknownRun(workflowId: string, namespace: string): WeftUsageError {
  return new WeftUsageError(`No run with workflow id "${workflowId}" in namespace "${namespace}".`);
}

/** A failed or cancelled DAG carries its result object in the failure's details. */
export function resultFromFailure(err: unknown): WeftRunResult | undefined {
  const cause = err instanceof WorkflowFailedError ? err.cause : undefined;
  const details = cause instanceof ApplicationFailure || cause instanceof CancelledFailure ? cause.details : undefined;
  return asRunResult(details?.[0]);
}

export function defaultWorkflowId(name: string, at: Date = new Date()): string {
  const stamp = at.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
  return `${name}-${stamp}-${randomBytes(3).toString('hex')}`;
}

/** The run's static details in the Web UI: what the DAG is, in markdown. */
function describeDocument(doc: WeftDocument): string {
  const lines = [doc.description ?? '', '', `**${doc.nodes.length} nodes**`, ''];
  for (const node of doc.nodes) {
    const what = node.type === 'activity' ? node.activity : node.type === 'workflow' ? `workflow ${node.workflow}` : node.type;
    const deps = node.dependsOn.length ? ` ← ${node.dependsOn.join(', ')}` : '';
    lines.push(`- \`${node.id}\` (${what})${deps}`);
  }
  return lines.join('\n').trim();
}
