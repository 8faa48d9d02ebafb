import { compileActivityOptions, DEFAULT_START_TO_CLOSE } from '../../src/dsl/activity-options';
import { fitRunResult, renderRunMarkdown, summarizeRun } from '../../src/dsl/run-result';
import {
  compensationOrder,
  evaluateTriggers,
  finalizePending,
  initialRunState,
  isSettled,
  markCompensated,
  markFailed,
  markRunCancelled,
  markRunTimedOut,
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
    for (const rule of ['allSuccess', 'allDone', 'noneFailed'] as TriggerRule[])
      expect(decideTrigger(rule, [])).toBe('run');
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
    const nodes: SchedulableNode[] = [
      { id: 'a' },
      { id: 'b', dependsOn: ['a'] },
      { id: 'c', dependsOn: ['b'] },
      { id: 'd', dependsOn: ['b'], trigger: 'allDone' },
    ];
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
    const nodes: SchedulableNode[] = [
      { id: 'x', onFailure: 'continue' },
      { id: 'y' },
      { id: 'z', dependsOn: ['x'], trigger: 'allDone' },
    ];
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

  it('a DAG timeout stops new starts and fails the run, unless the run was already stopping', () => {
    const state = initialRunState(diamond);
    markStarted(state, 'a', T);
    markSucceeded(state, 'a', null, 1, T);
    markRunTimedOut(state);
    expect(evaluateTriggers(diamond, state)).toEqual({ ready: [], skipped: [] }); // S3
    finalizePending(state, T);
    expect(state.nodes.b).toMatchObject({ status: 'SKIPPED', reason: 'the DAG timed out before it could run' });
    expect(runOutcome(state)).toBe('FAILED');

    const cancelled = initialRunState(diamond);
    markRunCancelled(cancelled);
    markRunTimedOut(cancelled);
    expect(runOutcome(cancelled)).toBe('CANCELLED');
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

  it("undoes a map's succeeded items whatever the map's own status, and keeps a failed map FAILED", () => {
    const nodes: SchedulableNode[] = [{ id: 'ok' }, { id: 'broken' }, { id: 'idle' }];
    const state = initialRunState(nodes);
    for (const id of ['ok', 'broken', 'idle']) markStarted(state, id, T);
    markSucceeded(state, 'ok', [1], 1, T);
    state.nodes.ok.mapCompensable = { completed: [0], outputsPerItem: false };
    markFailed(state, nodes[1]!, { message: '3 of 4 items failed', type: 'WeftMapFailed' }, 1, T);
    state.nodes.broken.mapCompensable = { completed: [2, 0], outputsPerItem: false, outputs: ['c', 'a'] };
    markSucceeded(state, 'idle', [], 1, T);
    state.nodes.idle.mapCompensable = { completed: [], outputsPerItem: false }; // nothing to undo
    expect(compensationOrder(nodes, state)).toEqual(['broken', 'ok']);
    markCompensated(state, 'broken', null, T);
    markCompensated(state, 'ok', null, T);
    expect([state.nodes.broken.status, state.nodes.ok.status]).toEqual(['FAILED', 'COMPENSATED']);
    expect(state.nodes.broken.compensation?.status).toBe('COMPENSATED');
    expect(compensationOrder(nodes, state)).toEqual([]);
  });

  it('reports nodes that never ran as CANCELLED when the run was cancelled', () => {
    const state = initialRunState(diamond);
    markRunCancelled(state);
    finalizePending(state, T);
    expect(Object.values(state.nodes).map((n) => n.status)).toEqual([
      'CANCELLED',
      'CANCELLED',
      'CANCELLED',
      'CANCELLED',
    ]);
    expect(runOutcome(state)).toBe('CANCELLED');
  });

  it('renders a markdown table for the Web UI, escaping pipes', () => {
    const state = initialRunState(diamond);
    markStarted(state, 'a', T);
    markFailed(state, diamond[0], { message: 'bad | input', type: 'E' }, 2, T);
    expect(renderRunMarkdown('etl', 'FAILED', summarizeRun(state, ['Failing: node "a" failed.'])))
      .toMatchInlineSnapshot(`
"**etl** — FAILED (3 pending, 1 failed)
> Failing: node "a" failed.

| node | status | attempts | detail |
| --- | --- | --- | --- |
| a | **FAILED** | 2 | bad \\| input |
| b | PENDING |  |  |
| c | PENDING |  |  |
| d | PENDING |  |  |"
`);
  });
});

describe('renderRunMarkdown of a large DAG', () => {
  it('lists only the nodes worth a look and says how many it left out', () => {
    const nodes: SchedulableNode[] = Array.from({ length: 150 }, (_, k) => ({
      id: `n${k}`,
      onFailure: 'continue' as const,
    }));
    const state = initialRunState(nodes);
    for (const k of [0, 1, 2, 3]) markStarted(state, `n${k}`, T);
    markSucceeded(state, 'n0', null, 1, T);
    markFailed(state, nodes[1], { message: 'boom', type: 'E' }, 3, T);
    expect(renderRunMarkdown('big', 'RUNNING', summarizeRun(state))).toMatchInlineSnapshot(`
"**big** — RUNNING (146 pending, 2 running, 1 succeeded, 1 failed)

| node | status | attempts | detail |
| --- | --- | --- | --- |
| n1 | **FAILED** | 3 | boom |
| n2 | RUNNING |  |  |
| n3 | RUNNING |  |  |

147 more nodes (pending, succeeded, skipped or past the first 100) are left out; \`weft status\` lists them all."
`);
  });
});

describe('fitRunResult', () => {
  const node = (output: unknown) => ({
    status: 'SUCCEEDED' as const,
    attempts: 1,
    startedAt: T,
    endedAt: T,
    output,
    error: null,
  });
  const result = (output: unknown, outputs: Record<string, unknown>) => ({
    workflowId: 'w',
    runId: 'r',
    dag: 'd',
    status: 'SUCCEEDED' as const,
    output,
    nodes: Object.fromEntries(Object.entries(outputs).map(([id, o]) => [id, node(o)])),
  });

  it('returns a result that fits as it is', () => {
    const small = result(1, { a: 'x' });
    expect(fitRunResult(small, 10_000)).toBe(small);
  });

  it('leaves out the largest node outputs first, saying how large each was, until the result fits', () => {
    const big = result({ total: 3 }, { a: 'a'.repeat(100), b: 'b'.repeat(500), c: 'c'.repeat(300) });
    const size = JSON.stringify(big).length;
    const fitted = fitRunResult(big, size - 400);
    expect(fitted.nodes.b).toMatchObject({ output: null, outputOmitted: 502 });
    expect(fitted.nodes.c.output).toBe('c'.repeat(300));
    expect(fitted.nodes.a.output).toBe('a'.repeat(100));
    expect(fitted.output).toEqual({ total: 3 });
    expect(JSON.stringify(fitted).length).toBeLessThanOrEqual(size - 400);
    expect(big.nodes.b.output).toBe('b'.repeat(500)); // the input is not changed
  });

  it('leaves out the run output last', () => {
    const big = result('o'.repeat(1000), { a: 'a'.repeat(100) });
    const fitted = fitRunResult(big, 500);
    expect(fitted).toMatchObject({
      output: null,
      outputOmitted: 1002,
      nodes: { a: { output: null, outputOmitted: 102 } },
    });
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
