/**
 * The activities every Weft worker registers (docs/dsl.md, "Built-in activities"). They are small on purpose: each does one thing,
 * waits by heartbeating so cancellation reaches it, and says with its error type whether a retry can help.
 */
import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { createHttpActivity, type HttpPolicy } from './http';
import { FAILURE_TYPES } from '../dsl/failure-types';

/** Heartbeat often enough that cancellation arrives within about a second. */
const HEARTBEAT_EVERY_MS = 1000;

export interface SleepInput {
  ms: number;
}

export interface FailInput {
  message?: string;
  type?: string;
  /** Fail attempts 1..failTimes, then succeed with `{ attempt }`. Without it, every attempt fails. */
  failTimes?: number;
  nonRetryable?: boolean;
}

export async function echo<T>(input: T): Promise<T> {
  return input;
}

export async function sleep(input: SleepInput): Promise<{ sleptMs: number }> {
  const ms = input?.ms;
  if (typeof ms !== 'number' || !Number.isFinite(ms) || ms < 0) {
    throw ApplicationFailure.nonRetryable(
      `weft.sleep needs { ms: <non-negative number> }, got ${JSON.stringify(input)}`,
      FAILURE_TYPES.badInput,
    );
  }
  const ctx = Context.current();
  let left = ms;
  while (left > 0) {
    ctx.heartbeat({ leftMs: left });
    const step = Math.min(left, HEARTBEAT_EVERY_MS);
    await ctx.sleep(step); // rejects with CancelledFailure once cancellation is delivered
    left -= step;
  }
  return { sleptMs: ms };
}

export async function fail(input: FailInput = {}): Promise<{ attempt: number }> {
  const attempt = Context.current().info.attempt;
  if (input.failTimes !== undefined && attempt > input.failTimes) return { attempt };
  const message = input.message ?? `weft.fail failed on attempt ${attempt}`;
  throw ApplicationFailure.create({
    message,
    type: input.type ?? 'WeftFail',
    nonRetryable: input.nonRetryable ?? false,
  });
}

export interface BuiltinOptions {
  http?: HttpPolicy;
}

/** The built-ins keyed by their registered activity type. */
export function builtinActivities(options: BuiltinOptions = {}): Record<string, (input: any) => Promise<unknown>> {
  return {
    'weft.echo': echo,
    'weft.sleep': sleep,
    'weft.fail': fail,
    'weft.http': createHttpActivity(options.http ?? {}),
  };
}
