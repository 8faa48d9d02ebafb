/**
 * What a node was given, read back from its run's history: the input of the node's latest activity or child
 * run (an operator's retry runs it again as `<id>#<round>`). The run's view leaves inputs out to stay small; a
 * person looking at one node asks for it.
 */
import type { Client } from '@temporalio/client';
import type { Payload } from '@temporalio/common';
import { decodeArrayFromPayloads } from '@temporalio/common/lib/internal-non-workflow';

type Payloads = { payloads?: Payload[] | null } | null | undefined;

export interface NodeInput {
  /** False for nodes that take no input (sleep, approval, map) or have not started in this run. */
  recorded: boolean;
  input?: unknown;
}

const isExecutionOf = (id: string | null | undefined, nodeId: string) =>
  id === nodeId || (id?.startsWith(`${nodeId}#`) ?? false);

export async function readNodeInput(
  temporal: Client,
  namespace: string,
  execution: { workflowId: string; runId: string },
  nodeId: string,
): Promise<NodeInput> {
  let latest: Payloads;
  let found = false;
  let nextPageToken: Uint8Array | undefined;
  do {
    const page = await temporal.workflowService.getWorkflowExecutionHistory({
      namespace,
      execution,
      nextPageToken,
      maximumPageSize: 1000,
    });
    for (const event of page.history?.events ?? []) {
      const activity = event.activityTaskScheduledEventAttributes;
      const child = event.startChildWorkflowExecutionInitiatedEventAttributes;
      if (activity && isExecutionOf(activity.activityId, nodeId)) [latest, found] = [activity.input, true];
      else if (
        child?.workflowId?.startsWith(`${execution.workflowId}.`) &&
        isExecutionOf(child.workflowId.slice(execution.workflowId.length + 1), nodeId)
      )
        [latest, found] = [child.input, true];
    }
    nextPageToken = page.nextPageToken?.length ? page.nextPageToken : undefined;
  } while (nextPageToken);
  if (!found) return { recorded: false };
  const [input] = await decodeArrayFromPayloads(temporal.options.loadedDataConverter, latest?.payloads);
  return { recorded: true, input };
}
