/**
 * The saga pattern for hand-written workflows: after each step that succeeded, register how to undo it;
 * when a later step fails, or the workflow is cancelled, undo what was done, newest first.
 *
 *   export async function order(input: Order) {
 *     return withSaga(async (saga) => {
 *       const reservation = await saga.step('reserve', () => reserve(input), (r) => release(r.id));
 *       const charge = await saga.step('charge', () => chargeCard(input), (c) => refund(c.id));
 *       await ship(input); // fails -> refund, then release; the workflow fails with a SagaCompensated failure
 *     });
 *   }
 *
 * Compensations run in a non-cancellable scope (a cancelled workflow is still undone), each once; a
 * compensation that fails does not stop the others and is reported.
 */
import { ApplicationFailure, CancellationScope, isCancellation, log } from '@temporalio/workflow';
import { FAILURE_TYPES } from '../dsl/failure-types';

export interface SagaOptions {
  /** Undo all steps at once instead of newest first. */
  parallel?: boolean;
}

export interface SagaReport {
  /** Steps undone, in the order their compensations finished. */
  compensated: string[];
  /** Steps whose compensation failed, with why. */
  failed: Array<{ step: string; message: string }>;
}

export class Saga {
  private readonly undo: Array<{ step: string; compensate: () => Promise<unknown> }> = [];

  constructor(private readonly options: SagaOptions = {}) {}

  /** Registers the undo of a step that succeeded. */
  add(step: string, compensate: () => Promise<unknown>): void {
    this.undo.push({ step, compensate });
  }

  /** Runs a step; once it succeeded, registers `compensate(result)` as its undo. */
  async step<T>(step: string, run: () => Promise<T>, compensate?: (result: T) => Promise<unknown>): Promise<T> {
    const result = await run();
    if (compensate) this.add(step, () => compensate(result));
    return result;
  }

  /** Names of the steps that would be undone, newest first. */
  get pending(): string[] {
    return this.undo.map((u) => u.step).reverse();
  }

  /** Undoes every registered step (each once), never throwing; the report says what failed. */
  async compensate(): Promise<SagaReport> {
    const steps = this.undo.splice(0).reverse();
    const report: SagaReport = { compensated: [], failed: [] };
    const undoOne = async ({ step, compensate }: (typeof steps)[number]) => {
      try {
        await compensate();
        report.compensated.push(step);
      } catch (err) {
        report.failed.push({ step, message: (err as Error)?.message ?? String(err) });
        log.warn('saga compensation failed', { step, error: (err as Error)?.message });
      }
    };
    await CancellationScope.nonCancellable(async () => {
      if (this.options.parallel) await Promise.all(steps.map(undoOne));
      else for (const s of steps) await undoOne(s);
    });
    return report;
  }
}

/**
 * Runs `body` with a Saga. If it throws, the saga compensates and the workflow fails with an
 * ApplicationFailure of type `SagaCompensated`: its message is the root cause's (an activity's own error,
 * not "Activity task failed"), its cause the
 * original error, its details the SagaReport. If the workflow is cancelled, the saga compensates and
 * the cancellation goes on (the workflow ends cancelled).
 */
export async function withSaga<T>(body: (saga: Saga) => Promise<T>, options: SagaOptions = {}): Promise<T> {
  const saga = new Saga(options);
  try {
    return await body(saga);
  } catch (err) {
    const report = await saga.compensate();
    if (isCancellation(err)) {
      log.info('saga compensated after cancellation', { ...report });
      throw err;
    }
    throw ApplicationFailure.create({
      type: FAILURE_TYPES.sagaCompensated,
      message: rootMessage(err),
      cause: err instanceof Error ? err : undefined,
      details: [report],
      nonRetryable: true,
    });
  }
}

/** The innermost cause's message: what actually went wrong, under Temporal's wrappers. */
function rootMessage(err: unknown): string {
  let current = err as { message?: string; cause?: unknown } | undefined;
  while (current?.cause) current = current.cause as typeof current;
  return current?.message ?? String(err);
}
