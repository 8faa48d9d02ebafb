/**
 * What `WeftClient.rerun` reads of the run it reruns (its document and input, its task queue, the nodes it
 * recorded) and the new run's default workflow id. The decision of what to keep is src/dsl/rerun.ts.
 */
import { WorkflowNotFoundError } from '@temporalio/client';
import type { WeftRunResult } from '../dsl/run-result';
import { WeftConflictError, WeftUsageError } from '../errors';
import type { WeftDagInput } from '../protocol/dag';
import { readStartArgs } from './start-args';
import type { WeftClient } from './weft-client';

export interface RerunSource {
  /** The input of the run's latest execution: after a hand-over it still holds the document and the input. */
  args: WeftDagInput;
  taskQueue: string;
  /** What the run recorded: its result, or for a run that continued as new its last execution's. */
  result: WeftRunResult;
}

export async function readRerunSource(weft: WeftClient, workflowId: string): Promise<RerunSource> {
  const { namespace } = weft.config;
  const run = weft.getRun(workflowId);
  const description = await run.describeDagRun(); // refuses unknown runs and workflows that are not DAG runs
  if (description.status.name === 'RUNNING') {
    throw new WeftConflictError(
      `The run "${workflowId}" is still running; a rerun starts from a run that ended: wait for it, or cancel it with \`weft cancel ${workflowId}\`.`,
    );
  }
  const args = await readStartArgs(weft.temporal, namespace, workflowId, description.runId);
  if (!args) throw new WeftUsageError(`The run "${workflowId}" holds no DAG document to rerun.`);
  const result = await run.result();
  return { args, taskQueue: description.taskQueue, result };
}

/** `<workflowId>-rerun-<n>`, the first n no workflow has. */
export async function nextRerunId(weft: WeftClient, workflowId: string): Promise<string> {
  for (let n = 1; n <= 1000; n++) {
    const id = `${workflowId}-rerun-${n}`;
    const taken = await weft.temporal.workflow
      .getHandle(id)
      .describe()
      .then(
        () => true,
        (err: unknown) => {
          if (err instanceof WorkflowNotFoundError) return false;
          throw err;
        },
      );
    if (!taken) return id;
  }
  throw new WeftUsageError(`"${workflowId}" has been rerun 1,000 times; give the new run an id with --id.`);
}
