/**
 * The run state with indexes kept up to date event by event, so the interpreter's work per event does not
 * grow with the DAG: a node's completion re-decides only its downstream nodes' trigger rules (O(edges)),
 * ready nodes wait in a heap by document order, and status counts and the "nodes worth a look" are kept
 * as they change. Every status change goes through this class; the decisions themselves are the pure
 * functions of run-state.ts and trigger-rules.ts (S1-S4 hold as stated there).
 *
 * Ready and skipped nodes are handed out in passes that make the same decisions, in the same order, as
 * `evaluateTriggers` re-scanning every node (the reference the unit tests compare against): a pass takes
 * the skips found since the last pass, then the nodes ready when it began, in document order. Nodes that
 * become ready or skippable during a pass wait for the next one. Histories recorded before this index
 * existed replay unchanged.
 */
import type { KeptNode } from './rerun';
import {
  compensationOrder,
  initialRunState,
  isTearingDown,
  markCancelled,
  markCompensated,
  markReused,
  markFailed,
  markRetrying,
  markSkipped,
  markSkippedByOperator,
  markStarted,
  markSucceeded,
  markWaiting,
  type NodeError,
  type RunState,
  type SchedulableNode,
  type TriggerOptions,
  TEARDOWN_RULES,
} from './run-state';
import { decideTrigger, isDone, skipReason, type NodeStatus } from './trigger-rules';

/** A min-heap of document indexes: ready nodes start in document order. */
class IndexHeap {
  private readonly items: number[] = [];

  get size(): number {
    return this.items.length;
  }

  peek(): number | undefined {
    return this.items[0];
  }

  push(value: number): void {
    const items = this.items;
    items.push(value);
    let i = items.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (items[parent]! <= value) break;
      items[i] = items[parent]!;
      i = parent;
    }
    items[i] = value;
  }

  pop(): number | undefined {
    const items = this.items;
    const top = items[0];
    const last = items.pop();
    if (items.length === 0 || last === undefined) return top;
    let i = 0;
    for (;;) {
      const left = 2 * i + 1;
      if (left >= items.length) break;
      const child = left + 1 < items.length && items[left + 1]! < items[left]! ? left + 1 : left;
      if (items[child]! >= last) break;
      items[i] = items[child]!;
      i = child;
    }
    items[i] = last;
    return top;
  }
}

/** Statuses a person wants to see in a long list; PENDING, SUCCEEDED and SKIPPED are left to the counts. */
const NOTABLE: ReadonlySet<NodeStatus> = new Set([
  'RUNNING',
  'WAITING',
  'FAILED',
  'CANCELLED',
  'COMPENSATED',
  'COMPENSATION_FAILED',
]);

export interface Pass {
  /** Nodes whose rule can never hold, in document order, with why: apply them with `skip`. */
  readonly skipped: ReadonlyArray<{ readonly id: string; readonly reason: string }>;
  /**
   * Yields the nodes ready when the pass began, in document order. The caller starts, skips or fails each
   * node it is given; leaving one PENDING ends the pass (the node stays ready for the next one).
   */
  readonly ready: Iterable<string>;
}

export class RunTracker {
  readonly state: RunState;
  private readonly nodes: readonly SchedulableNode[];
  private readonly indexOf = new Map<string, number>();
  private readonly downstream: number[][];
  private readonly readyHeap = new IndexHeap();
  /** Became ready since the current pass began; joins the heap at the next pass. */
  private fresh: number[] = [];
  /** Found skippable since the last pass. */
  private skippable: number[] = [];
  private readonly counts = new Map<NodeStatus, number>();
  /** RUNNING, WAITING, FAILED, ... nodes, by document index. */
  private readonly notableSet = new Set<number>();
  private readonly waitingSet = new Set<number>();
  private runningCount = 0;
  /** Set once a node's rule decided (run or skip): trigger rules never change their mind, so one entry each. */
  private readonly queued: Uint8Array;

  constructor(
    nodes: readonly SchedulableNode[],
    state?: RunState,
    private readonly options: TriggerOptions = {},
  ) {
    this.nodes = nodes;
    this.state = state ?? initialRunState(nodes);
    nodes.forEach((node, i) => this.indexOf.set(node.id, i));
    this.downstream = nodes.map(() => []);
    this.queued = new Uint8Array(nodes.length);
    nodes.forEach((node, i) => {
      for (const up of node.dependsOn ?? []) this.downstream[this.indexOf.get(up)!]!.push(i);
    });
    nodes.forEach((node, i) => {
      const status = this.state.nodes[node.id]!.status;
      this.count(i, status, +1);
      if (status === 'PENDING') this.decide(i);
    });
  }

  status(id: string): NodeStatus {
    return this.state.nodes[id]!.status;
  }

  /** Nodes RUNNING (they count against maxParallelism). */
  get running(): number {
    return this.runningCount;
  }

  /** Nodes WAITING for a person, in document order. */
  waiting(): string[] {
    return [...this.waitingSet].sort((a, b) => a - b).map((i) => this.nodes[i]!.id);
  }

  get waitingCount(): number {
    return this.waitingSet.size;
  }

  countOf(status: NodeStatus): number {
    return this.counts.get(status) ?? 0;
  }

  /** How many nodes are in each status, in the order statuses first appeared. */
  statusCounts(): ReadonlyMap<NodeStatus, number> {
    return this.counts;
  }

  /** Up to `limit` nodes worth a look (running, waiting, failed, ...) in document order, and how many there are. */
  notable(limit: number): { ids: string[]; total: number } {
    const total = this.notableSet.size;
    const sorted = [...this.notableSet].sort((a, b) => a - b);
    return { ids: sorted.slice(0, limit).map((i) => this.nodes[i]!.id), total };
  }

  /**
   * The next pass over what can happen now (see the class comment). Nothing is handed out while the run
   * is stopping (S3) or paused: a paused run decides nothing.
   */
  pass(): Pass {
    const tearingDown = isTearingDown(this.state, this.options);
    if ((this.state.stopping && !tearingDown) || this.state.paused) return { skipped: [], ready: [] };
    for (const i of this.fresh) this.readyHeap.push(i);
    this.fresh = [];
    const skippedAt = new Map<number, string>();
    for (const i of this.skippable)
      if (this.statusAt(i) === 'PENDING') skippedAt.set(i, skipReason(this.nodes[i]!.trigger ?? 'allSuccess'));
    this.skippable = [];
    const heap = this.readyHeap;
    if (tearingDown) {
      // S3's exception: only teardown nodes start; the others that would have run are skipped instead.
      const keep: number[] = [];
      for (let i = heap.pop(); i !== undefined; i = heap.pop()) {
        if (this.statusAt(i) !== 'PENDING') continue;
        if (TEARDOWN_RULES.has(this.nodes[i]!.trigger ?? 'allSuccess')) keep.push(i);
        else skippedAt.set(i, `the run stopped after "${this.state.stopping!.nodeId}" failed`);
      }
      for (const i of keep) heap.push(i);
    }
    const skipped = [...skippedAt.keys()]
      .sort((a, b) => a - b)
      .map((i) => ({ id: this.nodes[i]!.id, reason: skippedAt.get(i)! }));
    const statusAt = (i: number) => this.statusAt(i);
    const ids = this.nodes;
    // Snapshot semantics without a copy: nodes made ready during the pass go to `fresh`, not the heap.
    const ready: Iterable<string> = {
      *[Symbol.iterator]() {
        for (;;) {
          const i = heap.peek();
          if (i === undefined) return;
          if (statusAt(i) !== 'PENDING') {
            heap.pop();
            continue;
          }
          yield ids[i]!.id;
          // The caller started the node or skipped it (either takes it off the heap), or stopped asking.
          if (heap.peek() === i && statusAt(i) === 'PENDING') return;
        }
      },
    };
    return { skipped, ready };
  }

  /** The nodes ready now, in document order, without handing them out (for views and tests). */
  readyNow(): string[] {
    const ready = new Set<number>(this.fresh);
    for (const node of this.nodes) {
      const i = this.indexOf.get(node.id)!;
      if (this.queued[i] === 1 && this.statusAt(i) === 'PENDING' && !this.skippable.includes(i)) ready.add(i);
    }
    return [...ready].sort((a, b) => a - b).map((i) => this.nodes[i]!.id);
  }

  /** Whether a node may start now at all (S3, and its exception for teardown nodes). */
  get startsAllowed(): boolean {
    return !this.state.stopping || isTearingDown(this.state, this.options);
  }

  /** True while some node may still start without a new event: the loop should run another pass. */
  hasDecisionsPending(): boolean {
    return this.readyHeap.size > 0 || this.fresh.length > 0 || this.skippable.length > 0;
  }

  /** True when nothing runs or waits and no PENDING node can ever start: the DAG part of the run is over. */
  isSettled(): boolean {
    if (this.runningCount > 0 || this.waitingSet.size > 0) return false;
    if (this.state.stopping && !isTearingDown(this.state, this.options)) return true;
    if (this.state.paused) return this.countOf('PENDING') === 0; // wait for resume
    return !this.anyPendingDecided();
  }

  // ---------------------------------------------------------------------------------------------------------
  // Status changes: each delegates to run-state.ts and keeps the indexes in step.

  start(id: string, at: string): void {
    this.change(id, () => markStarted(this.state, id, at));
  }

  skip(id: string, reason: string, at: string): void {
    this.change(id, () => markSkipped(this.state, id, reason, at));
  }

  reuse(id: string, kept: KeptNode, from: string, at: string): void {
    this.change(id, () => markReused(this.state, id, kept, from, at));
  }

  succeed(id: string, output: unknown, attempts: number, at: string): void {
    this.change(id, () => markSucceeded(this.state, id, output, attempts, at));
  }

  /** Records a failure; returns whether the run must now fail (see `markFailed`). */
  fail(node: SchedulableNode, error: NodeError, attempts: number, at: string, force = false): { runFails: boolean } {
    let outcome = { runFails: false };
    this.change(node.id, () => (outcome = markFailed(this.state, node, error, attempts, at, force)));
    return outcome;
  }

  wait(id: string, kind: 'approval' | 'failure', reason: string, at: string): void {
    this.change(id, () => markWaiting(this.state, id, kind, reason, at));
  }

  retry(id: string): void {
    this.change(id, () => markRetrying(this.state, id));
  }

  skipByOperator(id: string, output: unknown, at: string): void {
    this.change(id, () => markSkippedByOperator(this.state, id, output, at));
  }

  cancel(id: string, at: string): void {
    this.change(id, () => markCancelled(this.state, id, at));
  }

  compensated(id: string, error: NodeError | null, at: string): void {
    this.change(id, () => markCompensated(this.state, id, error, at));
  }

  /** Nodes left PENDING when a run stops are reported CANCELLED when it was cancelled, SKIPPED otherwise. */
  finalizePending(at: string): void {
    const stopping = this.state.stopping;
    const reason =
      stopping?.cause === 'timedOut'
        ? 'the DAG timed out before it could run'
        : stopping?.cause === 'failed'
          ? `the run stopped after "${stopping.nodeId}" failed`
          : 'never became ready';
    for (const node of this.nodes) {
      if (this.status(node.id) !== 'PENDING') continue;
      if (stopping?.cause === 'cancelled') this.cancel(node.id, at);
      else this.skip(node.id, reason, at);
    }
  }

  /** S4: what to undo, newest completion first. */
  compensationOrder(): string[] {
    return compensationOrder(this.nodes, this.state);
  }

  // ---------------------------------------------------------------------------------------------------------

  private statusAt(i: number): NodeStatus {
    return this.state.nodes[this.nodes[i]!.id]!.status;
  }

  /** Called on every status change, after the bookkeeping (the run's metrics listen). */
  observe(listener: (id: string, before: NodeStatus, after: NodeStatus) => void): void {
    this.listener = listener;
  }

  private listener: ((id: string, before: NodeStatus, after: NodeStatus) => void) | undefined;

  private change(id: string, apply: () => void): void {
    const i = this.indexOf.get(id)!;
    const before = this.statusAt(i);
    apply();
    const after = this.statusAt(i);
    if (before === after) return;
    this.count(i, before, -1);
    this.count(i, after, +1);
    this.listener?.(id, before, after);
    if (isDone(after) && !isDone(before)) for (const child of this.downstream[i]!) this.decide(child);
  }

  private count(i: number, status: NodeStatus, delta: 1 | -1): void {
    const n = (this.counts.get(status) ?? 0) + delta;
    if (n === 0) this.counts.delete(status);
    else this.counts.set(status, n);
    if (status === 'RUNNING') this.runningCount += delta;
    if (status === 'WAITING') {
      if (delta > 0) this.waitingSet.add(i);
      else this.waitingSet.delete(i);
    }
    if (NOTABLE.has(status)) {
      if (delta > 0) this.notableSet.add(i);
      else this.notableSet.delete(i);
    }
  }

  /** Re-decides a PENDING node's trigger rule after one of its upstream nodes finished (S2). */
  private decide(i: number): void {
    if (this.queued[i] === 1 || this.statusAt(i) !== 'PENDING') return;
    const node = this.nodes[i]!;
    const upstream = (node.dependsOn ?? []).map((id) => {
      const n = this.state.nodes[id]!;
      return n.skippedByOperator ? 'SUCCEEDED' : n.status; // an operator's skip stands in for a success
    });
    const decision = decideTrigger(node.trigger ?? 'allSuccess', upstream);
    if (decision === 'wait') return;
    this.queued[i] = 1;
    if (decision === 'run') this.fresh.push(i);
    else this.skippable.push(i);
  }

  /** Whether any queued decision is still about a PENDING node (queues may hold stale entries). */
  private anyPendingDecided(): boolean {
    const pending = (i: number) => this.statusAt(i) === 'PENDING';
    return (
      this.fresh.some(pending) || this.skippable.some(pending) || (this.readyHeap.size > 0 && this.heapHasPending())
    );
  }

  private heapHasPending(): boolean {
    // Stale entries (no longer PENDING) are dropped from the top; one PENDING entry anywhere is enough.
    for (;;) {
      const i = this.readyHeap.peek();
      if (i === undefined) return false;
      if (this.statusAt(i) === 'PENDING') return true;
      this.readyHeap.pop();
    }
  }
}
