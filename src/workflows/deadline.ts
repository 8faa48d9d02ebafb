/** The DAG's `timeout`: a timer counted from the start of the first run (a hand-over does not restart it). */
import { inWorkflowContext, sleep } from '@temporalio/workflow';
import type { Duration } from '../dsl/duration';
import type { RunContext } from './run-context';

/** Calls `passed` when the DAG's timeout passes, unless the run ended or was cancelled first. */
export function watchDeadline(timeout: Duration, run: RunContext, passed: () => void): void {
  sleep(run.remaining(timeout, run.startedAt), { summary: `DAG timeout (${timeout})` }).then(
    () => {
      // Not while the SDK disposes of the workflow: the state is gone then.
      if (inWorkflowContext()) passed();
    },
    () => undefined, // the run was cancelled first
  );
}
