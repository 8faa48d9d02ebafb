/**
 * Runs `count` units, at most `concurrency` at once, in document order, and stops starting (cancelling what
 * runs) once more items failed than tolerated. Used by a map node in the DAG's own run and by each of its
 * child batches. A workflow task starts a bounded number of units (E2, src/dsl/engine-limits.ts): past it,
 * the rest start in the next task.
 */
import { CancellationScope, condition, inWorkflowContext, isCancellation, sleep } from '@temporalio/workflow';
import { TaskBudget } from '../../dsl/engine-limits';
import type { NodeError } from '../../dsl/run-state';

export interface PoolOptions {
  count: number;
  concurrency: number;
  /** Failed items allowed; one more and the pool stops. */
  tolerated: number;
  /** Items a unit stands for (a batch of items counts each). */
  sizeOf(unit: number): number;
  /** Starts unit `unit`, synchronously, inside the pool's scope. `failedSoFar` is what the pool counted until now. */
  start(unit: number, task: TaskBudget, failedSoFar: number): Promise<unknown>;
  /** Items that failed inside a unit that itself succeeded (a child batch reports them). */
  failedInside?(output: unknown, unit: number): number;
  /** Items that succeeded inside a unit that itself succeeded; by default its size less those that failed. */
  succeededInside?(output: unknown, unit: number): number;
  describe(err: unknown, unit: number): NodeError;
  /** Items succeeded and failed so far, and units running. */
  progress?(progress: { succeeded: number; failed: number; running: number }): void;
  /** A unit succeeded, in order of completion: also while the pool is being cancelled (the saga needs them). */
  succeeded?(unit: number, output: unknown): void;
}

export interface PoolOutcome {
  /** One per unit, in order; null where it failed. */
  outputs: unknown[];
  failedItems: number;
  /** Items whose unit succeeded (less those that failed inside it). */
  succeededItems: number;
  /** The first failures, by unit. */
  errors: Array<{ index: number; error: NodeError }>;
}

const ERRORS_KEPT = 10;

export async function runPool(options: PoolOptions): Promise<PoolOutcome> {
  const outputs: unknown[] = new Array<unknown>(options.count).fill(null);
  const errors: PoolOutcome['errors'] = [];
  let next = 0;
  let running = 0;
  let failedItems = 0;
  let succeededItems = 0;
  let exceeded = false;
  /** The pool's own scope was cancelled: its units' cancellations are not failures. */
  let stopped = false;
  let changed = false;
  const units = new CancellationScope();
  const failed = (count: number): void => {
    failedItems += count;
    if (failedItems > options.tolerated && !exceeded) {
      exceeded = true;
      units.cancel(); // fail fast: what still runs is not needed any more
    }
  };
  const settled = (): void => {
    running--;
    changed = true;
    options.progress?.({ succeeded: succeededItems, failed: failedItems, running });
  };
  const launch = (unit: number, task: TaskBudget): void => {
    let started!: Promise<unknown>;
    void units.run(() => {
      started = options.start(unit, task, failedItems);
      return Promise.resolve();
    });
    started.then(
      (output) => {
        if (!inWorkflowContext()) return; // the SDK disposes of the workflow
        outputs[unit] = output;
        options.succeeded?.(unit, output);
        const inside = options.failedInside?.(output, unit) ?? 0;
        if (inside > 0) failed(inside);
        succeededItems += options.succeededInside?.(output, unit) ?? options.sizeOf(unit) - inside;
        settled();
      },
      (err: unknown) => {
        if (!inWorkflowContext()) return;
        if (!((exceeded || stopped) && isCancellation(err))) {
          if (errors.length < ERRORS_KEPT) errors.push({ index: unit, error: options.describe(err, unit) });
          failed(options.sizeOf(unit));
        }
        settled();
      },
    );
  };
  try {
    for (;;) {
      const task = new TaskBudget(running === 0);
      while (!exceeded && next < options.count && running < options.concurrency && !task.spent()) {
        running++;
        task.started();
        launch(next++, task);
      }
      if (running === 0 && (exceeded || next >= options.count)) break;
      changed = false;
      const more = !exceeded && next < options.count && running < options.concurrency;
      if (more) await sleep(1, { summary: 'weft: start the next items in a new workflow task' });
      else await condition(() => changed);
    }
  } catch (err) {
    // The node was cancelled: its units were cancelled with it; wait until they stopped.
    if (isCancellation(err)) {
      stopped = true;
      await CancellationScope.nonCancellable(() => condition(() => running === 0));
    }
    throw err;
  }
  return { outputs, failedItems, succeededItems, errors };
}
