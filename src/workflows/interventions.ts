/**
 * Operators steer a DAG run through Temporal updates, so each action is recorded in history and the caller
 * learns at once whether it was accepted; every action is also a signal of the same name and argument, for
 * callers that cannot send updates. Checks only read state (src/dsl/intervention.ts decides): a refused
 * action changes nothing (a refused update answers why, a refused signal is listed in the run's view). An
 * accepted node action becomes a Decision that the waiting node's own loop takes; pause and resume flip the
 * run state directly.
 */
import { ApplicationFailure, condition, setHandler, type SignalDefinition } from '@temporalio/workflow';
import { checkNodeAction, checkRunAction, type NodeAction, type RunAction } from '../dsl/intervention';
import type { RunState } from '../dsl/run-state';
import {
  actionSignals,
  approveUpdate,
  failUpdate,
  pauseUpdate,
  rejectUpdate,
  resumeUpdate,
  retryUpdate,
  skipUpdate,
  type NodeActionInput,
  type RefusedSignal,
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
  /** Signals refused, newest last (the view lists them). */
  readonly refusedSignals: RefusedSignal[];
  /** Tells the run's main loop that something changed. */
  wake(): void;
  /** Refreshes the Web UI details and search attributes. */
  publish(): void;
  now(): string;
}

/** The refused signals a run keeps for its view. */
export const REFUSED_SIGNALS_KEPT = 10;

function refuse(message: string): never {
  throw ApplicationFailure.create({ type: FAILURE_TYPES.actionRefused, message, nonRetryable: true });
}

interface ActionHandler<I> {
  /** Why the action is refused, or null. */
  check(input: I): string | null;
  /** Carries it out; says what was done. */
  apply(input: I): string;
}

export function registerInterventions(host: InterventionHost): void {
  const both = <I>(
    name: string,
    update: Parameters<typeof setHandler>[0],
    signal: SignalDefinition<[I]> | SignalDefinition<[I?]>,
    handler: ActionHandler<I>,
  ) => {
    setHandler(update as typeof approveUpdate, (input) => handler.apply(input as I), {
      validator: (input) => {
        const problem = handler.check(input as I);
        if (problem) refuse(problem);
      },
    });
    setHandler(signal as SignalDefinition<[I]>, (input: I) => {
      const problem = handler.check(input);
      if (problem === null) {
        handler.apply(input);
        return;
      }
      const nodeId = (input as Partial<NodeActionInput> | undefined)?.nodeId;
      host.refusedSignals.push({
        signal: name,
        ...(typeof nodeId === 'string' ? { nodeId } : {}),
        reason: problem,
        at: host.now(),
      });
      host.refusedSignals.splice(0, Math.max(0, host.refusedSignals.length - REFUSED_SIGNALS_KEPT));
      host.publish();
    });
  };

  const onNode = (action: NodeAction, decide: (input: NodeActionInput) => Decision, done: string) =>
    both<NodeActionInput>(action, UPDATE_OF[action], actionSignals[action], {
      check: (input) => checkNodeAction(host.nodes, host.state, action, input?.nodeId, new Set(host.decisions.keys())),
      apply: (input) => {
        host.decisions.set(input.nodeId, decide(input));
        host.wake();
        return `node "${input.nodeId}" ${done}`;
      },
    });
  onNode('approve', (i) => ({ action: 'approve', data: i.data ?? null }), 'approved');
  onNode('reject', (i) => ({ action: 'reject', reason: i.reason }), 'rejected');
  onNode('retry', () => ({ action: 'retry' }), 'will run again with a fresh set of attempts');
  onNode('skip', (i) => ({ action: 'skip', output: i.output ?? null }), 'skipped');
  onNode('fail', (i) => ({ action: 'fail', reason: i.reason }), 'failed; the run takes its failure path');

  const onRun = (action: RunAction, paused: boolean, done: string) =>
    both<Partial<NodeActionInput> | undefined>(action, UPDATE_OF[action], actionSignals[action], {
      check: () => checkRunAction(host.state, action),
      apply: () => {
        host.state.paused = paused;
        host.wake();
        host.publish();
        return done;
      },
    });
  onRun('pause', true, 'paused: no new node starts; running nodes finish');
  onRun('resume', false, 'resumed');
}

const UPDATE_OF = {
  approve: approveUpdate,
  reject: rejectUpdate,
  retry: retryUpdate,
  skip: skipUpdate,
  fail: failUpdate,
  pause: pauseUpdate,
  resume: resumeUpdate,
} as const;

/** Waits for an operator's decision on a waiting node, and takes it. */
export async function takeDecision(decisions: Map<string, Decision>, nodeId: string): Promise<Decision> {
  await condition(() => decisions.has(nodeId));
  const decision = decisions.get(nodeId)!;
  decisions.delete(nodeId);
  return decision;
}
