/**
 * The programmatic client: submit DAG documents, follow and inspect runs. The CLI is a thin layer on it.
 *
 *   const weft = await WeftClient.connect();            // TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE, WEFT_TASK_QUEUE
 *   const run = await weft.start(document, { input: { day: '2026-11-20' } });
 *   const result = await run.result();                  // never throws for a failed run: see result.status
 */
import { randomBytes } from 'node:crypto';
import {
  type Client,
  WorkflowExecutionAlreadyStartedError,
  WorkflowFailedError,
  WorkflowNotFoundError,
  type WorkflowHandle,
} from '@temporalio/client';
import { ApplicationFailure, CancelledFailure, type Payload } from '@temporalio/common';
import { encodeToPayloads } from '@temporalio/common/lib/internal-non-workflow';
import { WeftValidationError } from '../dsl/issues';
import { DAG_WORKFLOW_TYPE, UPDATES } from '../protocol/names';
import { asRunResult, type WeftRunResult } from '../dsl/run-result';
import type { WeftDocument } from '../dsl/schema';
import { validateDocument } from '../dsl/validate';
import { parseDuration, type Duration } from '../dsl/duration';
import { connectionConfigFromEnv, guessUiUrl, runUrl, type WeftConnectionConfig } from '../connection';
import { consolePageUrl } from '../protocol/dag';
import {
  WeftConflictError,
  WeftNotFoundError,
  WeftPayloadTooLargeError,
  WeftSetupError,
  WeftUsageError,
} from '../errors';
import type { NodeActionInput, WeftDagInput, WeftRunView } from '../protocol/dag';
import { WeftDagKey, WeftRerunOfKey, WeftStatusKey } from '../protocol/search-attributes';
import { planRerun } from '../dsl/rerun';
import { nextRerunId, readRerunSource } from './rerun';
import { readStartArgs } from './start-args';
import { readNodeInput, type NodeInput } from './node-input';
import { CLOSED_STATUS, listRuns, type RunFilter, type RunSummary } from './run-list';
import {
  connectClient,
  explainError,
  formatBytes,
  grpcStatusOf,
  GRPC_STATUS,
  PAYLOAD_LIMIT_BYTES,
  type ClientConnectOptions,
} from './connect';
import { missingSearchAttributesOnce } from './search-attributes';
import { WeftSchedules } from './triggers/schedules';
import { sendUpdate } from './updates';
import { FAILURE_TYPES } from '../dsl/failure-types';

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
  /** Start the run this long from now (Temporal's start delay): `"10m"`, `"2 hours"` or milliseconds. */
  startDelay?: Duration;
  /** Start the run at this time (a Date, or an ISO 8601 text); it must be in the future. */
  startAt?: Date | string;
  /**
   * Never start a second run with this workflow id, even after the first ended (while Temporal retains it):
   * how an idempotency key becomes exactly one run. A repeat throws WeftConflictError.
   */
  onceOnly?: boolean;
}

export interface RerunOptions {
  /** Rerun these nodes and everything downstream of them, even if they succeeded. */
  from?: string[];
  /** The run's input; default the original run's. */
  input?: Record<string, unknown>;
  /** Default `<original workflow id>-rerun-<n>`, the first n not taken. */
  workflowId?: string;
  /** Default the original run's task queue. */
  taskQueue?: string;
}

export class WeftClient {
  /** Triggers (cron, fixed-rate, fixed-delay): see src/client/triggers/schedules.ts. */
  readonly schedules: WeftSchedules;
  private readonly searchAttributesMissing: () => Promise<string[]>;

  constructor(
    readonly temporal: Client,
    readonly config: WeftConnectionConfig,
  ) {
    this.searchAttributesMissing = missingSearchAttributesOnce(temporal, config.namespace);
    // The triggers get what they use, not this client: the dependency goes one way.
    this.schedules = new WeftSchedules({
      temporal,
      namespace: config.namespace,
      taskQueue: config.taskQueue,
      missingSearchAttributes: this.searchAttributesMissing,
      consoleUrl: () => config.consoleUrl,
    });
  }

  /**
   * Connects with the environment's settings (see cli.md), overridden by `overrides`. Without a `uiUrl`
   * (WEFT_UI_URL), a local dev server's address gives its Web UI's, as for the `weft` command, so `run.url` links.
   */
  static async connect(
    overrides: Partial<WeftConnectionConfig> = {},
    options: ClientConnectOptions = {},
  ): Promise<WeftClient> {
    const config = { ...connectionConfigFromEnv(), ...overrides };
    config.uiUrl ??= guessUiUrl(config.address);
    return new WeftClient(await connectClient(config, options), config);
  }

  /** Validates, then starts a run. Throws WeftValidationError (with every issue) for an invalid document. */
  async start(document: unknown, options: StartOptions = {}): Promise<WeftRun> {
    const checked = validateDocument(document);
    if (!checked.ok) throw new WeftValidationError(checked.issues);
    if (options.historyLimit !== undefined && !(Number.isInteger(options.historyLimit) && options.historyLimit >= 1)) {
      throw new WeftUsageError(`historyLimit must be a whole number of events >= 1, got ${options.historyLimit}.`);
    }
    const startDelay = startDelayOf(options);
    return this.launch(
      checked.document,
      { document, input: options.input, historyLimit: options.historyLimit },
      { ...options, startDelay },
    );
  }

  /**
   * Starts a new run of a finished run's document that keeps what succeeded (docs/dsl.md, "Rerun"): every
   * node that SUCCEEDED and was not compensated, unless it is at or downstream of a `from` node, is not
   * executed again. Refused, with a sentence, for an unknown run, one still running, or an unknown node.
   */
  async rerun(workflowId: string, options: RerunOptions = {}): Promise<WeftRun> {
    const source = await readRerunSource(this, workflowId);
    const checked = validateDocument(source.args.document);
    if (!checked.ok) throw new WeftValidationError(checked.issues);
    const planned = planRerun(workflowId, checked.document.nodes, source.result.nodes, options.from);
    if (!planned.ok) throw new WeftUsageError(`Cannot rerun "${workflowId}": ${planned.problem}.`);
    const args: WeftDagInput = {
      document: source.args.document,
      input: options.input ?? source.args.input,
      historyLimit: source.args.historyLimit,
      rerun: planned.plan,
    };
    return this.launch(checked.document, args, {
      workflowId: options.workflowId ?? (await nextRerunId(this, workflowId)),
      taskQueue: options.taskQueue ?? source.taskQueue,
    });
  }

  /** Starts a weftDag run of the validated `doc` with `args` (its search attributes added when the server has them). */
  private async launch(
    doc: WeftDocument,
    input: Omit<WeftDagInput, 'searchAttributes'>,
    options: Pick<StartOptions, 'workflowId' | 'taskQueue' | 'onceOnly'> & { startDelay?: number },
  ): Promise<WeftRun> {
    const missing = await this.missingSearchAttributes();
    const consoleUrl = this.config.consoleUrl;
    const args: WeftDagInput = {
      ...input,
      searchAttributes: missing.length === 0,
      ...(consoleUrl ? { consoleUrl } : {}),
    };
    await this.checkPayloadSize(args);
    const workflowId = options.workflowId ?? defaultWorkflowId(doc.name);
    const rerunOf = args.rerun?.of;
    try {
      const handle = await this.temporal.workflow.start(DAG_WORKFLOW_TYPE, {
        args: [args],
        taskQueue: options.taskQueue ?? this.config.taskQueue,
        workflowId,
        staticSummary:
          `${doc.name}${doc.description ? ` — ${doc.description.split('\n')[0]}` : ''}` +
          (rerunOf ? ` (rerun of ${rerunOf})` : ''),
        staticDetails:
          (consoleUrl ? `[Open in Weft's console](${consolePageUrl(consoleUrl, workflowId)})\n\n` : '') +
          describeDocument(doc),
        ...(options.startDelay !== undefined ? { startDelay: options.startDelay } : {}),
        ...(options.onceOnly ? { workflowIdReusePolicy: 'REJECT_DUPLICATE' as const } : {}),
        ...(missing.length === 0
          ? {
              typedSearchAttributes: [
                { key: WeftDagKey, value: doc.name },
                { key: WeftStatusKey, value: 'RUNNING' },
                ...(rerunOf ? [{ key: WeftRerunOfKey, value: rerunOf }] : []),
              ],
            }
          : {}),
      });
      return new WeftRun(this, handle, handle.firstExecutionRunId);
    } catch (err) {
      if (err instanceof WorkflowExecutionAlreadyStartedError) {
        throw new WeftConflictError(
          options.onceOnly
            ? `A run with workflow id "${workflowId}" was already started.`
            : `A run with workflow id "${workflowId}" is already running; choose another --id or wait for it to end.`,
          { cause: err },
        );
      }
      throw explainError(err, this.config) ?? err;
    }
  }

  /**
   * Refuses, before sending, a start whose input payload Temporal would refuse: the document and the
   * input travel together in the run's one input payload, measured as the data converter encodes it
   * (so with encryption's overhead when a codec is set).
   */
  private async checkPayloadSize(args: WeftDagInput): Promise<void> {
    const converter = this.temporal.options.loadedDataConverter;
    const encrypted = converter.payloadCodecs.length > 0;
    // Small enough whatever the encoding (a UTF-16 unit is at most 3 UTF-8 bytes): skip encoding twice.
    if (!encrypted && JSON.stringify(args).length * 3 + 1024 < PAYLOAD_LIMIT_BYTES) return;
    const payloads = (await encodeToPayloads(converter, args)) ?? [];
    const bytes = payloads.reduce((sum, p) => sum + payloadBytes(p), 0);
    if (bytes <= PAYLOAD_LIMIT_BYTES) return;
    const input = Buffer.byteLength(JSON.stringify(args.input ?? null));
    const document = Buffer.byteLength(JSON.stringify(args.document));
    throw new WeftPayloadTooLargeError(
      `The run's input and document are ${formatBytes(bytes)}${encrypted ? ' encoded' : ''} ` +
        `(input ${formatBytes(input)}, document ${formatBytes(document)}), and they travel in one payload; Temporal accepts ` +
        'at most 2 MB per payload: pass large data by reference (a URL or object key) instead.',
      bytes,
      PAYLOAD_LIMIT_BYTES,
    );
  }

  /** Starts a run and waits for its result. */
  async run(document: unknown, options: StartOptions = {}): Promise<WeftRunResult> {
    return (await this.start(document, options)).result();
  }

  /** Recent DAG runs, newest first: by DAG, by status, or waiting for a person (src/client/run-list.ts). */
  async listRuns(filter: RunFilter = {}): Promise<RunSummary[]> {
    const missing = await this.missingSearchAttributes();
    return listRuns(this.temporal, filter, missing.length === 0);
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
    return this.searchAttributesMissing();
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

  /** The run's page in Weft's console, when the client knows the console (`consoleUrl`, WEFT_CONSOLE_URL). */
  get consoleUrl(): string | undefined {
    const base = this.weft.config.consoleUrl;
    return base ? consolePageUrl(base, this.handle.workflowId) : undefined;
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
      if (err instanceof WorkflowNotFoundError) throw unknownRun(this.workflowId, this.weft.config.namespace, err);
      if (err instanceof WorkflowFailedError) {
        const cause = err.cause;
        if (cause instanceof ApplicationFailure && cause.type === FAILURE_TYPES.invalidDocument) {
          const issues = (cause.details?.[0] as { issues?: WeftValidationError['issues'] })?.issues;
          throw issues
            ? new WeftValidationError(issues, undefined, { cause: err })
            : new WeftUsageError(cause.message, { cause: err });
        }
        const { runId } = await this.handle.describe();
        if (cause instanceof CancelledFailure) {
          // Temporal's cancel command carries no details, so the closed run's own query tells its nodes.
          const view = await this.closedState();
          if (view)
            return {
              ...view,
              output: null,
              error: { message: 'the run was cancelled', type: FAILURE_TYPES.cancelled },
            };
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
      throw explainError(err, this.weft.config) ?? err;
    }
  }

  /** The `state` query of a closed run (a worker replays it); undefined when no worker answers in time. */
  private async closedState(): Promise<WeftRunView | undefined> {
    try {
      return (await this.weft.temporal.withDeadline(Date.now() + 10_000, () =>
        this.handle.query('state'),
      )) as WeftRunView;
    } catch {
      return undefined;
    }
  }

  /** The node table now: from the `state` query while the run is open, from its result once closed. */
  async state(): Promise<WeftRunView> {
    try {
      const description = await this.describeDagRun();
      const startsAt = description.executionTime;
      if (description.status.name === 'RUNNING' && startsAt && startsAt.getTime() > Date.now()) {
        const pending = await this.notStartedYet(description.runId, startsAt);
        if (pending) return pending;
      }
      if (description.status.name === 'RUNNING') {
        try {
          return (await this.handle.query('state')) as WeftRunView;
        } catch (err) {
          throw (await this.unanswered(err, description.runId, description.taskQueue)) ?? err;
        }
      }
      const result = await this.result();
      return {
        workflowId: result.workflowId,
        runId: result.runId,
        dag: result.dag,
        status: result.status,
        nodes: result.nodes,
        compensation: result.compensation,
        ...(result.rerunOf ? { rerunOf: result.rerunOf } : {}),
        ...(result.onExit ? { onExit: result.onExit } : {}),
      };
    } catch (err) {
      throw explainError(err, this.weft.config) ?? err;
    }
  }

  /** A run whose start was delayed and has not come yet: no worker has seen it, so its nodes are all PENDING. */
  private async notStartedYet(runId: string, startsAt: Date): Promise<WeftRunView | undefined> {
    const args = await readStartArgs(this.weft.temporal, this.weft.config.namespace, this.workflowId, runId);
    const checked = args && validateDocument(args.document);
    if (!checked?.ok) return undefined;
    const nodes = Object.fromEntries(
      checked.document.nodes.map((node) => [
        node.id,
        { status: 'PENDING' as const, attempts: 0, startedAt: null, endedAt: null, output: null, error: null },
      ]),
    );
    return {
      workflowId: this.workflowId,
      runId,
      dag: checked.document.name,
      status: 'RUNNING',
      nodes,
      startsAt: startsAt.toISOString(),
    };
  }

  /**
   * Why an open run did not answer a query or an update, when that is something a person can act on: its
   * workflow task keeps failing (the run is stuck), or no worker polls its task queue.
   */
  private async unanswered(err: unknown, runId: string, taskQueue: string): Promise<Error | undefined> {
    const code = grpcStatusOf(err)?.code;
    const { namespace } = this.weft.config;
    const service = this.weft.temporal.workflowService;
    const terminate = `\`temporal workflow terminate --workflow-id ${this.workflowId}${namespace === 'default' ? '' : ` --namespace ${namespace}`}\``;
    if (code === GRPC_STATUS.FAILED_PRECONDITION) {
      const { history } = await service
        .getWorkflowExecutionHistoryReverse({
          namespace,
          execution: { workflowId: this.workflowId, runId },
          maximumPageSize: 20,
        })
        .catch(() => ({ history: undefined }));
      const last = history?.events?.find(
        (e) => e.workflowTaskFailedEventAttributes || e.workflowTaskCompletedEventAttributes,
      );
      const failed = last?.workflowTaskFailedEventAttributes;
      if (!failed) return undefined;
      const why = failed.failure?.message ?? 'no reason given';
      if (failed.cause === WORKFLOW_TASK_FAILED_CAUSE_GRPC_MESSAGE_TOO_LARGE) {
        return new WeftPayloadTooLargeError(
          `The run "${this.workflowId}" is stuck: the nodes it starts together carry more data than the 4 MB Temporal ` +
            `accepts in one message (${why}); pass large data by reference (a URL or object key), and end this run with ${terminate}.`,
          undefined,
          undefined,
          { cause: err },
        );
      }
      return new WeftSetupError(
        `The run "${this.workflowId}" is stuck: its workflow task keeps failing (${why}), so it cannot report its nodes; ` +
          `the worker's log says more: fix the worker or the document, or end the run with ${terminate}.`,
        { cause: err },
      );
    }
    if (code === GRPC_STATUS.DEADLINE_EXCEEDED) {
      const queue = await service
        .describeTaskQueue({
          namespace,
          taskQueue: { name: taskQueue, kind: TASK_QUEUE_KIND_NORMAL },
          taskQueueType: TASK_QUEUE_TYPE_WORKFLOW,
        })
        .catch(() => undefined);
      if (queue && !queue.pollers?.length) {
        return new WeftSetupError(
          `No worker polls task queue "${taskQueue}" in namespace "${namespace}", so the run "${this.workflowId}" cannot answer; ` +
            `start one with \`weft worker --task-queue ${taskQueue}\`.`,
          { cause: err },
        );
      }
      return new WeftSetupError(
        `The workers on task queue "${taskQueue}" did not answer the run "${this.workflowId}" in time; check that they are ` +
          'running (their logs say why not), then try again.',
        { cause: err },
      );
    }
    return undefined;
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
    const { runId, taskQueue } = await this.ensureOpen(update);
    await this.ensureReadable(runId);
    try {
      return await sendUpdate(this.handle, update, input);
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) await this.ensureOpen(update);
      throw (await this.unanswered(err, runId, taskQueue)) ?? explainError(err, this.weft.config) ?? err;
    }
  }

  /**
   * The document the run executes, from its latest run's input (a hand-over carries the document along);
   * `graphOfDocument` draws it.
   */
  async document(): Promise<WeftDocument> {
    const { runId } = await this.describeDagRun();
    const args = await readStartArgs(this.weft.temporal, this.weft.config.namespace, this.workflowId, runId);
    if (!args) throw new WeftUsageError(`"${this.workflowId}" was not started with a Weft document.`);
    const checked = validateDocument(args.document);
    if (!checked.ok) throw new WeftValidationError(checked.issues);
    return checked.document;
  }

  /** What one node was given (its latest attempt's input), read from the run's history. */
  async nodeInput(nodeId: string): Promise<NodeInput> {
    const { runId } = await this.describeDagRun();
    return readNodeInput(
      this.weft.temporal,
      this.weft.config.namespace,
      { workflowId: this.workflowId, runId },
      nodeId,
    );
  }

  /** The run's description; unknown runs and workflows that are not DAG runs are refused with a sentence. */
  async describeDagRun() {
    let description;
    try {
      description = await this.handle.describe();
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) throw unknownRun(this.workflowId, this.weft.config.namespace, err);
      throw err;
    }
    if (description.type !== DAG_WORKFLOW_TYPE) {
      throw new WeftUsageError(`"${this.workflowId}" is a ${description.type} workflow, not a Weft DAG run.`);
    }
    return description;
  }

  /** Refuses actions on unknown, finished or non-Weft runs with a sentence. */
  private async ensureOpen(action: string) {
    const description = await this.describeDagRun();
    if (description.status.name !== 'RUNNING') {
      throw new WeftConflictError(
        `The run "${this.workflowId}" has already ended (${CLOSED_STATUS[description.status.name] ?? description.status.name}); it takes no ${action}.`,
      );
    }
    return description;
  }

  /**
   * Refuses, before anything is sent, to act on a run whose payloads this client cannot read: its answer
   * could not be read, and an update encrypted with another key would fail the run's workflow tasks
   * (the run stalls until an update it can read arrives). The run's own input is the test.
   */
  private async ensureReadable(runId: string): Promise<void> {
    try {
      await readStartArgs(this.weft.temporal, this.weft.config.namespace, this.workflowId, runId);
    } catch (err) {
      if (err instanceof WeftSetupError || err instanceof WeftUsageError) throw err; // e.g. the codec's wrong-key sentence
      const explained = explainError(err, this.weft.config);
      if (explained) throw explained;
      // Anything else (e.g. history not readable with these credentials) is left to the action itself.
    }
  }
}

/** temporal.api.enums.v1 values this file reads. */
const WORKFLOW_TASK_FAILED_CAUSE_GRPC_MESSAGE_TOO_LARGE = 36;
const TASK_QUEUE_KIND_NORMAL = 1;
const TASK_QUEUE_TYPE_WORKFLOW = 1;

/** A one-off run's delay in milliseconds, from `startDelay` or `startAt`; undefined to start at once. */
function startDelayOf(options: StartOptions): number | undefined {
  if (options.startDelay !== undefined && options.startAt !== undefined)
    throw new WeftUsageError('Give a start delay or a start time, not both.');
  if (options.startDelay !== undefined) {
    const delay = parseDuration(options.startDelay);
    if (!delay.ok) throw new WeftUsageError(`The start delay: ${delay.reason}.`);
    return delay.ms;
  }
  if (options.startAt === undefined) return undefined;
  const at = options.startAt instanceof Date ? options.startAt : new Date(options.startAt);
  if (Number.isNaN(at.getTime()))
    throw new WeftUsageError(
      `The start time ${JSON.stringify(String(options.startAt))} is not a time; write it as ISO 8601, e.g. 2026-12-24T18:00:00Z.`,
    );
  const delay = at.getTime() - Date.now();
  if (delay <= 0) throw new WeftUsageError(`The start time ${at.toISOString()} has passed; give a time in the future.`);
  return delay;
}

/** A payload's size as Temporal measures it: its data and its metadata. */
function payloadBytes(payload: Payload): number {
  let bytes = payload.data?.length ?? 0;
  for (const [key, value] of Object.entries(payload.metadata ?? {})) bytes += key.length + (value?.length ?? 0);
  return bytes;
}

function unknownRun(workflowId: string, namespace: string, cause: WorkflowNotFoundError): WeftUsageError {
  return new WeftNotFoundError(`No run with workflow id "${workflowId}" in namespace "${namespace}".`, { cause });
}

/** A failed or cancelled DAG carries its result object in the failure's details. */
export function resultFromFailure(err: unknown): WeftRunResult | undefined {
  const cause = err instanceof WorkflowFailedError ? err.cause : undefined;
  const details = cause instanceof ApplicationFailure || cause instanceof CancelledFailure ? cause.details : undefined;
  return asRunResult(details?.[0]);
}

export function defaultWorkflowId(name: string, at: Date = new Date()): string {
  const stamp = at
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
  return `${name}-${stamp}-${randomBytes(3).toString('hex')}`;
}

/** The run's static details in the Web UI: what the DAG is, in markdown. */
function describeDocument(doc: WeftDocument): string {
  const lines = [doc.description ?? '', '', `**${doc.nodes.length} nodes**`, ''];
  for (const node of doc.nodes) {
    const what =
      node.type === 'activity'
        ? node.activity
        : node.type === 'workflow'
          ? `workflow ${node.workflow}`
          : node.type === 'dag'
            ? `sub-DAG of ${node.dag.nodes.length} nodes`
            : node.type;
    const deps = node.dependsOn.length ? ` ← ${node.dependsOn.join(', ')}` : '';
    lines.push(`- \`${node.id}\` (${what})${deps}`);
  }
  return lines.join('\n').trim();
}
