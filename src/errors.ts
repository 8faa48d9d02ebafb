/**
 * Errors a person can act on. The CLI prints their message as one sentence and exits 2; anything else
 * that reaches the top is a bug and is printed with its stack.
 */

/** The environment is not ready: a missing toolchain, a busy port, an unreachable server. */
export class WeftSetupError extends Error {
  override readonly name: string = 'WeftSetupError';
}

/** The caller asked for something that cannot be done: bad flags, an unknown run or node. */
export class WeftUsageError extends Error {
  override readonly name: string = 'WeftUsageError';
}

/** The run, node or trigger asked for does not exist (HTTP 404). */
export class WeftNotFoundError extends WeftUsageError {
  override readonly name: string = 'WeftNotFoundError';
}

/**
 * Refused because of the state things are in (HTTP 409): an action the run refuses, an id in use, a run that
 * has ended or is still running. Nothing changed.
 */
export class WeftConflictError extends WeftUsageError {
  override readonly name: string = 'WeftConflictError';
}

/**
 * A payload over Temporal's limit (2 MB per payload by default): refused by the client before sending, or
 * by the server. `bytes` is the encoded size when the client measured it.
 */
export class WeftPayloadTooLargeError extends WeftUsageError {
  override readonly name: string = 'WeftPayloadTooLargeError';
  constructor(
    message: string,
    readonly bytes?: number,
    readonly limit?: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** Ends a command with an exit code after it already told the user why (e.g. 1: the run failed). */
export class WeftExit extends Error {
  override readonly name = 'WeftExit';
  constructor(
    readonly exitCode: number,
    message = `exit ${exitCode}`,
  ) {
    super(message);
  }
}
