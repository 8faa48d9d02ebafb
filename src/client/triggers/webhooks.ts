/**
 * Webhook triggers: a Temporal Schedule without a timetable holds the document, the input and the secret
 * (in the action's arguments, through the data converter), so a hook survives restarts of `weft serve` and
 * of Temporal. A delivery starts a run with the request's JSON merged over the trigger's input; an
 * Idempotency-Key becomes the run's workflow id, so a redelivery never starts a second run.
 */
import { createHash, randomBytes } from 'node:crypto';
import { ScheduleNotFoundError, WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import { WeftConflictError, WeftNotFoundError } from '../../errors';
import type { WeftDagInput } from '../../protocol/dag';
import { DAG_WORKFLOW_TYPE } from '../../protocol/names';
import { WeftDagKey, WeftStatusKey, WeftTriggerKey } from '../../protocol/search-attributes';
import { triggerMemoOf } from './trigger-memo';

/** What a delivery needs of its trigger. */
export interface WebhookTarget {
  id: string;
  dag: string;
  args: WeftDagInput;
  secret?: string;
  paused: boolean;
  taskQueue: string;
}

export async function webhookTarget(temporal: Client, namespace: string, id: string): Promise<WebhookTarget> {
  const unknown = () => new WeftNotFoundError(`There is no webhook trigger "${id}" in namespace "${namespace}".`);
  let description;
  try {
    description = await temporal.schedule.getHandle(id).describe();
  } catch (err) {
    if (err instanceof ScheduleNotFoundError) throw unknown();
    throw err;
  }
  const memo = triggerMemoOf(description);
  if (memo?.kind !== 'webhook' || description.action.type !== 'startWorkflow') throw unknown();
  const [args, extra] = description.action.args as [WeftDagInput, { webhookSecret?: string } | undefined];
  return {
    id,
    dag: memo.dag ?? '',
    args,
    secret: extra?.webhookSecret,
    paused: description.state.paused,
    taskQueue: description.action.taskQueue,
  };
}

/** Starts the run for one delivery; resolves with its workflow id (the first run's, for a redelivery). */
export async function deliver(
  temporal: Client,
  target: WebhookTarget,
  payload: Record<string, unknown>,
  idempotencyKey?: string,
): Promise<{ workflowId: string; created: boolean }> {
  if (target.paused) throw new WeftConflictError(`The webhook trigger "${target.id}" is paused; no run was started.`);
  const now = new Date();
  const workflowId = idempotencyKey
    ? `${target.id}-${createHash('sha256').update(idempotencyKey).digest('hex').slice(0, 24)}`
    : `${target.id}-${now.toISOString().replace(/[-:.]/g, '')}-${randomBytes(3).toString('hex')}`;
  const args: WeftDagInput = {
    ...target.args,
    input: { ...(target.args.input ?? {}), ...payload },
    trigger: { id: target.id, scheduledAt: now.toISOString() },
  };
  try {
    await temporal.workflow.start(DAG_WORKFLOW_TYPE, {
      args: [args],
      workflowId,
      taskQueue: target.taskQueue,
      workflowIdReusePolicy: 'REJECT_DUPLICATE',
      staticSummary: `${target.dag} — webhook ${target.id}`,
      typedSearchAttributes: target.args.searchAttributes
        ? [
            { key: WeftDagKey, value: target.dag },
            { key: WeftTriggerKey, value: target.id },
            { key: WeftStatusKey, value: 'RUNNING' },
          ]
        : undefined,
    });
    return { workflowId, created: true };
  } catch (err) {
    if (err instanceof WorkflowExecutionAlreadyStartedError && idempotencyKey) return { workflowId, created: false };
    throw err;
  }
}
