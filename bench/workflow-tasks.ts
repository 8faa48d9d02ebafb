/** A run's workflow tasks read back from its history, page by page (a 10,000-node history is larger than one gRPC message). */
import { temporal } from '@temporalio/proto';
import type { WeftClient } from '../src/client/weft-client';

const EventType = temporal.api.enums.v1.EventType;

export interface WorkflowTasks {
  events: temporal.api.history.v1.IHistoryEvent[];
  /** Each completed task, from WorkflowTaskStarted to WorkflowTaskCompleted, in ms, in history order. */
  durations: number[];
  /** Each failed or timed-out task, with its cause. */
  failures: string[];
}

const msOf = (e: temporal.api.history.v1.IHistoryEvent) =>
  Number(e.eventTime!.seconds) * 1000 + (e.eventTime!.nanos ?? 0) / 1e6;

export async function readWorkflowTasks(
  weft: WeftClient,
  execution: { workflowId: string; runId?: string },
): Promise<WorkflowTasks> {
  const out: WorkflowTasks = { events: [], durations: [], failures: [] };
  let nextPageToken: Uint8Array | undefined;
  let started = 0;
  do {
    const page = await weft.temporal.workflowService.getWorkflowExecutionHistory({
      namespace: 'default',
      execution,
      nextPageToken,
      maximumPageSize: 100, // a page of large events can pass gRPC's 4 MB
    });
    for (const e of page.history?.events ?? []) {
      out.events.push(e);
      if (e.eventType === EventType.EVENT_TYPE_WORKFLOW_TASK_STARTED) started = msOf(e);
      if (e.eventType === EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED) out.durations.push(msOf(e) - started);
      if (e.eventType === EventType.EVENT_TYPE_WORKFLOW_TASK_TIMED_OUT) out.failures.push('TIMED_OUT');
      if (e.eventType === EventType.EVENT_TYPE_WORKFLOW_TASK_FAILED) {
        const attributes = e.workflowTaskFailedEventAttributes!;
        out.failures.push(
          `${temporal.api.enums.v1.WorkflowTaskFailedCause[attributes.cause!]}: ${attributes.failure?.message?.slice(0, 200) ?? ''}`,
        );
      }
    }
    nextPageToken = page.nextPageToken?.length ? page.nextPageToken : undefined;
  } while (nextPageToken);
  return out;
}
