import {
  capacityReached,
  MAX_EXPRESSION_UNITS_PER_TASK,
  MAX_RUNNING_NODES,
  MAX_STARTS_PER_QUIET_TASK,
  MAX_STARTS_PER_TASK,
  TaskBudget,
  UNITS_PER_STEP,
} from '../../src/dsl/engine-limits';
import {
  executionId,
  liveStatus,
  mayHandOver,
  nodesToStopOnFailure,
  remainingMs,
  runError,
  searchStatus,
  type HandoverReadiness,
} from '../../src/dsl/run-decisions';
import {
  adoptLegacyCarried,
  initialRunState,
  markFailed,
  markRetrying,
  markRunCancelled,
  markRunTimedOut,
  markStarted,
  markWaiting,
  type NodeStatus,
} from '../../src/dsl/run-state';

const T = '2026-12-01T00:00:00.000Z';

describe('nodesToStopOnFailure', () => {
  const statuses: Record<string, NodeStatus> = { a: 'RUNNING', b: 'WAITING', c: 'RUNNING', failed: 'FAILED' };
  const statusOf = (id: string) => statuses[id]!;
  const active = ['a', 'failed', 'b', 'c'];

  it('with failFast (the default) stops every other running or waiting node, in the order they started', () => {
    expect(nodesToStopOnFailure('failed', active, statusOf, undefined)).toEqual(['a', 'b', 'c']);
    expect(nodesToStopOnFailure('failed', active, statusOf, true)).toEqual(['a', 'b', 'c']);
  });

  it('without failFast stops only nodes waiting for a person: nobody may act on a failing run', () => {
    expect(nodesToStopOnFailure('failed', active, statusOf, false)).toEqual(['b']);
  });
});

describe('liveStatus and searchStatus', () => {
  it('reads RUNNING or PAUSED from the state while the run is under way', () => {
    expect(liveStatus('RUNNING', { paused: true })).toBe('PAUSED');
    expect(liveStatus('PAUSED', { paused: false })).toBe('RUNNING');
    expect(liveStatus('RUNNING', { paused: false })).toBe('RUNNING');
  });

  it('keeps a final status', () => {
    for (const status of ['SUCCEEDED', 'FAILED', 'CANCELLED'] as const) {
      expect(liveStatus(status, { paused: true })).toBe(status);
    }
  });

  it('searches a RUNNING run with waiting nodes as WAITING, and nothing else', () => {
    expect(searchStatus('RUNNING', 2)).toBe('WAITING');
    expect(searchStatus('RUNNING', 0)).toBe('RUNNING');
    expect(searchStatus('PAUSED', 2)).toBe('PAUSED');
    expect(searchStatus('FAILED', 1)).toBe('FAILED');
  });
});

describe('runError', () => {
  const failedRun = () => {
    const state = initialRunState([{ id: 'a' }, { id: 'b' }]);
    markStarted(state, 'a', T);
    markFailed(state, { id: 'a' }, { message: 'boom', type: 'Boom' }, 1, T);
    return state;
  };

  it('names the node that failed the run, with its error', () => {
    expect(runError(failedRun(), 'FAILED', undefined, undefined)).toEqual({
      nodeId: 'a',
      message: 'boom',
      type: 'Boom',
    });
  });

  it('puts an output that could not be evaluated before anything else', () => {
    const outputError = { message: "the document's output could not be evaluated: x", type: 'WeftExpressionError' };
    expect(runError(failedRun(), 'FAILED', outputError, '1m')).toEqual(outputError);
  });

  it('reports the DAG timeout, and a cancellation', () => {
    const timedOut = initialRunState([{ id: 'a' }]);
    markRunTimedOut(timedOut);
    expect(runError(timedOut, 'FAILED', undefined, '30s')).toEqual({
      message: 'the DAG did not end within 30s',
      type: 'DagTimeout',
    });
    const cancelled = initialRunState([{ id: 'a' }]);
    markRunCancelled(cancelled);
    expect(runError(cancelled, 'CANCELLED', undefined, undefined)).toEqual({
      message: 'the run was cancelled',
      type: 'Cancelled',
    });
  });

  it('a node that failed first wins over a timeout that passed while the run was failing', () => {
    const state = failedRun();
    markRunTimedOut(state); // stopping stays "failed"
    expect(runError(state, 'FAILED', undefined, '1m')).toMatchObject({ nodeId: 'a' });
  });

  it('has none for a run that succeeded', () => {
    expect(runError(initialRunState([{ id: 'a' }]), 'SUCCEEDED', undefined, undefined)).toBeUndefined();
  });
});

describe('mayHandOver', () => {
  const ready: HandoverReadiness = {
    draining: true,
    pendingDecisions: 0,
    stopping: false,
    running: 0,
    runsUncarried: () => true,
  };

  it('hands over once draining and nothing runs', () => {
    expect(mayHandOver(ready)).toBe(true);
    expect(mayHandOver({ ...ready, draining: false })).toBe(false);
  });

  it('waits while an accepted decision is not taken yet, or the run is stopping', () => {
    expect(mayHandOver({ ...ready, pendingDecisions: 1 })).toBe(false);
    expect(mayHandOver({ ...ready, stopping: true })).toBe(false);
  });

  it('carries sleeps and waits over, but waits for other running nodes to finish', () => {
    expect(mayHandOver({ ...ready, running: 3, runsUncarried: () => false })).toBe(true);
    expect(mayHandOver({ ...ready, running: 3, runsUncarried: () => true })).toBe(false);
  });

  it('asks about running nodes only when it matters', () => {
    const runsUncarried = jest.fn(() => true);
    mayHandOver({ ...ready, draining: false, running: 3, runsUncarried });
    mayHandOver({ ...ready, running: 0, runsUncarried });
    expect(runsUncarried).not.toHaveBeenCalled();
  });
});

describe('execution ids and retry rounds', () => {
  it('keeps the node id in the first round and suffixes later ones', () => {
    expect(executionId('load', undefined)).toBe('load');
    expect(executionId('load', 1)).toBe('load');
    expect(executionId('load', 3)).toBe('load#3');
  });

  it("counts an operator's retries in the node's state", () => {
    const state = initialRunState([{ id: 'a' }]);
    markStarted(state, 'a', T);
    markWaiting(state, 'a', 'failure', 'failed', T);
    markRetrying(state, 'a');
    expect(state.nodes.a.round).toBe(2);
    markWaiting(state, 'a', 'failure', 'failed', T);
    markRetrying(state, 'a');
    expect(executionId('a', state.nodes.a.round)).toBe('a#3');
  });

  it('adopts the rounds and inputs that Weft 0.1 carried beside the state', () => {
    const state = initialRunState([{ id: 'a' }, { id: 'b' }]);
    adoptLegacyCarried(state, { rounds: { a: 2, b: 1, gone: 4 }, inputs: { b: { x: 1 } } });
    expect(state.nodes.a.round).toBe(2);
    expect(state.nodes.b.round).toBeUndefined();
    expect(state.nodes.b.compensationInput).toEqual({ x: 1 });
  });
});

describe('remainingMs', () => {
  const now = Date.parse(T);

  it('is the whole duration on a fresh start, and what is left since `since` otherwise', () => {
    expect(remainingMs(60_000, null, now)).toBe(60_000);
    expect(remainingMs(60_000, new Date(now - 20_000).toISOString(), now)).toBe(40_000);
  });

  it('is at least 1 ms: a timer that already passed still fires', () => {
    expect(remainingMs(1_000, new Date(now - 60_000).toISOString(), now)).toBe(1);
  });
});

describe('engine limits (E1, E2)', () => {
  it('E1: maxParallelism binds first, then the engine bound', () => {
    expect(capacityReached(3, 3)).toBe('parallelism');
    expect(capacityReached(2, 3)).toBeNull();
    expect(capacityReached(MAX_RUNNING_NODES, undefined)).toBe('engine');
    expect(capacityReached(MAX_RUNNING_NODES, 5000)).toBe('engine');
    expect(capacityReached(MAX_RUNNING_NODES - 1, undefined)).toBeNull();
  });

  it('E2: a task that began while nodes ran starts fewer nodes than a quiet one', () => {
    const busy = new TaskBudget(false);
    for (let i = 0; i < MAX_STARTS_PER_TASK - 1; i++) busy.started();
    expect(busy.spent()).toBe(false);
    busy.started();
    expect(busy.spent()).toBe(true);
    const quiet = new TaskBudget(true);
    for (let i = 0; i < MAX_STARTS_PER_TASK; i++) quiet.started();
    expect(quiet.spent()).toBe(false);
    for (let i = MAX_STARTS_PER_TASK; i < MAX_STARTS_PER_QUIET_TASK; i++) quiet.started();
    expect(quiet.spent()).toBe(true);
  });

  it('E2: expression work counts steps and data work together', () => {
    const task = new TaskBudget(true);
    task.evaluated(MAX_EXPRESSION_UNITS_PER_TASK / UNITS_PER_STEP / 2, MAX_EXPRESSION_UNITS_PER_TASK / 2 - 1);
    expect(task.spent()).toBe(false);
    task.evaluated(0, 1);
    expect(task.spent()).toBe(true);
  });
});
