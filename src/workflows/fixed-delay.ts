/**
 * `weftFixedDelay`: a trigger whose next run starts a fixed delay after the previous one ENDS (xxl-job's
 * FIX_DELAY, Spring's fixedDelay). Temporal Schedules count from starts only, so this is a durable loop:
 * run the DAG as a child workflow, wait for it, sleep the delay, repeat; continue-as-new now and then to
 * keep the history short. It answers the same operations as a Schedule (describe, pause, unpause,
 * trigger, delete) through a query and updates.
 *
 * Runs never overlap by construction. Only trigger-now can meet a running run: with overlap "buffer-one"
 * it runs as soon as the current run ends (skipping the delay), with "skip" it is counted and dropped.
 * Deleting ends the loop; a run in progress is left to finish, as Temporal does for a deleted Schedule.
 */
import {
  ApplicationFailure,
  ChildWorkflowCancellationType,
  condition,
  continueAsNew,
  isCancellation,
  ParentClosePolicy,
  setCurrentDetails,
  setHandler,
  startChild,
  workflowInfo,
} from '@temporalio/workflow';
import { DAG_WORKFLOW_TYPE } from '../protocol/names';
import type { WeftDagInput } from '../protocol/dag';
import {
  deleteTriggerUpdate,
  describeQuery,
  pauseTriggerUpdate,
  triggerNowUpdate,
  unpauseTriggerUpdate,
  updateTriggerUpdate,
  type FixedDelayCarried,
  type FixedDelayChange,
  type FixedDelayInput,
  type FixedDelayRun,
  type FixedDelayView,
  type NoteInput,
} from '../protocol/fixed-delay';
import { WeftDagKey, WeftStatusKey, WeftTriggerKey } from '../protocol/search-attributes';
import { FAILURE_TYPES } from '../dsl/failure-types';

/** Runs per workflow run before continue-as-new; each run costs about a dozen events. */
const RUNS_PER_HISTORY = 100;
const RECENT_KEPT = 10;

export async function weftFixedDelay(input: FixedDelayInput): Promise<{ runs: number; deleted: boolean }> {
  const s: FixedDelayCarried = input.carried ?? {
    nextAt: null,
    runs: 0,
    skipped: 0,
    triggerPending: false,
    paused: input.paused,
    note: input.note,
    recent: [],
  };
  let running: FixedDelayRun | null = null;
  let deleted = false;
  let changed = false;
  const wake = () => (changed = true);
  // Read at each use: an update may change them.
  const endAt = () => (input.endAt ? Date.parse(input.endAt) : undefined);
  const firstAt = () => new Date(Math.max(Date.now(), input.startAt ? Date.parse(input.startAt) : 0)).toISOString();
  s.nextAt ??= firstAt();

  const view = (): FixedDelayView => ({
    triggerId: input.triggerId,
    dag: input.dag,
    delayMs: input.delayMs,
    jitterMs: input.jitterMs,
    startAt: input.startAt,
    endAt: input.endAt,
    overlap: input.overlap,
    paused: s.paused,
    note: s.note,
    running,
    nextAt: s.paused || running ? null : s.nextAt,
    runs: s.runs,
    skipped: s.skipped,
    recent: s.recent,
  });
  const publish = () => setCurrentDetails(renderDetails(view()));

  const refuseIfDeleted = (..._args: unknown[]) => {
    if (deleted)
      throw ApplicationFailure.create({
        type: FAILURE_TYPES.actionRefused,
        message: 'the trigger is being deleted',
        nonRetryable: true,
      });
  };
  setHandler(describeQuery, view);
  setHandler(
    pauseTriggerUpdate,
    ({ note }: NoteInput) => {
      s.paused = true;
      s.note = note ?? s.note;
      wake();
      publish();
      return running ? 'paused; the run in progress finishes' : 'paused';
    },
    { validator: refuseIfDeleted },
  );
  setHandler(
    unpauseTriggerUpdate,
    ({ note }: NoteInput) => {
      s.paused = false;
      s.note = note;
      wake();
      publish();
      return 'unpaused';
    },
    { validator: refuseIfDeleted },
  );
  setHandler(
    triggerNowUpdate,
    () => {
      if (running && input.overlap === 'skip') {
        s.skipped += 1;
        publish();
        return `skipped: ${running.workflowId} is still running (overlap skip)`;
      }
      s.triggerPending = true;
      wake();
      return running ? `buffered: runs as soon as ${running.workflowId} ends` : 'triggered: a run starts now';
    },
    { validator: refuseIfDeleted },
  );
  setHandler(
    deleteTriggerUpdate,
    () => {
      deleted = true;
      wake();
      return running ? `deleted; ${running.workflowId} is left to finish` : 'deleted';
    },
    { validator: refuseIfDeleted },
  );

  setHandler(
    updateTriggerUpdate,
    (change: FixedDelayChange) => {
      const moved = change.delayMs !== input.delayMs || change.startAt !== input.startAt;
      // Assigned one by one: JSON drops an undefined jitter or bound, which must clear the old one.
      input.delayMs = change.delayMs;
      input.jitterMs = change.jitterMs;
      input.startAt = change.startAt;
      input.endAt = change.endAt;
      input.overlap = change.overlap;
      if (change.document !== undefined) input.document = change.document;
      if (change.dag !== undefined) input.dag = change.dag;
      if (change.input !== undefined) input.input = change.input;
      s.paused = change.paused;
      s.note = change.note;
      // A run in progress sets the next time when it ends, with the new delay; otherwise it is set again here.
      if (moved && !running) {
        const lastEnd = s.recent[0]?.endedAt;
        s.nextAt = lastEnd ? new Date(Date.parse(lastEnd) + input.delayMs).toISOString() : firstAt();
      }
      wake();
      publish();
      return running
        ? `updated; ${running.workflowId} finishes as it began, the next run has the new settings`
        : 'updated';
    },
    {
      validator: (change: FixedDelayChange) => {
        refuseIfDeleted();
        if (!(change?.delayMs > 0) || !['skip', 'buffer-one'].includes(change.overlap))
          throw ApplicationFailure.create({
            type: FAILURE_TYPES.actionRefused,
            message: 'the update needs a positive delayMs and overlap skip or buffer-one',
            nonRetryable: true,
          });
      },
    },
  );

  for (let fired = 0; !deleted;) {
    publish();
    const now = Date.now();
    const end = endAt();
    if (end !== undefined && now >= end && !s.triggerPending) break;
    const due = s.triggerPending || (!s.paused && now >= Date.parse(s.nextAt!));
    if (!due) {
      changed = false;
      if (s.paused) await condition(() => changed);
      else await condition(() => changed, Math.max(1, Date.parse(s.nextAt!) - now));
      continue;
    }

    const manual = s.triggerPending;
    s.triggerPending = false;
    const started = await startRun(input, manual);
    running = started.run;
    publish();
    let finished = false;
    started.result
      .then(
        () => (running!.status = 'SUCCEEDED'),
        (err: unknown) => (running!.status = isCancellation(err) ? 'CANCELLED' : 'FAILED'),
      )
      .finally(() => {
        finished = true;
        wake();
      });
    await condition(() => finished || deleted);
    if (!finished) break; // deleted: the run is left to finish on its own (ParentClosePolicy ABANDON)

    running.endedAt = new Date().toISOString();
    s.recent = [running, ...s.recent].slice(0, RECENT_KEPT);
    s.runs += 1;
    running = null;
    const jitter = input.jitterMs ? Math.floor(Math.random() * input.jitterMs) : 0; // the sandbox's seeded random
    s.nextAt = new Date(Date.now() + input.delayMs + jitter).toISOString();
    fired += 1;
    if (fired >= RUNS_PER_HISTORY || workflowInfo().continueAsNewSuggested) {
      await continueAsNew<typeof weftFixedDelay>({ ...input, carried: s });
    }
  }
  publish();
  return { runs: s.runs, deleted };
}

async function startRun(
  input: FixedDelayInput,
  manual: boolean,
): Promise<{ run: FixedDelayRun; result: Promise<unknown> }> {
  const scheduledAt = new Date().toISOString();
  const workflowId = `${input.triggerId}-${scheduledAt}`;
  const args: WeftDagInput = {
    document: input.document,
    input: input.input,
    searchAttributes: input.searchAttributes,
    trigger: { id: input.triggerId, scheduledAt },
  };
  const handle = await startChild(DAG_WORKFLOW_TYPE, {
    workflowId,
    args: [args],
    taskQueue: workflowInfo().taskQueue,
    // Like a Schedule's runs, a run outlives its trigger: deleting the trigger does not stop it.
    parentClosePolicy: ParentClosePolicy.ABANDON,
    cancellationType: ChildWorkflowCancellationType.ABANDON,
    staticSummary: `${input.dag} — fixed-delay trigger ${input.triggerId}${manual ? ' (triggered now)' : ''}`,
    typedSearchAttributes: input.searchAttributes
      ? [
          { key: WeftDagKey, value: input.dag },
          { key: WeftTriggerKey, value: input.triggerId },
          { key: WeftStatusKey, value: 'RUNNING' },
        ]
      : undefined,
  });
  const run: FixedDelayRun = {
    workflowId,
    scheduledAt,
    startedAt: scheduledAt,
    status: 'RUNNING',
    ...(manual ? { manual } : {}),
  };
  return { run, result: handle.result() };
}

function renderDetails(v: FixedDelayView): string {
  const lines = [
    `**${v.dag}** — fixed-delay trigger \`${v.triggerId}\`: the next run starts ${v.delayMs / 1000}s after the previous one ends.`,
    '',
    v.paused ? `**Paused**${v.note ? `: ${v.note}` : ''}. Resume with \`weft schedule unpause ${v.triggerId}\`.` : '',
    v.running ? `Running: \`${v.running.workflowId}\`` : v.nextAt ? `Next run at ${v.nextAt}.` : '',
    `${v.runs} runs${v.skipped ? `, ${v.skipped} trigger-now skipped` : ''}.`,
  ].filter(Boolean);
  if (v.recent.length) {
    lines.push('', '| run | status | started | ended |', '| --- | --- | --- | --- |');
    for (const r of v.recent) lines.push(`| ${r.workflowId} | ${r.status} | ${r.startedAt} | ${r.endedAt ?? ''} |`);
  }
  return lines.join('\n');
}
