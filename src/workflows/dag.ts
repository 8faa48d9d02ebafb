/** The `weftDag` workflow: validate the document again, then interpret it. */
import { ApplicationFailure, CancelledFailure } from '@temporalio/workflow';
import { formatIssues } from '../dsl/issues';
import type { WeftRunResult } from '../dsl/run-result';
import { validateDocument } from '../dsl/validate';
import type { WeftDagInput } from './dag-api';
import { DagRun } from './dag-run';

export async function weftDag(args: WeftDagInput): Promise<WeftRunResult> {
  const checked = validateDocument(args?.document);
  if (!checked.ok) {
    // Non-retryable: no retry makes an invalid document valid; the details carry the issues as data.
    throw ApplicationFailure.create({
      type: 'WeftInvalidDocument',
      nonRetryable: true,
      message: `The DAG document is invalid:\n${formatIssues(checked.issues)}`,
      details: [{ issues: checked.issues }],
    });
  }
  const result = await new DagRun(checked.document, args ?? {}).execute();
  if (result.status === 'SUCCEEDED') return result;
  if (result.status === 'CANCELLED') throw new CancelledFailure('The DAG run was cancelled', [result]);
  throw ApplicationFailure.create({
    type: 'WeftDagFailed',
    nonRetryable: true,
    message: result.error?.nodeId ? `node "${result.error.nodeId}" failed: ${result.error.message}` : (result.error?.message ?? 'the DAG failed'),
    details: [result],
  });
}
