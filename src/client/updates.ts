/** Sending Weft's updates (node and run actions, trigger actions) the same way from every caller. */
import { randomUUID } from 'node:crypto';
import { ServiceError, WorkflowUpdateFailedError, type WorkflowHandle } from '@temporalio/client';
import { WeftConflictError } from '../errors';

const GRPC_FAILED_PRECONDITION = 9;
const GRPC_ABORTED = 10;
const ATTEMPTS = 5;

/**
 * Sends an update and returns the workflow's answer. A refusal by the workflow's validator becomes a
 * WeftUsageError carrying the workflow's own sentence (nothing changed then). An update the server
 * aborted is sent again: that happens when the workflow task it rode on failed (a worker restarted or
 * evicted the run) or the run was continuing as new, and nothing was applied. Every attempt carries
 * the same update id, so should an aborted attempt have been applied after all, the server answers
 * with that first outcome instead of applying the action twice.
 */
export async function sendUpdate(handle: WorkflowHandle, name: string, arg?: object): Promise<string> {
  const updateId = randomUUID();
  for (let attempt = 1; ; attempt++) {
    try {
      return (await (arg
        ? handle.executeUpdate(name, { updateId, args: [arg] })
        : handle.executeUpdate(name, { updateId }))) as string;
    } catch (err) {
      if (err instanceof WorkflowUpdateFailedError)
        throw new WeftConflictError(`${handle.workflowId}: ${err.cause?.message ?? err.message}.`, { cause: err });
      if (attempt >= ATTEMPTS || !isAbortedUpdate(err)) throw err;
      await new Promise((resolve) => setTimeout(resolve, 250 * attempt));
    }
  }
}

function isAbortedUpdate(err: unknown): boolean {
  const code = err instanceof ServiceError ? (err.cause as { code?: number } | undefined)?.code : undefined;
  return code === GRPC_FAILED_PRECONDITION || code === GRPC_ABORTED;
}
