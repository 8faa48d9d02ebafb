/**
 * Trigger rules (Airflow's): given the statuses of a node's upstream nodes, may it run now, must it wait,
 * or can it never run (skip)? Pure, so every rule is unit-tested in isolation.
 *
 * "Done" means SUCCEEDED, FAILED, SKIPPED or CANCELLED. Rules that look for one success or one failure
 * fire as soon as it happens, without waiting for the other upstream nodes, as Airflow's do.
 */
import type { TriggerRule } from './schema';

export type NodeStatus =
  | 'PENDING'
  | 'RUNNING'
  | 'WAITING'
  | 'SUCCEEDED'
  | 'FAILED'
  | 'SKIPPED'
  | 'CANCELLED'
  | 'COMPENSATED'
  | 'COMPENSATION_FAILED';

/** The rules are the document schema's list (TRIGGER_RULES); re-exported for the modules that decide with them. */
export type { TriggerRule };

export type TriggerDecision = 'run' | 'wait' | 'skip';

const DONE: ReadonlySet<NodeStatus> = new Set([
  'SUCCEEDED',
  'FAILED',
  'SKIPPED',
  'CANCELLED',
  'COMPENSATED',
  'COMPENSATION_FAILED',
]);

export function isDone(status: NodeStatus): boolean {
  return DONE.has(status);
}

/** A node whose work succeeded, even if it was compensated later. */
function succeeded(status: NodeStatus): boolean {
  return status === 'SUCCEEDED' || status === 'COMPENSATED' || status === 'COMPENSATION_FAILED';
}

/** CANCELLED counts as a failure for the rules: the upstream work did not happen. */
function failed(status: NodeStatus): boolean {
  return status === 'FAILED' || status === 'CANCELLED';
}

export function decideTrigger(rule: TriggerRule, upstream: readonly NodeStatus[]): TriggerDecision {
  if (upstream.length === 0) return 'run';
  const allDone = upstream.every(isDone);
  switch (rule) {
    case 'allSuccess':
      if (upstream.some((s) => isDone(s) && !succeeded(s))) return 'skip';
      return allDone ? 'run' : 'wait';
    case 'allDone':
      return allDone ? 'run' : 'wait';
    case 'oneSuccess':
      if (upstream.some(succeeded)) return 'run';
      return allDone ? 'skip' : 'wait';
    case 'oneFailed':
      if (upstream.some(failed)) return 'run';
      return allDone ? 'skip' : 'wait';
    case 'allFailed':
      if (upstream.some((s) => isDone(s) && !failed(s))) return 'skip';
      return allDone ? 'run' : 'wait';
    case 'noneFailed':
      if (upstream.some(failed)) return 'skip';
      return allDone ? 'run' : 'wait';
  }
}

/** Why a rule skipped a node, for the node's `error`-free explanation in status tables. */
export function skipReason(rule: TriggerRule): string {
  switch (rule) {
    case 'allSuccess':
      return 'an upstream node did not succeed';
    case 'allDone':
      return 'never skipped by its rule';
    case 'oneSuccess':
      return 'no upstream node succeeded';
    case 'oneFailed':
      return 'no upstream node failed';
    case 'allFailed':
      return 'an upstream node did not fail';
    case 'noneFailed':
      return 'an upstream node failed';
  }
}
