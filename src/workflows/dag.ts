/** The `weftDag` workflow: validate the document again, then interpret it. */
import { ApplicationFailure, CancelledFailure, patched } from '@temporalio/workflow';
import { formatIssues } from '../dsl/issues';
import type { WeftRunResult } from '../dsl/run-result';
import { validateDocument } from '../dsl/validate';
import type { WeftDagInput } from '../protocol/dag';
import { DagRun } from './dag-run';
import { LegacyDagRun } from './legacy/dag-run-v1';
import { FAILURE_TYPES } from '../dsl/failure-types';

/**
 * Runs recorded before this patch replay on the interpreter of Weft 0.1 (legacy/dag-run-v1.ts), whose
 * command order depended on asynchronous expression evaluation; every new run takes the current one.
 */
export const INTERPRETER_V2_PATCH = 'weft-interpreter-v2';

export async function weftDag(args: WeftDagInput): Promise<WeftRunResult> {
  // Exit handlers' expressions also read the nodes of the DAG that ended, which their input carries.
  const checked = validateDocument(args?.document, { readable: Object.keys(args?.exit?.nodes ?? {}) });
  if (!checked.ok) {
    // Non-retryable: no retry makes an invalid document valid; the details carry the issues as data.
    throw ApplicationFailure.create({
      type: FAILURE_TYPES.invalidDocument,
      nonRetryable: true,
      message: `The DAG document is invalid:\n${formatIssues(checked.issues)}`,
      details: [{ issues: checked.issues }],
    });
  }
  const run = patched(INTERPRETER_V2_PATCH)
    ? new DagRun(checked.document, args ?? {})
    : new LegacyDagRun(checked.document, args ?? {});
  const result = await run.execute();
  if (result.status === 'SUCCEEDED') return result;
  if (result.status === 'CANCELLED') throw new CancelledFailure('The DAG run was cancelled', [result]);
  throw ApplicationFailure.create({
    type: FAILURE_TYPES.dagFailed,
    nonRetryable: true,
    message: result.error?.nodeId
      ? `node "${result.error.nodeId}" failed: ${result.error.message}`
      : (result.error?.message ?? 'the DAG failed'),
    details: [result],
  });
}
