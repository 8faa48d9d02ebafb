/**
 * Triggers of all three kinds behind one interface. Cron and fixed-rate are Temporal Schedules;
 * fixed-delay is a `weftFixedDelay` driver workflow (Temporal Schedules have no fixed delay). Callers
 * never need to know which: create, list, describe, pause, unpause, trigger, delete work alike, and
 * backfill where it means something (cron and fixed-rate).
 *
 *   const triggers = weft.schedules;
 *   await triggers.create(document, { cron: '0 2 * * *', timezone: 'Europe/Paris' }, { id: 'nightly-etl' });
 *   await triggers.trigger('nightly-etl');     // one run now, under the trigger's own overlap policy
 */
import {
  type Client,
  ScheduleAlreadyRunning,
  ScheduleNotFoundError,
  ScheduleOverlapPolicy,
  WorkflowExecutionAlreadyStartedError,
  WorkflowNotFoundError,
  type ScheduleDescription,
  type ScheduleHandle,
  type WorkflowHandle,
} from '@temporalio/client';
import { WeftValidationError } from '../../dsl/issues';
import {
  DAG_WORKFLOW_TYPE,
  FIXED_DELAY_WORKFLOW_TYPE,
  TRIGGER_DESCRIBE_QUERY,
  TRIGGER_UPDATES,
} from '../../protocol/names';
import { validateDocument } from '../../dsl/validate';
import { WeftConflictError, WeftNotFoundError, WeftUsageError } from '../../errors';
import type { WeftDagInput } from '../../protocol/dag';
import type { FixedDelayChange, FixedDelayInput, FixedDelayView } from '../../protocol/fixed-delay';
import { WeftDagKey, WeftStatusKey, WeftTriggerKey } from '../../protocol/search-attributes';
import { missingSearchAttributesOnce } from '../search-attributes';
import { sendUpdate } from '../updates';
import { deliver, webhookTarget, type WebhookTarget } from './webhooks';
import { mergePolicies, mergeTiming, type CurrentTrigger, type TriggerChange } from './trigger-change';
import {
  composeNote,
  settingsOf,
  summaryOf,
  triggerMemoOf,
  userNoteOf,
  type TriggerMemo,
  type TriggerSettings,
} from './trigger-memo';
import {
  formatMs,
  OVERLAP_POLICIES,
  resolveTrigger,
  type FixedDelayTrigger,
  type OverlapPolicy,
  type ScheduledTrigger,
  type TriggerKind,
  type TriggerPolicies,
  type TriggerTiming,
} from './spec';

export type { TriggerChange, TimingChange } from './trigger-change';

export interface CreateTriggerOptions extends TriggerPolicies {
  /** The trigger's id; default the document's name. Runs get workflow ids `<id>-<fire time>`. */
  id?: string;
  /** Input of every run, merged over the document's `input`. Expressions can also read `run.scheduledAt`. */
  input?: Record<string, unknown>;
}

export interface TriggerRun {
  workflowId: string;
  /** The time the run was due (its logical date). */
  scheduledAt: string;
  startedAt: string;
  status?: string;
}

export interface TriggerView {
  id: string;
  kind: TriggerKind;
  dag: string;
  /** "cron 0 2 * * * (Europe/Paris)", "every 2s", "2s after each run ends". */
  spec: string;
  paused: boolean;
  note?: string;
  overlap: OverlapPolicy;
  /** The time zone its times are shown in: a cron trigger's own, else UTC. */
  timezone: string;
  /** The next fire times (fixed-delay: the next one, once the current run ended); none while paused. */
  nextRunTimes: string[];
  recentRuns: TriggerRun[];
  runningRuns: string[];
  /** Runs started so far, and fires skipped because a run was in progress. */
  runs: number;
  skippedOverlap: number;
}

const TO_TEMPORAL_OVERLAP: Record<OverlapPolicy, ScheduleOverlapPolicy> = {
  skip: ScheduleOverlapPolicy.SKIP,
  'buffer-one': ScheduleOverlapPolicy.BUFFER_ONE,
  'buffer-all': ScheduleOverlapPolicy.BUFFER_ALL,
  'cancel-other': ScheduleOverlapPolicy.CANCEL_OTHER,
  'terminate-other': ScheduleOverlapPolicy.TERMINATE_OTHER,
  'allow-all': ScheduleOverlapPolicy.ALLOW_ALL,
};
const FROM_TEMPORAL_OVERLAP = Object.fromEntries(Object.entries(TO_TEMPORAL_OVERLAP).map(([k, v]) => [v, k])) as Record<
  string,
  OverlapPolicy
>;

/** After an outage, fire times missed by more than this are not made up (xxl-job's "do nothing" misfire). */
export const DEFAULT_CATCHUP_WINDOW_MS = 60_000;

type Located =
  | { kind: 'schedule'; handle: ScheduleHandle; description: ScheduleDescription }
  | { kind: 'driver'; handle: WorkflowHandle };

/**
 * What triggers need, given by the WeftClient that owns them (`weft.schedules`); this module knows nothing
 * of the client itself.
 */
export interface WeftSchedulesOptions {
  temporal: Client;
  namespace: string;
  /** The task queue of the runs the triggers start (and of the fixed-delay drivers). */
  taskQueue: string;
  /**
   * Weft's search attributes the server lacks; runs set them only when none is missing. Default: asked of the
   * server once. The client passes its own check, so client and triggers ask once between them.
   */
  missingSearchAttributes?: () => Promise<string[]>;
  /** Weft's console, read when a trigger is created: its runs' details in the Temporal Web UI link there. */
  consoleUrl?: () => string | undefined;
}

export class WeftSchedules {
  private readonly temporal: Client;
  private readonly namespace: string;
  private readonly taskQueue: string;
  private readonly missingSearchAttributes: () => Promise<string[]>;
  private readonly consoleUrl: () => string | undefined;

  constructor(options: WeftSchedulesOptions) {
    this.temporal = options.temporal;
    this.namespace = options.namespace;
    this.taskQueue = options.taskQueue;
    this.consoleUrl = options.consoleUrl ?? (() => undefined);
    this.missingSearchAttributes =
      options.missingSearchAttributes ?? missingSearchAttributesOnce(options.temporal, options.namespace);
  }

  /** Validates the document and the trigger, then creates it. Throws WeftUsageError / WeftValidationError. */
  async create(document: unknown, timing: TriggerTiming, options: CreateTriggerOptions = {}): Promise<TriggerView> {
    const checked = validateDocument(document);
    if (!checked.ok) throw new WeftValidationError(checked.issues);
    const trigger = resolveTrigger(timing, options);
    const dag = checked.document.name;
    const id = options.id ?? dag;
    if (!/^[A-Za-z0-9._-]{1,200}$/.test(id))
      throw new WeftUsageError(`The trigger id "${id}" may hold only letters, digits, ".", "_" and "-".`);
    if (await this.exists(id)) throw new WeftConflictError(alreadyExists(id));
    const searchAttributes = (await this.missingSearchAttributes()).length === 0;
    if (trigger.kind === 'fixed-delay')
      await this.startDriver(id, dag, document, trigger, options.input, searchAttributes);
    else {
      const settings = settingsOf(timing, options);
      await this.createSchedule(id, dag, document, trigger, settings, options.input, searchAttributes);
    }
    return this.describe(id);
  }

  /**
   * Changes a trigger in place: what `change` gives replaces the current value, the rest stays, paused
   * included. A Schedule keeps its id, its recent runs and its counts; a fixed-delay driver takes the new
   * settings from its next run on (the run in progress finishes as it began). Switching between a Schedule
   * kind and fixed-delay is refused: they are different things in Temporal.
   */
  async update(id: string, change: TriggerChange): Promise<TriggerView> {
    let dag: string | undefined;
    if (change.document !== undefined) {
      const checked = validateDocument(change.document);
      if (!checked.ok) throw new WeftValidationError(checked.issues);
      dag = checked.document.name;
    }
    const found = await this.locate(id);
    if (found.kind === 'driver') {
      const view = (await found.handle.query(TRIGGER_DESCRIBE_QUERY)) as FixedDelayView;
      const current: CurrentTrigger = {
        settings: {
          timing: { fixedDelay: view.delayMs },
          policies: { overlap: view.overlap, jitter: view.jitterMs, startAt: view.startAt, endAt: view.endAt },
        },
        paused: view.paused,
        note: view.note,
      };
      const t = resolveTrigger(mergeTiming(id, current, change.timing), mergePolicies(current, change));
      if (t.kind !== 'fixed-delay') throw new Error(`update of "${id}": a driver resolved to ${t.kind}`);
      const settings: FixedDelayChange = {
        ...(dag ? { dag, document: change.document } : {}),
        ...(change.input ? { input: change.input } : {}),
        ...driverTiming(t),
      };
      await sendUpdate(found.handle, TRIGGER_UPDATES.update, settings);
      return this.describe(id);
    }
    const d = found.description;
    if (d.action.type !== 'startWorkflow') throw new WeftUsageError(`The Schedule "${id}" is not a Weft trigger.`);
    const memo = triggerMemoOf(d);
    const [args, extra] = d.action.args as [WeftDagInput, { webhookSecret?: string } | undefined];
    const current: CurrentTrigger = {
      settings: memo?.settings,
      secret: extra?.webhookSecret,
      paused: d.state.paused,
      note: userNoteOf(d.state.note, memo?.summary),
    };
    const timing = mergeTiming(id, current, change.timing);
    const policies = mergePolicies(current, change);
    const t = resolveTrigger(timing, policies);
    if (t.kind === 'fixed-delay') throw new Error(`update of "${id}": a Schedule resolved to fixed-delay`);
    const options = this.scheduleOptions(
      id,
      dag ?? memo?.dag ?? '',
      change.document ?? args.document,
      t,
      settingsOf(timing, policies),
      change.input ?? args.input,
      args.searchAttributes ?? false,
      args.consoleUrl,
    );
    await found.handle.update(() => options);
    return this.describe(id);
  }

  private async createSchedule(
    id: string,
    dag: string,
    document: unknown,
    t: ScheduledTrigger,
    settings: TriggerSettings,
    input: Record<string, unknown> | undefined,
    sa: boolean,
  ) {
    const options = this.scheduleOptions(id, dag, document, t, settings, input, sa, this.consoleUrl());
    try {
      await this.temporal.schedule.create({ scheduleId: id, ...options, memo: { weft: options.action.memo!.weft } });
    } catch (err) {
      if (err instanceof ScheduleAlreadyRunning) throw new WeftConflictError(alreadyExists(id), { cause: err });
      throw err;
    }
  }

  /** A Schedule's spec, action, policies and state, the same for a create and an update. */
  private scheduleOptions(
    id: string,
    dag: string,
    document: unknown,
    t: ScheduledTrigger,
    settings: TriggerSettings,
    input: Record<string, unknown> | undefined,
    sa: boolean,
    consoleUrl: string | undefined,
  ) {
    const args: WeftDagInput = { document, input, searchAttributes: sa, ...(consoleUrl ? { consoleUrl } : {}) };
    const bounds = { jitter: t.jitterMs, startAt: t.startAt, endAt: t.endAt };
    const summary = summaryOf(t, dag);
    const memo: TriggerMemo = { kind: t.kind, dag, spec: t.describe, summary, settings };
    return {
      // A webhook has no timetable: only its hook (or `weft schedule trigger`) starts runs.
      spec:
        t.kind === 'cron'
          ? { cronExpressions: [t.cron.temporal], timezone: t.timezone, ...bounds }
          : t.kind === 'every'
            ? { intervals: [{ every: t.everyMs, offset: t.offsetMs ?? 0 }], ...bounds }
            : {},
      action: {
        type: 'startWorkflow' as const,
        workflowType: DAG_WORKFLOW_TYPE,
        workflowId: id,
        taskQueue: this.taskQueue,
        // A webhook's secret rides in the action's arguments, which go through the data converter (and
        // its encryption when set), not in the memo, which the Web UI shows as it is.
        args: t.kind === 'webhook' && t.secret ? [args, { webhookSecret: t.secret }] : [args],
        memo: { weft: memo },
        staticSummary: `${dag} — trigger ${id}: ${t.describe}`,
        typedSearchAttributes: sa
          ? [
              { key: WeftDagKey, value: dag },
              { key: WeftTriggerKey, value: id },
              { key: WeftStatusKey, value: 'RUNNING' },
            ]
          : undefined,
      },
      policies: {
        overlap: TO_TEMPORAL_OVERLAP[t.overlap],
        catchupWindow: (t.kind === 'webhook' ? undefined : t.catchupWindowMs) ?? DEFAULT_CATCHUP_WINDOW_MS,
      },
      state: { paused: t.paused, note: composeNote(summary, t.note) },
    };
  }

  private async startDriver(
    id: string,
    dag: string,
    document: unknown,
    t: FixedDelayTrigger,
    input: Record<string, unknown> | undefined,
    sa: boolean,
  ) {
    const args: FixedDelayInput = {
      triggerId: id,
      dag,
      document,
      input,
      ...driverTiming(t),
      searchAttributes: sa,
    };
    try {
      await this.temporal.workflow.start(FIXED_DELAY_WORKFLOW_TYPE, {
        workflowId: id,
        taskQueue: this.taskQueue,
        args: [args],
        staticSummary: `Trigger ${id}: ${dag}, ${t.describe} (fixed delay)`,
        staticDetails: `Runs the DAG **${dag}**; each run starts ${formatMs(t.delayMs)} after the previous one ended. Manage it with \`weft schedule describe|update|pause|unpause|trigger|delete ${id}\`.`,
        // Not WeftDag: the driver is a trigger, not a run of its DAG (`WeftDag = "x"` lists runs).
        typedSearchAttributes: sa ? [{ key: WeftTriggerKey, value: id }] : undefined,
      });
    } catch (err) {
      if (err instanceof WorkflowExecutionAlreadyStartedError)
        throw new WeftUsageError(`A workflow "${id}" is already running; choose another --id.`, { cause: err });
      throw err;
    }
  }

  private async exists(id: string): Promise<boolean> {
    try {
      await this.locate(id);
      return true;
    } catch (err) {
      if (err instanceof WeftUsageError) return false;
      throw err;
    }
  }

  private async locate(id: string): Promise<Located> {
    const handle = this.temporal.schedule.getHandle(id);
    try {
      return { kind: 'schedule', handle, description: await handle.describe() };
    } catch (err) {
      if (!(err instanceof ScheduleNotFoundError)) throw err;
    }
    const driver = this.temporal.workflow.getHandle(id);
    try {
      const d = await driver.describe();
      if (d.type === FIXED_DELAY_WORKFLOW_TYPE && d.status.name === 'RUNNING')
        return { kind: 'driver', handle: driver };
    } catch (err) {
      if (!(err instanceof WorkflowNotFoundError)) throw err;
    }
    throw new WeftNotFoundError(
      `There is no trigger "${id}" in namespace "${this.namespace}"; \`weft schedule list\` shows them.`,
    );
  }

  /** A webhook trigger's document, input, secret and state, for a delivery (src/client/triggers/webhooks.ts). */
  webhook(id: string): Promise<WebhookTarget> {
    return webhookTarget(this.temporal, this.namespace, id);
  }

  /** Starts the run of one delivery to a webhook trigger: `payload` merged over its input. */
  deliver(target: WebhookTarget, payload: Record<string, unknown>, idempotencyKey?: string) {
    return deliver(this.temporal, target, payload, idempotencyKey);
  }

  async describe(id: string): Promise<TriggerView> {
    const found = await this.locate(id);
    if (found.kind === 'driver')
      return viewOfDriver((await found.handle.query(TRIGGER_DESCRIBE_QUERY)) as FixedDelayView);
    return viewOfSchedule(id, found.description);
  }

  /** All triggers of the namespace, both kinds, sorted by id. */
  async list(): Promise<TriggerView[]> {
    const views: TriggerView[] = [];
    for await (const summary of this.temporal.schedule.list()) {
      const memo = summary.memo?.weft as TriggerMemo | undefined;
      if (!memo) continue; // not a Weft trigger
      views.push(await this.describe(summary.scheduleId));
    }
    const query = `WorkflowType = '${FIXED_DELAY_WORKFLOW_TYPE}' AND ExecutionStatus = 'Running'`;
    for await (const wf of this.temporal.workflow.list({ query })) {
      views.push(
        viewOfDriver(
          (await this.temporal.workflow.getHandle(wf.workflowId).query(TRIGGER_DESCRIBE_QUERY)) as FixedDelayView,
        ),
      );
    }
    return views.sort((a, b) => a.id.localeCompare(b.id));
  }

  async pause(id: string, note?: string): Promise<string> {
    const found = await this.locate(id);
    if (found.kind === 'driver') return sendUpdate(found.handle, TRIGGER_UPDATES.pause, { note });
    await found.handle.pause(composeNote(triggerMemoOf(found.description)?.summary, note ?? 'paused with weft'));
    return 'paused';
  }

  async unpause(id: string, note?: string): Promise<string> {
    const found = await this.locate(id);
    if (found.kind === 'driver') return sendUpdate(found.handle, TRIGGER_UPDATES.unpause, { note });
    await found.handle.unpause(composeNote(triggerMemoOf(found.description)?.summary, note ?? 'unpaused with weft'));
    return 'unpaused';
  }

  /** One run now. Schedules get their own overlap policy (Temporal's trigger() would default to allow-all). */
  async trigger(id: string): Promise<string> {
    const found = await this.locate(id);
    if (found.kind === 'driver') return sendUpdate(found.handle, TRIGGER_UPDATES.trigger);
    const overlap = found.description.policies.overlap ?? ScheduleOverlapPolicy.SKIP;
    await found.handle.trigger(overlap);
    return `triggered (overlap ${FROM_TEMPORAL_OVERLAP[overlap]})`;
  }

  async delete(id: string): Promise<string> {
    const found = await this.locate(id);
    if (found.kind === 'driver') return sendUpdate(found.handle, TRIGGER_UPDATES.delete);
    await found.handle.delete();
    return 'deleted; runs in progress go on';
  }

  /**
   * Runs every fire time from `from` (inclusive) to `to` (exclusive), as if the trigger had fired then
   * (cron and fixed-rate): a 10-minute range of a per-minute cron is 10 runs. Default overlap buffer-all:
   * the runs go one after another, in order.
   */
  async backfill(id: string, from: Date, to: Date, overlap: OverlapPolicy = 'buffer-all'): Promise<string> {
    if (Number.isNaN(from.getTime()) || Number.isNaN(to.getTime()))
      throw new WeftUsageError('--from and --to must be times, e.g. 2026-11-20T00:00:00Z.');
    if (to <= from) throw new WeftUsageError('--to must be after --from.');
    if (!OVERLAP_POLICIES.includes(overlap))
      throw new WeftUsageError(`--overlap "${overlap}" is not a policy; use one of ${OVERLAP_POLICIES.join(', ')}.`);
    const found = await this.locate(id);
    if (found.kind === 'driver') {
      throw new WeftUsageError(
        `"${id}" is a fixed-delay trigger: it has no fire times to backfill (each run starts a delay after the previous one ends).`,
      );
    }
    // Temporal's backfill range is inclusive at both ends; Weft's is half-open, like Airflow's data intervals.
    await found.handle.backfill({
      start: from,
      end: new Date(to.getTime() - 1),
      overlap: TO_TEMPORAL_OVERLAP[overlap],
    });
    return `backfilling the fire times from ${from.toISOString()} up to (not including) ${to.toISOString()} (overlap ${overlap})`;
  }
}

function alreadyExists(id: string): string {
  return `A trigger "${id}" already exists; change it with \`weft schedule update ${id}\`, or choose another --id.`;
}

function viewOfSchedule(id: string, d: ScheduleDescription): TriggerView {
  const memo = triggerMemoOf(d) ?? {};
  return {
    id,
    kind: memo.kind ?? (d.spec.intervals?.length ? 'every' : 'cron'),
    dag: memo.dag ?? '',
    spec: memo.spec ?? '',
    paused: d.state.paused,
    note: userNoteOf(d.state.note, memo.summary),
    overlap: FROM_TEMPORAL_OVERLAP[d.policies.overlap ?? ScheduleOverlapPolicy.SKIP] ?? 'skip',
    timezone: d.spec.timezone || 'UTC',
    // Temporal lists the times a paused Schedule would fire at; none of them will happen while it stays paused.
    nextRunTimes: d.state.paused ? [] : d.info.nextActionTimes.map((t) => t.toISOString()),
    recentRuns: d.info.recentActions.map((a) => ({
      workflowId: a.action.workflow.workflowId,
      scheduledAt: a.scheduledAt.toISOString(),
      startedAt: a.takenAt.toISOString(),
    })),
    runningRuns: d.info.runningActions.map((a) => a.workflow.workflowId),
    runs: d.info.numActionsTaken,
    skippedOverlap: d.info.numActionsSkippedOverlap,
  };
}

function viewOfDriver(v: FixedDelayView): TriggerView {
  return {
    id: v.triggerId,
    kind: 'fixed-delay',
    dag: v.dag,
    spec: `${formatMs(v.delayMs)} after each run ends`,
    paused: v.paused,
    note: v.note,
    overlap: v.overlap,
    timezone: 'UTC',
    nextRunTimes: v.nextAt ? [v.nextAt] : [],
    recentRuns: [...v.recent]
      .reverse()
      .map((r) => ({ workflowId: r.workflowId, scheduledAt: r.scheduledAt, startedAt: r.startedAt, status: r.status })),
    runningRuns: v.running ? [v.running.workflowId] : [],
    runs: v.runs,
    skippedOverlap: v.skipped,
  };
}

/** What a fixed-delay driver is told of its timing, at its start and on an update alike. */
function driverTiming(t: FixedDelayTrigger) {
  return {
    delayMs: t.delayMs,
    jitterMs: t.jitterMs,
    startAt: t.startAt?.toISOString(),
    endAt: t.endAt?.toISOString(),
    overlap: t.overlap,
    paused: t.paused,
    note: t.note,
  };
}
