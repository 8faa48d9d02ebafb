/**
 * What Weft keeps with a Temporal Schedule to show it as a trigger, and the note the Web UI shows.
 *
 * Temporal cannot change a Schedule's memo after it is created, but it can change the action, so the
 * action's memo carries the trigger as it is now (kind, timetable, the settings an update merges into) and
 * the Schedule's memo the trigger as it was created (and marks the Schedule as Weft's for listing). Each run
 * started by the Schedule carries the action's memo too, which tells in the Web UI which timetable started it.
 */
import type { ScheduleDescription } from '@temporalio/client';
import type { ResolvedTrigger, TriggerKind, TriggerPolicies, TriggerTiming } from './spec';

/** The user's own values, before defaults, so an update can change one and keep the rest. No secret. */
export interface TriggerSettings {
  timing: TriggerTiming;
  policies: Pick<TriggerPolicies, 'overlap' | 'catchupWindow' | 'jitter'> & { startAt?: string; endAt?: string };
}

export interface TriggerMemo {
  kind: TriggerKind;
  dag: string;
  spec: string;
  /** `weft cron "0 2 * * *" Europe/Paris, DAG etl`: the start of the Schedule's note. */
  summary?: string;
  /** Absent on triggers created before Weft kept them; an update then needs the timetable again. */
  settings?: TriggerSettings;
}

export function triggerMemoOf(d: ScheduleDescription): Partial<TriggerMemo> | undefined {
  const current = d.action.type === 'startWorkflow' ? d.action.memo?.weft : undefined;
  return (current ?? d.memo?.weft) as Partial<TriggerMemo> | undefined;
}

export function settingsOf(timing: TriggerTiming, policies: TriggerPolicies): TriggerSettings {
  const kept = 'webhook' in timing ? { webhook: true as const } : timing;
  const iso = (t: string | Date | undefined) => (t instanceof Date ? t.toISOString() : t);
  return {
    timing: kept,
    policies: {
      overlap: policies.overlap,
      catchupWindow: policies.catchupWindow,
      jitter: policies.jitter,
      startAt: iso(policies.startAt),
      endAt: iso(policies.endAt),
    },
  };
}

/** What the trigger is, in one line, for the Web UI: `weft cron "0 2 * * *" Europe/Paris, DAG etl`. */
export function summaryOf(t: ResolvedTrigger, dag: string): string {
  const what =
    t.kind === 'cron'
      ? `cron "${t.cron.expression}" ${t.timezone ?? 'UTC'}`
      : t.kind === 'fixed-delay'
        ? `fixed delay, ${t.describe}`
        : t.describe;
  return `weft ${what}, DAG ${dag}`;
}

const SEPARATOR = ' — ';

/** The Schedule's note: what it is, then the user's note (why it is paused, say) when there is one. */
export function composeNote(summary: string | undefined, userNote: string | undefined): string | undefined {
  if (!summary) return userNote;
  return userNote ? `${summary}${SEPARATOR}${userNote}` : summary;
}

/** The user's part of a note composeNote wrote; a note written elsewhere (the Web UI, tctl) is all the user's. */
export function userNoteOf(note: string | undefined, summary: string | undefined): string | undefined {
  if (!note) return undefined;
  if (!summary) return note;
  if (note === summary) return undefined;
  return note.startsWith(summary + SEPARATOR) ? note.slice(summary.length + SEPARATOR.length) || undefined : note;
}
