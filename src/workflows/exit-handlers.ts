/**
 * Exit handlers (`onExit`): once the DAG ended and compensated, whatever its status, its exit nodes run as a
 * child `weftDag` (`<workflow id>.onExit`), in a non-cancellable scope (a cancelled run still notifies). They
 * read `run.status`, `run.error` and the DAG's nodes; their outcome goes under `onExit` in the result and
 * never changes the run's status.
 */
import { ApplicationFailure, CancellationScope, ChildWorkflowFailure } from '@temporalio/workflow';
import { exitDocument, nodesReadOnExit } from '../dsl/exit-handlers';
import type { NodeView } from '../dsl/expressions';
import { lookUpNode } from '../dsl/expressions';
import { fitOutputs } from '../dsl/map-plan';
import { asRunResult, MAX_PAYLOAD_CHARS, type ExitOutcome, type RunResultError } from '../dsl/run-result';
import type { RunStatus } from '../dsl/run-state';
import type { WeftDocument } from '../dsl/schema';
import type { WeftDagInput } from '../protocol/dag';
import { describeFailure } from './failures';
import { childTaskQueue } from './nodes/child';
import { runDagChild } from './nodes/sub-dag';
import type { RunContext } from './run-context';

export async function runExitHandlers(
  doc: WeftDocument,
  run: RunContext,
  status: Exclude<RunStatus, 'RUNNING' | 'PAUSED'>,
  error: RunResultError | null,
  searchAttributes: boolean,
): Promise<ExitOutcome> {
  const document = exitDocument(doc);
  const workflowId = `${run.info.workflowId}.onExit`;
  const context = run.expressions();
  const args: WeftDagInput & { document: WeftDocument } = {
    document,
    input: context.input as Record<string, unknown>,
    searchAttributes,
    exit: { run: { ...context.run, status, error }, nodes: viewsWithinPayload(doc, context.nodes) },
  };
  try {
    const result = await CancellationScope.nonCancellable(() =>
      runDagChild(
        { label: 'onExit' },
        {
          workflowId,
          taskQueue: childTaskQueue({}, doc.defaults, run.info.taskQueue),
          summary: `${doc.name} / exit handlers (the run ended ${status})`,
        },
        args,
        true,
      ),
    );
    return outcomeOf(workflowId, result);
  } catch (err) {
    // A failed or cancelled exit run carries its result in its failure's details.
    const cause = err instanceof ChildWorkflowFailure ? err.cause : undefined;
    const details = cause instanceof ApplicationFailure ? cause.details : undefined;
    const result = asRunResult(details?.[0]);
    if (result) return outcomeOf(workflowId, result);
    return { workflowId, status: 'FAILED', nodes: {}, error: describeFailure(err, 'the exit handlers') };
  }
}

function outcomeOf(workflowId: string, result: unknown): ExitOutcome {
  const run = asRunResult(result);
  if (!run) return { workflowId, status: 'FAILED', nodes: {}, error: { message: 'no result', type: null } };
  return { workflowId, status: run.status, nodes: run.nodes, ...(run.error ? { error: run.error } : {}) };
}

/** The views of the DAG nodes the handlers read; the largest outputs left out (null) if they would overflow the child's input. */
function viewsWithinPayload(doc: WeftDocument, nodes: Parameters<typeof lookUpNode>[0]): Record<string, NodeView> {
  const ids = nodesReadOnExit(doc);
  const views = ids.map((id) => lookUpNode(nodes, id)!);
  const { outputs } = fitOutputs(
    views.map((view) => view.output),
    MAX_PAYLOAD_CHARS / 2,
  );
  return Object.fromEntries(ids.map((id, i) => [id, { ...views[i]!, output: outputs[i] }]));
}
