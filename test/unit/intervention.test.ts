import { checkNodeAction, checkRunAction } from '../../src/dsl/intervention';
import { initialRunState, markFailed, markStarted, markWaiting, markRunCancelled } from '../../src/dsl/run-state';

const T = '2026-11-21T00:00:00.000Z';
const nodes = [
  { id: 'gate', type: 'approval' },
  { id: 'load', type: 'activity', onFailure: 'wait' as const },
  { id: 'other', type: 'activity' },
];

function state() {
  const s = initialRunState(nodes);
  markStarted(s, 'gate', T);
  markWaiting(s, 'gate', 'approval', 'waiting for approval', T);
  markStarted(s, 'load', T);
  markWaiting(s, 'load', 'failure', 'failed', T);
  return s;
}

describe('checkNodeAction', () => {
  it('allows approve/reject on a waiting approval and retry/skip/fail on a node waiting after failure', () => {
    const s = state();
    for (const action of ['approve', 'reject'] as const) expect(checkNodeAction(nodes, s, action, 'gate')).toBeNull();
    for (const action of ['retry', 'skip', 'fail'] as const)
      expect(checkNodeAction(nodes, s, action, 'load')).toBeNull();
  });

  it('names unknown nodes with a suggestion', () => {
    expect(checkNodeAction(nodes, state(), 'approve', 'gaet')).toBe(
      'there is no node "gaet" in this DAG; did you mean "gate"?',
    );
    expect(checkNodeAction(nodes, state(), 'approve', undefined)).toBe('approve needs a node id');
  });

  it('refuses actions that do not fit the node', () => {
    const s = state();
    expect(checkNodeAction(nodes, s, 'approve', 'load')).toBe(
      'node "load" is not an approval node (its type is "activity")',
    );
    expect(checkNodeAction(nodes, s, 'retry', 'other')).toMatch(
      /^node "other" is not waiting after a failure \(it is PENDING\)/,
    );
    expect(checkNodeAction(nodes, s, 'skip', 'gate')).toMatch(/approve or reject it instead$/);
    expect(checkNodeAction(nodes, s, 'approve', 'gate', new Set(['gate']))).toMatch(/was just accepted/);
  });

  it('refuses every node action once the run is failing or cancelled', () => {
    const s = state();
    markStarted(s, 'other', T);
    markFailed(s, nodes[2], { message: 'x', type: 'E' }, 1, T);
    expect(checkNodeAction(nodes, s, 'approve', 'gate')).toBe(
      'the run is failing (node "other" failed); it takes no more node actions',
    );
    const c = state();
    markRunCancelled(c);
    expect(checkNodeAction(nodes, c, 'retry', 'load')).toMatch(/^the run is being cancelled/);
  });
});

describe('checkRunAction', () => {
  it('pauses a running run once and resumes a paused one', () => {
    const s = state();
    expect(checkRunAction(s, 'pause')).toBeNull();
    expect(checkRunAction(s, 'resume')).toBe('the run is not paused');
    s.paused = true;
    expect(checkRunAction(s, 'pause')).toBe('the run is already paused');
    expect(checkRunAction(s, 'resume')).toBeNull();
  });
});
