import { compileActivityOptions, DEFAULT_START_TO_CLOSE } from '../../src/dsl/activity-options';
import { renderRunMarkdown } from '../../src/dsl/run-result';
import {
  compensationOrder,
  evaluateTriggers,
  finalizePending,
  initialRunState,
  isSettled,
  markCompensated,
  markFailed,
  markRunCancelled,
  markSkipped,
  markStarted,
  markSucceeded,
  runOutcome,
  type SchedulableNode,
} from '../../src/dsl/run-state';
import { decideTrigger, type NodeStatus, type TriggerRule } from '../../src/dsl/trigger-rules';

const T = '2026-11-21T00:00:00.000Z';

describe('decideTrigger', () => {
  const cases: Array<[TriggerRule, NodeStatus[], 'run' | 'wait' | 'skip']> = [
    ['allSuccess', ['SUCCEEDED', 'SUCCEEDED'], 'run'],
    ['allSuccess', ['SUCCEEDED', 'RUNNING'], 'wait'],
    ['allSuccess', ['FAILED', 'RUNNING'], 'skip'],
    ['allSuccess', ['SKIPPED', 'SUCCEEDED'], 'skip'],
    ['allDone', ['FAILED', 'SKIPPED'], 'run'],
    ['allDone', ['FAILED', 'WAITING'], 'wait'],
    ['oneSuccess', ['RUNNING', 'SUCCEEDED'], 'run'],
    ['oneSuccess', ['FAILED', 'SKIPPED'], 'skip'],
    ['oneSuccess', ['FAILED', 'PENDING'], 'wait'],
    ['oneFailed', ['RUNNING', 'FAILED'], 'run'],
    ['oneFailed', ['RUNNING', 'CANCELLED'], 'run'],
    ['oneFailed', ['SUCCEEDED', 'SKIPPED'], 'skip'],
    ['allFailed', ['FAILED', 'FAILED'], 'run'],
    ['allFailed', ['FAILED', 'SUCCEEDED'], 'skip'],
    ['allFailed', ['FAILED', 'RUNNING'], 'wait'],
    ['noneFailed', ['SUCCEEDED', 'SKIPPED'], 'run'],
    ['noneFailed', ['SUCCEEDED', 'FAILED'], 'skip'],
    ['noneFailed', ['SUCCEEDED', 'RUNNING'], 'wait'],
    ['allSuccess', ['COMPENSATED'], 'run'],
  ];
  it.each(cases)('%s over %j is %s', (rule, upstream, expected) => {
    expect(decideTrigger(rule, upstream)).toBe(expected);
  });

  it('runs a node without upstream nodes whatever its rule', () => {
    for (const rule of ['allSuccess', 'allDone', 'noneFailed'] as TriggerRule[]) expect(decideTrigger(rule, [])).toBe('run');
  });
});

describe('the run state', () => {
  const diamond: SchedulableNode[] = [
    { id: 'a', compensate: {} },
    { id: 'b', dependsOn: ['a'], compensate: {} },
    { id: 'c', dependsOn: ['a'] },
    { id: 'd', dependsOn: ['b', 'c'] },
  ];

  it('makes a node ready as soon as its own upstream nodes are done, not a whole level', () => {
    const nodes: SchedulableNode[] = [{ id: 'fast' }, { id: 'slow' }, { id: 'after_fast', dependsOn: ['fast'] }];
    const state = initialRunState(nodes);
    expect(evaluateTriggers(nodes, state).ready).toEqual(['fast', 'slow']);
    markStarted(state, 'fast', T);
    markStarted(state, 'slow', T);
    markSucceeded(state, 'fast', 1, 1, T);
    expect(evaluateTriggers(nodes, state).ready).toEqual(['after_fast']);
  });

  it('never starts a node twice (S1)', () => {
    const state = initialRunState(diamond);
    markStarted(state, 'a', T);
    expect(() => markStarted(state, 'a', T)).toThrow(/cannot start: it is RUNNING/);
  });

  it('cascades skips through allSuccess nodes', () => {
    const nodes: SchedulableNode[] = [{ id: 'a' }, { id: 'b', dependsOn: ['a'] }, { id: 'c', dependsOn: ['b'] }, { id: 'd', dependsOn: ['b'], trigger: 'allDone' }];
    const state = initialRunState(nodes);
    markSkipped(state, 'a', 'when is false', T);
    let round = evaluateTriggers(nodes, state);
    expect(round.skipped.map((s) => s.id)).toEqual(['b']);
    markSkipped(state, 'b', round.skipped[0].reason, T);
    round = evaluateTriggers(nodes, state);
    expect(round.skipped.map((s) => s.id)).toEqual(['c']);
    expect(round.ready).toEqual(['d']);
  });

  it('stops scheduling once a node fails with onFailure "fail" (S3), but not with "continue"', () => {
    const nodes: SchedulableNode[] = [{ id: 'x', onFailure: 'continue' }, { id: 'y' }, { id: 'z', dependsOn: ['x'], trigger: 'allDone' }];
    const state = initialRunState(nodes);
    markStarted(state, 'x', T);
    expect(markFailed(state, nodes[0], { message: 'boom', type: 'E' }, 1, T).runFails).toBe(false);
    expect(evaluateTriggers(nodes, state).ready).toEqual(['y', 'z']);
    markStarted(state, 'y', T);
    expect(markFailed(state, nodes[1], { message: 'boom', type: 'E' }, 1, T).runFails).toBe(true);
    expect(evaluateTriggers(nodes, state)).toEqual({ ready: [], skipped: [] });
    expect(isSettled(nodes, state)).toBe(true);
    finalizePending(state, T);
    expect(state.nodes.z).toMatchObject({ status: 'SKIPPED', reason: 'the run stopped after "y" failed' });
    expect(runOutcome(state)).toBe('FAILED');
  });

  it('compensates succeeded nodes with compensate, newest completion first (S4)', () => {
    const state = initialRunState(diamond);
    markStarted(state, 'a', T);
    markSucceeded(state, 'a', null, 1, T);
    markStarted(state, 'b', T);
    markStarted(state, 'c', T);
    markSucceeded(state, 'c', null, 1, T);
    markSucceeded(state, 'b', null, 1, T);
    expect(compensationOrder(diamond, state)).toEqual(['b', 'a']);
    markCompensated(state, 'b', { message: 'refund failed', type: 'E' }, T);
    markCompensated(state, 'a', null, T);
    expect([state.nodes.a.status, state.nodes.b.status]).toEqual(['COMPENSATED', 'COMPENSATION_FAILED']);
    expect(compensationOrder(diamond, state)).toEqual([]); // exactly once
  });

  it('reports nodes that never ran as CANCELLED when the run was cancelled', () => {
    const state = initialRunState(diamond);
    markRunCancelled(state);
    finalizePending(state, T);
    expect(Object.values(state.nodes).map((n) => n.status)).toEqual(['CANCELLED', 'CANCELLED', 'CANCELLED', 'CANCELLED']);
    expect(runOutcome(state)).toBe('CANCELLED');
  });

  it('renders a markdown table for the Web UI, escaping pipes', () => {
    const state = initialRunState(diamond);
    markStarted(state, 'a', T);
    markFailed(state, diamond[0], { message: 'bad | input', type: 'E' }, 2, T);
    expect(renderRunMarkdown('etl', 'FAILED', state, ['Failing: node "a" failed.'])).toMatchInlineSnapshot(`
"**etl** — FAILED (1 failed, 3 pending)
> Failing: node "a" failed.

| node | status | attempts | detail |
| --- | --- | --- | --- |
| a | ❌ FAILED | 2 | bad \\| input |
| b | ⏳ PENDING |  |  |
| c | ⏳ PENDING |  |  |
| d | ⏳ PENDING |  |  |"
`);
  });
});

describe('compileActivityOptions', () => {
  it('applies Weft defaults: 3 attempts, a 10-minute start-to-close, NotFoundError never retried', () => {
    expect(compileActivityOptions({})).toEqual({
      startToCloseTimeout: 600_000,
      retry: {
        maximumAttempts: 3,
        initialInterval: 1000,
        backoffCoefficient: 2,
        maximumInterval: 60_000,
        nonRetryableErrorTypes: ['NotFoundError', 'WeftBadInput', 'WeftHostNotAllowed'],
      },
    });
    expect(DEFAULT_START_TO_CLOSE).toBe('10m');
  });

  it("lets the node's fields win over the document's defaults, field by field", () => {
    const compiled = compileActivityOptions(
      { retry: { maxAttempts: 5 }, timeout: { heartbeat: '10s' } },
      { retry: { initialInterval: '2s', maxAttempts: 2 }, timeout: { scheduleToClose: '1h' }, taskQueue: 'etl' },
    );
    expect(compiled).toMatchObject({
      taskQueue: 'etl',
      scheduleToCloseTimeout: 3_600_000,
      heartbeatTimeout: 10_000,
      retry: { maximumAttempts: 5, initialInterval: 2000 },
    });
    expect(compiled.startToCloseTimeout).toBeUndefined(); // scheduleToClose bounds it already
  });

  it('keeps maximumInterval at least initialInterval', () => {
    expect(compileActivityOptions({ retry: { initialInterval: '5m' } }).retry.maximumInterval).toBe(300_000);
  });
});
