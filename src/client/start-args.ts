/** The input a DAG run was started with (its document and the run's input), read from its history's first event. */
import type { Client } from '@temporalio/client';
import { decodeArrayFromPayloads } from '@temporalio/common/lib/internal-non-workflow';
import type { WeftDagInput } from '../protocol/dag';

/** Undefined when the run's first event carries no DAG input (not a weftDag run). */
export async function readStartArgs(
  temporal: Client,
  namespace: string,
  workflowId: string,
  runId: string,
): Promise<WeftDagInput | undefined> {
  const { history } = await temporal.workflowService.getWorkflowExecutionHistory({
    namespace,
    execution: { workflowId, runId },
    maximumPageSize: 1,
  });
  const started = history?.events?.[0]?.workflowExecutionStartedEventAttributes;
  const [args] = (await decodeArrayFromPayloads(temporal.options.loadedDataConverter, started?.input?.payloads)) as [
    WeftDagInput | undefined,
  ];
  return args?.document ? args : undefined;
}
