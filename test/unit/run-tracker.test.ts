/**
 * The run tracker keeps indexes event by event; the reference is `evaluateTriggers`, which re-scans every
 * node. On thousands of random DAGs and event orders both must take the same decisions in the same order,
 * or recorded histories would stop replaying.
 */
import {
  evaluateTriggers,
  isTearingDown,
  type TriggerOptions,
  initialRunState,
  isSettled,
  markFailed,
  markSkipped,
  markStarted,
  markSucceeded,
  runningNodes,
  type RunState,
  type SchedulableNode,
} from '../../src/dsl/run-state';
import { RunTracker } from '../../src/dsl/run-tracker';
import type { TriggerRule } from '../../src/dsl/trigger-rules';

function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const RULES: TriggerRule[] = ['allSuccess', 'allDone', 'oneSuccess', 'oneFailed', 'allFailed', 'noneFailed'];

interface Scenario {
  nodes: SchedulableNode[];
  /** Nodes whose `when` is false. */
  whenFalse: Set<string>;
  /** Nodes that fail when they run. */
  failing: Set<string>;
  capacity: number;
  /** Which running node completes next: an index into the running list, drawn per event. */
  pick: () => number;
}

function scenario(seed: number): Scenario {
  const random = prng(seed);
  const n = 1 + Math.floor(random() * 25);
  const nodes: SchedulableNode[] = [];
  for (let i = 0; i < n; i++) {
    const dependsOn = [
      ...new Set(Array.from({ length: Math.floor(random() * 3) }, () => `n${Math.floor(random() * i)}`)),
    ].filter(() => i > 0);
    nodes.push({
      id: `n${i}`,
      dependsOn,
      trigger: random() < 0.6 ? 'allSuccess' : RULES[Math.floor(random() * RULES.length)],
      onFailure: random() < 0.7 ? 'continue' : 'fail',
    });
  }
  const pickRandom = prng(seed + 1);
  return {
    nodes,
    whenFalse: new Set(nodes.filter(() => random() < 0.15).map((x) => x.id)),
    failing: new Set(nodes.filter(() => random() < 0.25).map((x) => x.id)),
    capacity: random() < 0.5 ? 1 + Math.floor(random() * 4) : Number.POSITIVE_INFINITY,
    pick: () => pickRandom(),
  };
}

/** The interpreter's loop before the tracker: re-scan, apply skips, start ready nodes up to capacity. */
function runReference(s: Scenario, options: TriggerOptions = {}): string[] {
  const log: string[] = [];
  const state: RunState = initialRunState(s.nodes);
  const byId = new Map(s.nodes.map((x) => [x.id, x]));
  for (let guard = 0; guard < 1000; guard++) {
    for (;;) {
      const { ready, skipped } = evaluateTriggers(s.nodes, state, options);
      for (const { id, reason } of skipped) {
        markSkipped(state, id, reason, 't');
        log.push(`skip ${id} (${reason})`);
      }
      let conditionSkipped = false;
      for (const id of ready) {
        if ((state.stopping && !isTearingDown(state, options)) || runningNodes(state).length >= s.capacity) break;
        if (s.whenFalse.has(id)) {
          markSkipped(state, id, 'when', 't');
          log.push(`when ${id}`);
          conditionSkipped = true;
          continue;
        }
        markStarted(state, id, 't');
        log.push(`start ${id}`);
      }
      if (skipped.length === 0 && !conditionSkipped) break;
    }
    if (isSettled(s.nodes, state, options)) return log;
    const running = runningNodes(state);
    const id = running[Math.floor(s.pick() * running.length)]!;
    if (s.failing.has(id)) markFailed(state, byId.get(id)!, { message: 'x', type: 'X' }, 1, 't');
    else markSucceeded(state, id, null, 1, 't');
    log.push(`done ${id}`);
  }
  throw new Error('the reference did not settle');
}

function runTracker(s: Scenario, options: TriggerOptions = {}): string[] {
  const log: string[] = [];
  const tracker = new RunTracker(s.nodes, undefined, options);
  const byId = new Map(s.nodes.map((x) => [x.id, x]));
  const running: string[] = [];
  for (let guard = 0; guard < 1000; guard++) {
    for (;;) {
      const { ready, skipped } = tracker.pass();
      for (const { id, reason } of skipped) {
        tracker.skip(id, reason, 't');
        log.push(`skip ${id} (${reason})`);
      }
      let conditionSkipped = false;
      for (const id of ready) {
        if (!tracker.startsAllowed || tracker.running >= s.capacity) break;
        if (s.whenFalse.has(id)) {
          tracker.skip(id, 'when', 't');
          log.push(`when ${id}`);
          conditionSkipped = true;
          continue;
        }
        tracker.start(id, 't');
        running.push(id);
        log.push(`start ${id}`);
      }
      if (skipped.length === 0 && !conditionSkipped) break;
    }
    if (tracker.isSettled()) return log;
    // The same pick as the reference: running nodes in document order.
    running.sort((a, b) => Number(a.slice(1)) - Number(b.slice(1)));
    const [id] = running.splice(Math.floor(s.pick() * running.length), 1);
    if (s.failing.has(id!)) tracker.fail(byId.get(id!)!, { message: 'x', type: 'X' }, 1, 't');
    else tracker.succeed(id!, null, 1, 't');
    log.push(`done ${id}`);
  }
  throw new Error('the tracker did not settle');
}

describe('RunTracker', () => {
  it.each([
    ['without teardown (Weft 0.1)', {}],
    ['with teardown nodes running while the run fails', { teardown: true }],
  ])(
    'takes the same decisions in the same order as re-scanning every node, on 3,000 random runs, %s',
    (_what, options: TriggerOptions) => {
      for (let seed = 1; seed <= 3000; seed++) {
        const reference = runReference(scenario(seed), options);
        const tracked = runTracker(scenario(seed), options);
        if (tracked.join('\n') !== reference.join('\n')) {
          throw new Error(`seed ${seed}:\nreference:\n${reference.join('\n')}\ntracker:\n${tracked.join('\n')}`);
        }
      }
    },
  );

  it('runs allDone, oneFailed and allFailed nodes after a failure that fails the run, and skips the rest', () => {
    const nodes: SchedulableNode[] = [
      { id: 'extract' },
      { id: 'load', dependsOn: ['extract'] },
      { id: 'report', dependsOn: ['load'] },
      { id: 'cleanup', dependsOn: ['load'], trigger: 'allDone' },
      { id: 'alert', dependsOn: ['extract'], trigger: 'oneFailed' },
      { id: 'audit', dependsOn: ['cleanup'], trigger: 'allSuccess' },
    ];
    const tracker = new RunTracker(nodes, undefined, { teardown: true });
    expect([...tracker.pass().ready]).toEqual(['extract']);
    tracker.start('extract', 't');
    expect(tracker.fail(nodes[0]!, { message: 'x', type: 'X' }, 1, 't')).toEqual({ runFails: true });
    const { skipped, ready } = tracker.pass();
    expect(skipped).toEqual([{ id: 'load', reason: 'an upstream node did not succeed' }]);
    for (const { id, reason } of skipped) tracker.skip(id, reason, 't');
    expect([...ready]).toEqual(['alert']);
    tracker.start('alert', 't');
    const next = tracker.pass();
    expect(next.skipped).toEqual([{ id: 'report', reason: 'an upstream node did not succeed' }]);
    next.skipped.forEach(({ id, reason }) => tracker.skip(id, reason, 't'));
    expect([...tracker.pass().ready]).toEqual(['cleanup']);
    tracker.start('cleanup', 't');
    tracker.succeed('cleanup', null, 1, 't');
    tracker.succeed('alert', null, 1, 't');
    // A node below a teardown node that would run normally is skipped: the run is failing.
    expect(tracker.pass().skipped).toEqual([{ id: 'audit', reason: 'the run stopped after "extract" failed' }]);
    tracker.skip('audit', 'the run stopped after "extract" failed', 't');
    expect(tracker.isSettled()).toBe(true);
  });

  it('counts statuses and lists the nodes worth a look without scanning', () => {
    const nodes: SchedulableNode[] = [
      { id: 'a' },
      { id: 'b', dependsOn: ['a'] },
      { id: 'c' },
      { id: 'd', dependsOn: ['b'] },
    ];
    const tracker = new RunTracker(nodes);
    expect(tracker.readyNow()).toEqual(['a', 'c']);
    tracker.pass();
    tracker.start('a', 't');
    tracker.start('c', 't');
    expect(tracker.running).toBe(2);
    tracker.fail({ id: 'c', onFailure: 'continue' }, { message: 'boom', type: 'Error' }, 1, 't');
    tracker.succeed('a', 1, 1, 't');
    expect(Object.fromEntries(tracker.statusCounts())).toEqual({ PENDING: 2, SUCCEEDED: 1, FAILED: 1 });
    expect(tracker.notable(10)).toEqual({ ids: ['c'], total: 1 });
    tracker.pass();
    expect(tracker.readyNow()).toEqual(['b']);
    tracker.start('b', 't');
    tracker.wait('b', 'failure', 'waiting', 't');
    expect(tracker.waiting()).toEqual(['b']);
    expect(tracker.running).toBe(0);
    expect(tracker.isSettled()).toBe(false);
  });

  it('rebuilds its indexes from a state carried over by a hand-over', () => {
    const nodes: SchedulableNode[] = [
      { id: 'a' },
      { id: 'b', dependsOn: ['a'] },
      { id: 'c', dependsOn: ['a'], trigger: 'allFailed' },
    ];
    const first = new RunTracker(nodes);
    for (const id of first.pass().ready) first.start(id, 't');
    first.succeed('a', 1, 1, 't');
    const carried = JSON.parse(JSON.stringify(first.state)) as RunState;
    const second = new RunTracker(nodes, carried);
    expect(second.readyNow()).toEqual(['b']);
    expect(second.pass().skipped.map((x) => x.id)).toEqual(['c']);
  });

  it('decides nothing while paused or stopping, and is settled when nothing can happen', () => {
    const nodes: SchedulableNode[] = [{ id: 'a' }, { id: 'b' }];
    const tracker = new RunTracker(nodes);
    tracker.state.paused = true;
    expect([...tracker.pass().ready]).toEqual([]);
    expect(tracker.isSettled()).toBe(false); // PENDING nodes wait for resume
    tracker.state.paused = false;
    tracker.state.stopping = { cause: 'cancelled' };
    expect([...tracker.pass().ready]).toEqual([]);
    expect(tracker.isSettled()).toBe(true);
    tracker.finalizePending('t');
    expect(Object.fromEntries(tracker.statusCounts())).toEqual({ CANCELLED: 2 });
  });

  it('handles 100,000 nodes with work per event that does not grow with the DAG', () => {
    const nodes: SchedulableNode[] = Array.from({ length: 100_000 }, (_, i) => ({
      id: `n${i}`,
      dependsOn: i >= 100 ? [`n${i - 100}`] : [],
    }));
    const tracker = new RunTracker(nodes);
    let started = 0;
    while (!tracker.isSettled()) {
      const running: string[] = [];
      for (const id of tracker.pass().ready) {
        if (tracker.running >= 200) break;
        tracker.start(id, 't');
        running.push(id);
      }
      started += running.length;
      for (const id of running) tracker.succeed(id, null, 1, 't');
    }
    expect(started).toBe(100_000);
    expect(tracker.countOf('SUCCEEDED')).toBe(100_000);
  });
});
