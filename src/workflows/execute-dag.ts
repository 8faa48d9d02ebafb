/**
 * Running a Weft DAG from a hand-written workflow, as a child workflow, with a typed result:
 *
 *   const result = await executeDag(reportDag, { input: { day } });   // reportDag built with dag<...>()
 *   result.output;                                                    // typed as the DAG's output
 *
 * A DAG that fails makes this throw a ChildWorkflowFailure (use `dagResultOf(err)` to read its nodes),
 * so a surrounding Saga compensates as for any failed step.
 */
import { ChildWorkflowFailure, ApplicationFailure, executeChild, uuid4, workflowInfo } from '@temporalio/workflow';
import type { TypedDag } from '../dsl/builder';
import { DAG_WORKFLOW_TYPE } from '../protocol/names';
import { asRunResult, type WeftRunResult } from '../dsl/run-result';
import type { WeftDagInput } from '../protocol/dag';
import { WeftDagKey, WeftStatusKey } from '../protocol/search-attributes';

export interface ExecuteDagOptions<In> {
  input?: In;
  /** Default `<this workflow's id>.<dag name>-<8 hex>`. */
  workflowId?: string;
  /** Default this workflow's task queue. */
  taskQueue?: string;
  /**
   * Set when the server registers Weft's search attributes: the child is then found by `WeftDag` and
   * `WeftStatus` (and `weft list`) like runs the client starts. Off by default because a server without
   * them refuses the child's start; `weft server` registers them, `temporal operator search-attribute
   * create` does on a cluster.
   */
  searchAttributes?: boolean;
}

export async function executeDag<Out = unknown, In = Record<string, unknown>>(
  /** A document built with `dag()` (typed result), or any DSL v1 document, e.g. an imported JSON file. */
  document: TypedDag<Out, In> | Record<string, unknown>,
  options: ExecuteDagOptions<In> = {},
): Promise<WeftRunResult & { output: Out }> {
  const info = workflowInfo();
  const name = (document as { name?: string }).name ?? 'dag';
  const args: WeftDagInput = {
    document,
    input: options.input as Record<string, unknown> | undefined,
    searchAttributes: options.searchAttributes,
  };
  return (await executeChild(DAG_WORKFLOW_TYPE, {
    args: [args],
    workflowId: options.workflowId ?? `${info.workflowId}.${name}-${uuid4().slice(0, 8)}`,
    taskQueue: options.taskQueue ?? info.taskQueue,
    staticSummary: `${name} — run by ${info.workflowType} ${info.workflowId}`,
    typedSearchAttributes: options.searchAttributes
      ? [
          { key: WeftDagKey, value: name },
          { key: WeftStatusKey, value: 'RUNNING' },
        ]
      : undefined,
  })) as WeftRunResult & { output: Out };
}

/** The result object of a DAG child that failed, from the error `executeDag` threw; undefined otherwise. */
export function dagResultOf(err: unknown): WeftRunResult | undefined {
  const cause = err instanceof ChildWorkflowFailure ? err.cause : undefined;
  return asRunResult(cause instanceof ApplicationFailure ? cause.details?.[0] : undefined);
}
