/**
 * Operators steer a DAG run through Temporal updates, so each action is recorded in history and the caller
 * learns at once whether it was accepted. Validators only read state (src/dsl/intervention.ts decides):
 * a refused action changes nothing. An accepted node action becomes a Decision that the waiting node's
 * own loop takes; pause and resume flip the run state directly.
 */
import { ApplicationFailure, condition, setHandler } from '@temporalio/workflow';
import { checkNodeAction, checkRunAction, type NodeAction, type RunAction } from '../dsl/intervention';
import type { RunState } from '../dsl/run-state';
import {
  approveUpdate,
  failUpdate,
  pauseUpdate,
  rejectUpdate,
  resumeUpdate,
  retryUpdate,
  skipUpdate,
  type NodeActionInput,
} from '../protocol/dag';
import { FAILURE_TYPES } from '../dsl/failure-types';

/** What an operator decided for a waiting node. */
export type Decision =
  | { action: 'approve'; data: unknown }
  | { action: 'reject'; reason?: string }
  | { action: 'retry' }
  | { action: 'skip'; output: unknown }
  | { action: 'fail'; reason?: string };

/** The parts of a DAG run that interventions read and touch. */
export interface InterventionHost {
  readonly nodes: ReadonlyArray<{ id: string; type: string }>;
  readonly state: RunState;
  /** Accepted node actions not yet taken by their node. */
  readonly decisions: Map<string, Decision>;
  /** Tells the run's main loop that something changed. */
  wake(): void;
  /** Refreshes the Web UI details and search attributes. */
  publish(): void;
}

function refuse(message: string): never {
  throw ApplicationFailure.create({ type: FAILURE_TYPES.actionRefused, message, nonRetryable: true });
}

export function registerInterventions(host: InterventionHost): void {
  const onNode = (
    def: typeof approveUpdate,
    action: NodeAction,
    decide: (input: NodeActionInput) => Decision,
    done: string,
  ) =>
    setHandler(
      def,
      (input: NodeActionInput) => {
        host.decisions.set(input.nodeId, decide(input));
        host.wake();
        return `node "${input.nodeId}" ${done}`;
      },
      {
        validator: (input: NodeActionInput) => {
          const problem = checkNodeAction(
            host.nodes,
            host.state,
            action,
            input?.nodeId,
            new Set(host.decisions.keys()),
          );
          if (problem) refuse(problem);
        },
      },
    );
  onNode(approveUpdate, 'approve', (i) => ({ action: 'approve', data: i.data ?? null }), 'approved');
  onNode(rejectUpdate, 'reject', (i) => ({ action: 'reject', reason: i.reason }), 'rejected');
  onNode(retryUpdate, 'retry', () => ({ action: 'retry' }), 'will run again with a fresh set of attempts');
  onNode(skipUpdate, 'skip', (i) => ({ action: 'skip', output: i.output ?? null }), 'skipped');
  onNode(failUpdate, 'fail', (i) => ({ action: 'fail', reason: i.reason }), 'failed; the run takes its failure path');

  const onRun = (def: typeof pauseUpdate, action: RunAction, paused: boolean, done: string) =>
    setHandler(
      def,
      () => {
        host.state.paused = paused;
        host.wake();
        host.publish();
        return done;
      },
      {
        validator: () => {
          const problem = checkRunAction(host.state, action);
          if (problem) refuse(problem);
        },
      },
    );
  onRun(pauseUpdate, 'pause', true, 'paused: no new node starts; running nodes finish');
  onRun(resumeUpdate, 'resume', false, 'resumed');
}

/** Waits for an operator's decision on a waiting node, and takes it. */
export async function takeDecision(decisions: Map<string, Decision>, nodeId: string): Promise<Decision> {
  await condition(() => decisions.has(nodeId));
  const decision = decisions.get(nodeId)!;
  decisions.delete(nodeId);
  return decision;
}
