import type { NodeResult } from '../../src/dsl/run-result';
import { planRerun } from '../../src/dsl/rerun';

const T = '2026-12-02T00:00:00.000Z';
const node = (status: NodeResult['status'], extra: Partial<NodeResult> = {}): NodeResult => ({
  status,
  attempts: 1,
  startedAt: T,
  endedAt: T,
  output: { from: status },
  error: null,
  ...extra,
});

// a -> b -> c -> d, and e beside them
const nodes = [
  { id: 'a' },
  { id: 'b', dependsOn: ['a'] },
  { id: 'c', dependsOn: ['b'] },
  { id: 'd', dependsOn: ['c'] },
  { id: 'e' },
];

describe('which nodes a rerun keeps', () => {
  it('keeps what succeeded and was not compensated; runs failed, skipped, cancelled and compensated nodes', () => {
    const planned = planRerun('wf', nodes, {
      a: node('SUCCEEDED'),
      b: node('COMPENSATED'),
      c: node('FAILED'),
      d: node('SKIPPED'),
      e: node('CANCELLED'),
    });
    expect(planned.ok && Object.keys(planned.plan.kept)).toEqual(['a']);
    expect(planned.ok && planned.plan).toEqual({
      of: 'wf',
      kept: { a: { output: { from: 'SUCCEEDED' }, attempts: 1, startedAt: T, endedAt: T } },
    });
  });

  it('runs again every node at or downstream of a --from node', () => {
    const all = Object.fromEntries(nodes.map(({ id }) => [id, node('SUCCEEDED')]));
    const planned = planRerun('wf', nodes, all, ['b']);
    expect(planned.ok && Object.keys(planned.plan.kept)).toEqual(['a', 'e']);
    const two = planRerun('wf', nodes, all, ['d', 'e']);
    expect(two.ok && Object.keys(two.plan.kept)).toEqual(['a', 'b', 'c']);
  });

  it('runs again a node whose output the recorded result left out (it is not there to reuse)', () => {
    const planned = planRerun('wf', nodes, { a: node('SUCCEEDED', { output: null, outputOmitted: 3_000_000 }) });
    expect(planned.ok && planned.plan.kept).toEqual({});
  });

  it('refuses an unknown --from node with a sentence', () => {
    expect(planRerun('wf', nodes, {}, ['bb'])).toEqual({
      ok: false,
      problem: 'the DAG of "wf" has no node "bb" to rerun from; did you mean "b"?',
    });
  });
});
