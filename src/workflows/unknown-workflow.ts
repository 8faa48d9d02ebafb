/**
 * The workflow bundle's default export. Temporal runs a bundle's default export for any workflow type the
 * bundle does not export, so a `workflow` node naming a type no Weft worker registers fails at once with a
 * sentence, instead of its first workflow task failing and retrying forever while the DAG waits.
 */
import { ApplicationFailure, workflowInfo } from '@temporalio/workflow';
import { FAILURE_TYPES } from '../dsl/failure-types';

export async function weftUnknownWorkflow(): Promise<never> {
  const { workflowType, taskQueue } = workflowInfo();
  throw ApplicationFailure.create({
    type: FAILURE_TYPES.unknownWorkflowType,
    nonRetryable: true,
    message: `workflow type "${workflowType}" is not registered by the workers on task queue "${taskQueue}": register it (createWeftWorker({ workflowsPath })) or set the node's taskQueue to one whose workers do`,
  });
}
