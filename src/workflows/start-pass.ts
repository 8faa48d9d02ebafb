/**
 * Starting what is ready: each pass applies the tracker's skips, evaluates the `when` of ready nodes and
 * starts those that hold, in document order, within maxParallelism (S2) and the engine's limits E1-E2
 * (src/dsl/engine-limits.ts). E1 and E2 are behind `patched(LIMITS_PATCH)`, asked only when a limit binds, so
 * runs recorded before them replay as they ran.
 */
import { patched } from '@temporalio/workflow';
import { capacityReached } from '../dsl/engine-limits';
import { evaluateCondition } from '../dsl/expressions';
import type { NodeError } from '../dsl/run-state';
import type { RunTracker } from '../dsl/run-tracker';
import type { WeftDocument, WeftNode } from '../dsl/schema';
import { now, type RunContext } from './run-context';
import { FAILURE_TYPES } from '../dsl/failure-types';

/** Guards the engine limits E1 and E2. */
export const LIMITS_PATCH = 'weft-engine-limits';

/** What starting nodes needs of the run. */
export interface StartHost {
  readonly doc: WeftDocument;
  readonly byId: ReadonlyMap<string, WeftNode>;
  readonly tracker: RunTracker;
  readonly run: RunContext;
  /** Runs the node's work (the tracker has recorded it as started). */
  track(node: WeftNode): void;
  fail(node: WeftNode, error: NodeError, attempts: number): void;
}

export function startReadyNodes(host: StartHost): void {
  const { tracker } = host;
  for (;;) {
    const { skipped, ready } = tracker.pass();
    for (const { id, reason } of skipped) tracker.skip(id, reason, now());
    let conditionSkipped = false;
    for (const id of ready) {
      if (!mayStartMore(host)) break;
      const node = host.byId.get(id)!;
      if (node.when !== undefined && !whenHolds(host, node, node.when)) {
        conditionSkipped ||= tracker.status(id) === 'SKIPPED';
        continue;
      }
      tracker.start(node.id, now());
      host.run.task.started();
      host.track(node);
    }
    // Skips can make downstream nodes ready or skipped in turn; starts cannot (nothing finished yet).
    if (skipped.length === 0 && !conditionSkipped) return;
  }
}

/** S2 and E1: maxParallelism, and the engine's own bound. E2: this task has done its share. */
function mayStartMore({ tracker, doc, run }: StartHost): boolean {
  if (!tracker.startsAllowed) return false;
  const capacity = capacityReached(tracker.running, doc.maxParallelism);
  if (capacity === 'parallelism' || (capacity === 'engine' && patched(LIMITS_PATCH))) return false;
  const task = run.task;
  if (!task.full && task.spent()) task.full = patched(LIMITS_PATCH);
  return !task.full;
}

/** Evaluates a node's `when`; a false one skips the node, one that cannot be evaluated fails it. */
function whenHolds(host: StartHost, node: WeftNode, when: string): boolean {
  let holds: boolean;
  try {
    holds = host.run.evaluate((budget) => evaluateCondition(when, host.run.expressions(), budget));
  } catch (err) {
    const message = `"when" could not be evaluated: ${(err as Error).message}`;
    host.fail(node, { message, type: FAILURE_TYPES.expression }, 0);
    return false;
  }
  if (!holds) host.tracker.skip(node.id, `"when" is false: ${when}`, now());
  return holds;
}
