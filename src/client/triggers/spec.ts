/**
 * A trigger as the user gives it (CLI flags or the client API), validated into one shape for the three
 * kinds. Every problem is reported as a sentence (WeftUsageError, exit 2) before anything is created.
 */
import { parseDuration } from '../../dsl/duration';
import { WeftUsageError } from '../../errors';
import type { FixedDelayInput } from '../../protocol/fixed-delay';
import { checkTimezone, normalizeCron, previewCron, type NormalizedCron } from './cron';

export const OVERLAP_POLICIES = [
  'skip',
  'buffer-one',
  'buffer-all',
  'cancel-other',
  'terminate-other',
  'allow-all',
] as const;
export type OverlapPolicy = (typeof OVERLAP_POLICIES)[number];

/** What fixed-delay honours: only one run at a time exists by construction; see docs/triggers.md. */
export type FixedDelayOverlap = FixedDelayInput['overlap'];
export const FIXED_DELAY_OVERLAP: readonly FixedDelayOverlap[] = ['skip', 'buffer-one'];

function isFixedDelayOverlap(policy: OverlapPolicy): policy is FixedDelayOverlap {
  return (FIXED_DELAY_OVERLAP as readonly OverlapPolicy[]).includes(policy);
}

export type TriggerTiming =
  | { cron: string; timezone?: string }
  | { every: string | number; offset?: string | number }
  | { fixedDelay: string | number }
  | { webhook: true; secret?: string };

export interface TriggerPolicies {
  /** What happens when a run is due while the previous one still runs. Default "skip" (xxl-job's serial execution discards). */
  overlap?: OverlapPolicy;
  /** How far back missed fire times are still run after an outage (cron, every). Default 1 minute. */
  catchupWindow?: string | number;
  /** Random delay up to this much added to each fire time, to spread load. */
  jitter?: string | number;
  /** No run before / after these times (ISO 8601). */
  startAt?: string | Date;
  endAt?: string | Date;
  /** Create it paused. */
  paused?: boolean;
  /** Why it is paused, shown by describe and the Web UI. */
  note?: string;
}

/** What every kind of trigger has. */
interface TriggerCommon {
  overlap: OverlapPolicy;
  jitterMs?: number;
  startAt?: Date;
  endAt?: Date;
  paused: boolean;
  note?: string;
  /** A one-line description: "cron 0 2 * * * (Europe/Paris)", "every 2s", "2s after each run ends". */
  describe: string;
}

export interface CronTrigger extends TriggerCommon {
  kind: 'cron';
  cron: NormalizedCron & { expression: string };
  timezone?: string;
  catchupWindowMs?: number;
}

/** Fixed rate (`every`): fire times are offset + k * every since the Unix epoch. */
export interface FixedRateTrigger extends TriggerCommon {
  kind: 'every';
  everyMs: number;
  offsetMs?: number;
  catchupWindowMs?: number;
}

export interface FixedDelayTrigger extends TriggerCommon {
  kind: 'fixed-delay';
  delayMs: number;
  overlap: FixedDelayOverlap;
}

/** An event trigger: `POST /hooks/<id>` on `weft serve` starts a run; with a secret, signed requests only. */
export interface WebhookTrigger extends TriggerCommon {
  kind: 'webhook';
  secret?: string;
}

/** A validated trigger, one shape per kind: each carries exactly the fields its kind has. */
export type ResolvedTrigger = CronTrigger | FixedRateTrigger | FixedDelayTrigger | WebhookTrigger;
/** "cron", "every" (fixed rate) or "fixed-delay"; kept in Schedules' memos, so renaming one breaks existing triggers. */
export type TriggerKind = ResolvedTrigger['kind'];
/** The kinds that are Temporal Schedules (fixed-delay is a driver workflow; a webhook is a Schedule without a spec). */
export type ScheduledTrigger = CronTrigger | FixedRateTrigger | WebhookTrigger;

function duration(value: string | number, what: string, allowZero = false): number {
  if (allowZero && (value === 0 || value === '0' || value === '0s')) return 0;
  const parsed = parseDuration(value);
  if (!parsed.ok) throw new WeftUsageError(`${what}: ${parsed.reason}.`);
  return parsed.ms;
}

function optionalDuration(value: string | number | undefined, what: string, allowZero = false): number | undefined {
  return value === undefined ? undefined : duration(value, what, allowZero);
}

function instant(value: string | Date | undefined, what: string): Date | undefined {
  if (value === undefined) return undefined;
  const date = value instanceof Date ? value : new Date(value);
  if (Number.isNaN(date.getTime()))
    throw new WeftUsageError(`${what} "${String(value)}" is not a time; use ISO 8601, e.g. 2026-11-21T09:00:00Z.`);
  return date;
}

export function formatMs(ms: number): string {
  const units: Array<[number, string]> = [
    [86_400_000, 'd'],
    [3_600_000, 'h'],
    [60_000, 'm'],
    [1000, 's'],
  ];
  for (const [size, unit] of units) if (ms % size === 0 && ms >= size) return `${ms / size}${unit}`;
  return `${ms}ms`;
}

export function resolveTrigger(timing: TriggerTiming, policies: TriggerPolicies = {}): ResolvedTrigger {
  const given = ['cron' in timing, 'every' in timing, 'fixedDelay' in timing, 'webhook' in timing].filter(
    Boolean,
  ).length;
  if (given !== 1) throw new WeftUsageError('Give exactly one of --cron, --every, --fixed-delay or --webhook.');
  const overlap = policies.overlap ?? 'skip';
  if (!OVERLAP_POLICIES.includes(overlap)) {
    throw new WeftUsageError(`--overlap "${overlap}" is not a policy; use one of ${OVERLAP_POLICIES.join(', ')}.`);
  }
  const base = {
    overlap,
    jitterMs: optionalDuration(policies.jitter, '--jitter'),
    startAt: instant(policies.startAt, '--start-at'),
    endAt: instant(policies.endAt, '--end-at'),
    paused: policies.paused ?? false,
    note: policies.note,
  };
  if (base.startAt && base.endAt && base.endAt <= base.startAt)
    throw new WeftUsageError('--end-at must be after --start-at.');
  if ('webhook' in timing) {
    const { secret } = timing;
    if (secret !== undefined && secret.length < 16)
      throw new WeftUsageError('--secret must be at least 16 characters: senders sign each request with it.');
    return { kind: 'webhook', ...base, ...(secret ? { secret } : {}), describe: `webhook${secret ? ' (signed)' : ''}` };
  }

  if ('cron' in timing) {
    const checked = normalizeCron(timing.cron);
    if (!checked.ok) throw new WeftUsageError(`--cron "${timing.cron}": ${checked.reason}.`);
    if (timing.timezone !== undefined) {
      const problem = checkTimezone(timing.timezone);
      if (problem) throw new WeftUsageError(`--timezone ${problem}.`);
    }
    return {
      kind: 'cron',
      ...base,
      cron: { ...checked.cron, expression: timing.cron },
      timezone: timing.timezone,
      catchupWindowMs: optionalDuration(policies.catchupWindow, '--catchup-window'),
      describe: `cron ${timing.cron} (${timing.timezone ?? 'UTC'})`,
    };
  }
  if ('every' in timing) {
    const everyMs = duration(timing.every, '--every');
    const offsetMs = optionalDuration(timing.offset, '--offset', true);
    if (offsetMs !== undefined && offsetMs >= everyMs)
      throw new WeftUsageError(`--offset (${formatMs(offsetMs)}) must be shorter than --every (${formatMs(everyMs)}).`);
    if (everyMs < 1000)
      throw new WeftUsageError(
        `--every ${formatMs(everyMs)} is too short; Temporal schedules fire at most once a second.`,
      );
    return {
      kind: 'every',
      ...base,
      everyMs,
      offsetMs,
      catchupWindowMs: optionalDuration(policies.catchupWindow, '--catchup-window'),
      describe: `every ${formatMs(everyMs)}${offsetMs ? ` offset ${formatMs(offsetMs)}` : ''}`,
    };
  }
  const delayMs = duration(timing.fixedDelay, '--fixed-delay');
  if (!isFixedDelayOverlap(overlap)) {
    throw new WeftUsageError(
      `--overlap ${overlap} does not apply to --fixed-delay: its runs never overlap (the next starts ${formatMs(delayMs)} after the previous ends). ` +
        'Only a trigger-now during a run can meet one: skip ignores it, buffer-one runs it as soon as the current run ends.',
    );
  }
  if (policies.catchupWindow !== undefined) {
    throw new WeftUsageError(
      '--catchup-window does not apply to --fixed-delay: after an outage it runs once, then keeps its delay.',
    );
  }
  return { kind: 'fixed-delay', ...base, overlap, delayMs, describe: `${formatMs(delayMs)} after each run ends` };
}

/** The next fire times of a cron or fixed-rate trigger after `from`. Fixed-delay has none to tell in advance. */
export function previewTrigger(trigger: ResolvedTrigger, count: number, from: Date = new Date()): Date[] {
  if (trigger.kind === 'cron') return previewCron(trigger.cron, trigger.timezone, count, from);
  if (trigger.kind === 'every') {
    // Temporal's intervals count from the Unix epoch: fire times are offset + k * every.
    const every = trigger.everyMs;
    const offset = trigger.offsetMs ?? 0;
    let next = Math.floor((from.getTime() - offset) / every) * every + offset;
    if (next <= from.getTime()) next += every;
    return Array.from({ length: count }, (_, k) => new Date(next + k * every));
  }
  throw new WeftUsageError(
    'A fixed-delay trigger has no fire times to preview: each run starts a delay after the previous one ends.',
  );
}
