/**
 * `weft schedule update`: a trigger's new settings are its current ones with what the user gave laid over
 * them, so `--timezone Asia/Tokyo` alone keeps the cron expression and every policy. The result goes through
 * resolveTrigger like a new trigger's, so an update is refused for exactly what a create would be.
 */
import { WeftUsageError } from '../../errors';
import type { TriggerPolicies, TriggerTiming } from './spec';
import type { TriggerSettings } from './trigger-memo';

/** The timetable flags of an update; each may be left out. */
export interface TimingChange {
  cron?: string;
  timezone?: string;
  every?: string | number;
  offset?: string | number;
  fixedDelay?: string | number;
  webhook?: boolean;
  secret?: string;
}

export interface TriggerChange extends TriggerPolicies {
  /** A new DAG document (the runs' DAG becomes its name). */
  document?: unknown;
  timing?: TimingChange;
  /** The input of every run, replacing the current one. */
  input?: Record<string, unknown>;
}

/** What an update starts from. */
export interface CurrentTrigger {
  /** Absent on triggers created before Weft kept them. */
  settings?: TriggerSettings;
  secret?: string;
  paused: boolean;
  note?: string;
}

type Kind = 'cron' | 'every' | 'fixedDelay' | 'webhook';
const FLAG: Record<Kind, string> = {
  cron: '--cron',
  every: '--every',
  fixedDelay: '--fixed-delay',
  webhook: '--webhook',
};
const KIND_NAME: Record<Kind, string> = { cron: 'cron', every: 'every', fixedDelay: 'fixed-delay', webhook: 'webhook' };

function kindOf(timing: TriggerTiming | TimingChange): Kind[] {
  const given = (k: Kind) =>
    k === 'webhook'
      ? (timing as TimingChange).webhook === true
      : k in timing && (timing as Record<string, unknown>)[k] !== undefined;
  return (['cron', 'every', 'fixedDelay', 'webhook'] as const).filter(given);
}

export function mergeTiming(id: string, current: CurrentTrigger, change: TimingChange = {}): TriggerTiming {
  const given = kindOf(change);
  if (given.length > 1) throw new WeftUsageError('Give at most one of --cron, --every, --fixed-delay or --webhook.');
  const was = current.settings ? kindOf(current.settings.timing)[0] : undefined;
  const kind = given[0] ?? was;
  if (!kind)
    throw new WeftUsageError(
      `The trigger "${id}" was created by an older Weft that did not keep its timetable; give it again with --cron, --every or --webhook.`,
    );
  if (was && (was === 'fixedDelay') !== (kind === 'fixedDelay'))
    throw new WeftUsageError(
      was === 'fixedDelay'
        ? `The trigger "${id}" is a fixed-delay trigger (a driver workflow, not a Temporal Schedule), so it cannot become a ${KIND_NAME[kind]} trigger in place; delete it and create it again.`
        : `The trigger "${id}" is a ${KIND_NAME[was]} trigger (a Temporal Schedule) and a fixed-delay trigger is a driver workflow, so it cannot change in place; delete it and create it again with --fixed-delay.`,
    );
  const goesWith = (flag: string, value: unknown, with_: Kind) => {
    if (value !== undefined && kind !== with_)
      throw new WeftUsageError(`${flag} goes with ${FLAG[with_]}; "${id}" is a ${KIND_NAME[kind]} trigger.`);
  };
  goesWith('--timezone', change.timezone, 'cron');
  goesWith('--offset', change.offset, 'every');
  goesWith('--secret', change.secret, 'webhook');
  const same = kind === was;
  const before = (same ? current.settings?.timing : {}) as Partial<Record<string, string | number>>;
  switch (kind) {
    case 'cron':
      return {
        cron: change.cron ?? String(before.cron),
        timezone: change.timezone ?? (before.timezone as string | undefined),
      };
    case 'every':
      return { every: change.every ?? before.every!, offset: change.offset ?? before.offset };
    case 'fixedDelay':
      return { fixedDelay: change.fixedDelay ?? before.fixedDelay! };
    case 'webhook': {
      const secret = change.secret ?? (same ? current.secret : undefined);
      return { webhook: true, ...(secret ? { secret } : {}) };
    }
  }
}

/** The policies after the change: each one given replaces the current one; paused and the note stay unless given. */
export function mergePolicies(current: CurrentTrigger, change: TriggerPolicies): TriggerPolicies {
  const before = current.settings?.policies ?? {};
  return {
    overlap: change.overlap ?? before.overlap,
    catchupWindow: change.catchupWindow ?? before.catchupWindow,
    jitter: change.jitter ?? before.jitter,
    startAt: change.startAt ?? before.startAt,
    endAt: change.endAt ?? before.endAt,
    paused: change.paused ?? current.paused,
    note: change.note ?? current.note,
  };
}
