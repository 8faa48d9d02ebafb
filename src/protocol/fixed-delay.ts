/** The fixed-delay driver's input, query and updates. */
import { defineQuery, defineUpdate } from '@temporalio/workflow';
import { TRIGGER_DESCRIBE_QUERY, TRIGGER_UPDATES } from './names';

export interface FixedDelayRun {
  workflowId: string;
  scheduledAt: string;
  startedAt: string;
  endedAt?: string;
  status: 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'CANCELLED';
  /** Started by trigger-now rather than by the delay. */
  manual?: boolean;
}

/** What survives continue-as-new. */
export interface FixedDelayCarried {
  /** When the next run is due; null before the first. */
  nextAt: string | null;
  runs: number;
  skipped: number;
  triggerPending: boolean;
  paused: boolean;
  note?: string;
  recent: FixedDelayRun[];
}

export interface FixedDelayInput {
  triggerId: string;
  dag: string;
  document: unknown;
  input?: Record<string, unknown>;
  delayMs: number;
  jitterMs?: number;
  startAt?: string;
  endAt?: string;
  overlap: 'skip' | 'buffer-one';
  paused: boolean;
  note?: string;
  searchAttributes: boolean;
  carried?: FixedDelayCarried;
}

export interface FixedDelayView extends Pick<
  FixedDelayInput,
  'triggerId' | 'dag' | 'delayMs' | 'jitterMs' | 'startAt' | 'endAt' | 'overlap'
> {
  paused: boolean;
  note?: string;
  running: FixedDelayRun | null;
  /** When the next run is due, if not paused. */
  nextAt: string | null;
  runs: number;
  skipped: number;
  recent: FixedDelayRun[];
}

/**
 * `weft schedule update` of a driver: its settings as they are to be from the next run on. The client merged
 * them with the current ones, so every timing field is the new value; document, dag and input only when changed.
 */
export type FixedDelayChange = Partial<Pick<FixedDelayInput, 'dag' | 'document' | 'input'>> &
  Pick<FixedDelayInput, 'delayMs' | 'jitterMs' | 'startAt' | 'endAt' | 'overlap' | 'paused' | 'note'>;

export const describeQuery = defineQuery<FixedDelayView>(TRIGGER_DESCRIBE_QUERY);
export interface NoteInput {
  note?: string;
}

export const pauseTriggerUpdate = defineUpdate<string, [NoteInput]>(TRIGGER_UPDATES.pause);
export const unpauseTriggerUpdate = defineUpdate<string, [NoteInput]>(TRIGGER_UPDATES.unpause);
export const triggerNowUpdate = defineUpdate<string, []>(TRIGGER_UPDATES.trigger);
export const deleteTriggerUpdate = defineUpdate<string, []>(TRIGGER_UPDATES.delete);
export const updateTriggerUpdate = defineUpdate<string, [FixedDelayChange]>(TRIGGER_UPDATES.update);
