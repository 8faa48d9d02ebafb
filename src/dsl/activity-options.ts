/**
 * A node's retry and timeouts in three stages: as written in the document, with the document's
 * `defaults` and Weft's own defaults applied, and compiled to the millisecond values Temporal takes.
 *
 * Weft's defaults differ from Temporal's on purpose: Temporal retries an activity forever by default,
 * which turns a bad document into an endless loop. A node without `retry` gets 3 attempts
 * (1s, then 2s backoff, capped at 1m); a node with no timeout gets a 10-minute start-to-close.
 */
import { durationToMs, type Duration } from './duration';
import type { Defaults, RetryPolicySpec } from './schema';
import { FAILURE_TYPES } from './failure-types';

/**
 * What a node, a compensation or the document's `defaults` say about running an activity: the schema's
 * `defaults` shape (retry, timeout, task queue), which the nodes' own fields match.
 */
export type ExecutionSpec = Defaults;

export const DEFAULT_RETRY: Required<Omit<RetryPolicySpec, 'nonRetryable'>> = {
  maxAttempts: 3,
  initialInterval: '1s',
  backoffCoefficient: 2,
  maximumInterval: '1m',
};

export const DEFAULT_START_TO_CLOSE: Duration = '10m';

/**
 * Error types that no retry can fix, added to every node: a worker that does not register the activity
 * (Temporal reports `NotFoundError` as retryable) and Weft's own input errors.
 */
export const ALWAYS_NON_RETRYABLE = [FAILURE_TYPES.notFound, FAILURE_TYPES.badInput, FAILURE_TYPES.hostNotAllowed];

export interface CompiledActivityOptions {
  taskQueue?: string;
  startToCloseTimeout?: number;
  scheduleToCloseTimeout?: number;
  scheduleToStartTimeout?: number;
  heartbeatTimeout?: number;
  retry: {
    maximumAttempts: number;
    initialInterval: number;
    backoffCoefficient: number;
    maximumInterval: number;
    nonRetryableErrorTypes: string[];
  };
}

/** Node fields win over the document's defaults, field by field. */
export function withDefaults(node: ExecutionSpec, defaults: ExecutionSpec = {}): ExecutionSpec {
  return {
    retry: { ...defaults.retry, ...node.retry },
    timeout: { ...defaults.timeout, ...node.timeout },
    taskQueue: node.taskQueue ?? defaults.taskQueue,
  };
}

const msOf = (d: Duration | undefined) => (d === undefined ? undefined : durationToMs(d));

export function compileActivityOptions(node: ExecutionSpec, defaults: ExecutionSpec = {}): CompiledActivityOptions {
  const merged = withDefaults(node, defaults);
  const retry = { ...DEFAULT_RETRY, ...merged.retry };
  const timeout = merged.timeout ?? {};
  const compiled: CompiledActivityOptions = {
    retry: {
      maximumAttempts: retry.maxAttempts,
      initialInterval: durationToMs(retry.initialInterval),
      backoffCoefficient: retry.backoffCoefficient,
      maximumInterval: Math.max(durationToMs(retry.maximumInterval), durationToMs(retry.initialInterval)),
      nonRetryableErrorTypes: [...(retry.nonRetryable ?? []), ...ALWAYS_NON_RETRYABLE],
    },
  };
  if (merged.taskQueue) compiled.taskQueue = merged.taskQueue;
  compiled.startToCloseTimeout = msOf(timeout.startToClose);
  compiled.scheduleToCloseTimeout = msOf(timeout.scheduleToClose);
  compiled.scheduleToStartTimeout = msOf(timeout.scheduleToStart);
  compiled.heartbeatTimeout = msOf(timeout.heartbeat);
  if (compiled.startToCloseTimeout === undefined && compiled.scheduleToCloseTimeout === undefined) {
    compiled.startToCloseTimeout = durationToMs(DEFAULT_START_TO_CLOSE);
  }
  for (const key of Object.keys(compiled) as (keyof CompiledActivityOptions)[]) {
    if (compiled[key] === undefined) delete compiled[key];
  }
  return compiled;
}
