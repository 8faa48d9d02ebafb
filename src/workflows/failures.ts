/**
 * Turns what Temporal reports about a failed node (ActivityFailure, ChildWorkflowFailure, their causes)
 * into the node's `error`: a sentence, a type a user can match in `nonRetryable`, and why retrying stopped.
 */
import {
  ActivityFailure,
  ApplicationFailure,
  CancelledFailure,
  ChildWorkflowFailure,
  TimeoutFailure,
  TerminatedFailure,
} from '@temporalio/workflow';
import { compileActivityOptions } from '../dsl/activity-options';
import type { NodeError } from '../dsl/run-state';
import type { WeftDocument, WeftNode } from '../dsl/schema';
import { FAILURE_TYPES, TIMEOUT_FAILURE_TYPES } from '../dsl/failure-types';

function innermost(err: unknown): unknown {
  let current = err;
  while ((current instanceof ActivityFailure || current instanceof ChildWorkflowFailure) && current.cause)
    current = current.cause;
  return current;
}

export function describeFailure(err: unknown, subject: string): NodeError {
  const retryState =
    err instanceof ActivityFailure || err instanceof ChildWorkflowFailure ? (err.retryState ?? null) : null;
  const cause = innermost(err);
  if (cause instanceof TimeoutFailure && err instanceof ChildWorkflowFailure) {
    // The server reports a child's execution or run timeout as START_TO_CLOSE; it is the child's own deadline.
    return {
      message: `${subject}: the child workflow did not finish within its timeout`,
      type: FAILURE_TYPES.workflowTimeout,
      retryState,
    };
  }
  if (cause instanceof TimeoutFailure) {
    const kind = cause.timeoutType ?? 'UNKNOWN';
    const type = TIMEOUT_FAILURE_TYPES[kind] ?? 'Timeout';
    return { message: `${subject} timed out (${kind.toLowerCase().replace(/_/g, '-')})`, type, retryState };
  }
  if (cause instanceof CancelledFailure)
    return { message: `${subject} was cancelled`, type: FAILURE_TYPES.cancelled, retryState };
  if (cause instanceof TerminatedFailure)
    return { message: `${subject} was terminated`, type: FAILURE_TYPES.terminated, retryState };
  if (cause instanceof ApplicationFailure) {
    if (cause.type === FAILURE_TYPES.notFound) {
      return {
        message: `${subject}: ${cause.message.split(', available activities')[0]}; no worker on its task queue registers it`,
        type: FAILURE_TYPES.notFound,
        retryState,
      };
    }
    return { message: cause.message, type: cause.type ?? 'Error', retryState };
  }
  const error = cause as Error;
  return { message: error?.message ?? String(cause), type: error?.name ?? 'Error', retryState };
}

/** Attempts Temporal made, when the failure tells; a lower bound of 1 otherwise. */
export function attemptsFromFailure(err: unknown, maximumAttempts: number): number {
  if (err instanceof ActivityFailure && err.retryState === 'MAXIMUM_ATTEMPTS_REACHED') return maximumAttempts;
  return 1;
}

/** Attempts a failed node took: for an activity, up to its retry policy's maximum; one for other node types. */
export function attemptsOfNode(node: WeftNode, defaults: WeftDocument['defaults'], err: unknown): number {
  const maxAttempts = node.type === 'activity' ? compileActivityOptions(node, defaults).retry.maximumAttempts : 1;
  return attemptsFromFailure(err, maxAttempts);
}
