/**
 * The engine's own limits, so that a document never meets Temporal's (E1, E2; E3 is the hand-over):
 * - E1 at most MAX_RUNNING_NODES nodes run at once (Temporal fails every workflow task of a run with more
 *      than 2,000 pending activities or children);
 * - E2 one workflow task starts at most MAX_STARTS_PER_TASK nodes (more when nothing runs) and spends at most
 *      about MAX_EXPRESSION_UNITS_PER_TASK on expressions; past either, the rest start in the next task, so a
 *      task stays far below the SDK's 5 s activation limit and Temporal's 10 s.
 * Pure bookkeeping: the interpreter asks, and honours the answer behind its patch (runs recorded before the
 * limits replay as they ran).
 */

/** E1: well under Temporal's 2,000 pending activities or children, leaving room for compensations. */
export const MAX_RUNNING_NODES = 1000;
/**
 * E2: starting a node costs about 0.3-0.5 ms of a workflow task (bench/first-task.ts). Completions that
 * arrive while a task runs are buffered by the server, and past 100 of them it fails the task
 * (FORCE_CLOSE_COMMAND) and the worker replays it from scratch: with 500 starts per task, wide DAGs of fast
 * activities did that in a loop (bench/task-health.ts). So a task that begins while nodes run starts at most
 * MAX_STARTS_PER_TASK, and keeps short; a task that begins with nothing running (the first, or after a
 * hand-over) cannot have completions buffered during it and starts up to MAX_STARTS_PER_QUIET_TASK.
 */
export const MAX_STARTS_PER_TASK = 100;
export const MAX_STARTS_PER_QUIET_TASK = 1000;
/** E2: expression work per task, in units of about 0.05 µs (expression-budget.ts): about 0.25 s. */
export const MAX_EXPRESSION_UNITS_PER_TASK = 5_000_000;
/** An evaluation step costs about 25 units of data work (1-2 µs). */
export const UNITS_PER_STEP = 25;

/** Why no further node may start now: the document's maxParallelism (S2), or the engine's bound (E1). */
export function capacityReached(running: number, maxParallelism: number | undefined): 'parallelism' | 'engine' | null {
  if (maxParallelism !== undefined && running >= maxParallelism) return 'parallelism';
  return running >= MAX_RUNNING_NODES ? 'engine' : null;
}

/** E2: what one workflow task has done so far. */
export class TaskBudget {
  private starts = 0;
  private expressionUnits = 0;
  /** Set once a limit bound and the interpreter honoured it: the rest waits for the next task. */
  full = false;

  /** `quiet`: the task began with nothing running, so no completion can be buffered while it runs. */
  constructor(readonly quiet: boolean) {}

  started(): void {
    this.starts++;
  }

  /** Adds what one evaluation cost (its steps and data work, as counted by its expression Budget). */
  evaluated(steps: number, work: number): void {
    this.expressionUnits += steps * UNITS_PER_STEP + work;
  }

  /** Whether this task has done its share of starts or of expression work. */
  spent(): boolean {
    const maxStarts = this.quiet ? MAX_STARTS_PER_QUIET_TASK : MAX_STARTS_PER_TASK;
    return this.starts >= maxStarts || this.expressionUnits >= MAX_EXPRESSION_UNITS_PER_TASK;
  }
}
