/**
 * Pure graph algorithms over a node list. An edge runs from an upstream node to the node that lists it in
 * `dependsOn`. Every function here tolerates imperfect input, because the validator runs them on documents that
 * failed other checks: the first node with a given id wins, and dependencies on unknown ids are ignored.
 *
 * All of it is O(V + E); `Ancestry` answers "is x upstream of y?" by a pruned walk per question.
 */

export interface GraphNode {
  readonly id: string;
  readonly dependsOn?: readonly string[];
}

/** id -> position in the list; the first node with an id wins. */
export function indexById(nodes: readonly GraphNode[]): Map<string, number> {
  const index = new Map<string, number>();
  nodes.forEach((node, i) => {
    if (!index.has(node.id)) index.set(node.id, i);
  });
  return index;
}

/** Adjacency by position: `upstream[i]` are the positions node i depends on (unknown ids and repeats dropped). */
function upstreamPositions(nodes: readonly GraphNode[], index: Map<string, number>): number[][] {
  return nodes.map((node, i) => {
    if (index.get(node.id) !== i) return []; // a duplicate: its edges would be ambiguous
    const seen = new Set<number>();
    for (const dep of node.dependsOn ?? []) {
      const j = index.get(dep);
      if (j !== undefined) seen.add(j);
    }
    return [...seen];
  });
}

function downstreamPositions(upstream: readonly number[][]): number[][] {
  const downstream: number[][] = upstream.map(() => []);
  upstream.forEach((deps, i) => deps.forEach((j) => downstream[j]!.push(i)));
  return downstream;
}

/** A binary min-heap of positions, so ties in Kahn's algorithm resolve in document order. */
class MinHeap {
  private readonly items: number[] = [];
  get size(): number {
    return this.items.length;
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
  pop(): number {
    const items = this.items;
    const top = items[0]!;
    const last = items.pop()!;
    if (items.length > 0) {
      let i = 0;
      for (;;) {
        const left = 2 * i + 1;
        if (left >= items.length) break;
        const right = left + 1;
        const child = right < items.length && items[right]! < items[left]! ? right : left;
        if (items[child]! >= last) break;
        items[i] = items[child]!;
        i = child;
      }
      items[i] = last;
    }
    return top;
  }
}

/** Kahn's algorithm by position; nodes on or downstream of a cycle are left out. */
function kahn(upstream: readonly number[][], skip: (i: number) => boolean): number[] {
  const downstream = downstreamPositions(upstream);
  const pending = upstream.map((deps) => deps.length);
  const ready = new MinHeap();
  pending.forEach((count, i) => {
    if (count === 0 && !skip(i)) ready.push(i);
  });
  const order: number[] = [];
  while (ready.size > 0) {
    const i = ready.pop();
    order.push(i);
    for (const next of downstream[i]!) {
      if (--pending[next]! === 0 && !skip(next)) ready.push(next);
    }
  }
  return order;
}

export type TopologicalOrder =
  | { readonly ok: true; readonly order: readonly string[] }
  | { readonly ok: false; readonly cycles: readonly (readonly string[])[] };

/**
 * Upstream before downstream; among nodes that are ready at the same time, document order.
 * A graph with cycles has no order: the result lists them instead (see `findCycles`).
 */
export function topologicalOrder(nodes: readonly GraphNode[]): TopologicalOrder {
  const index = indexById(nodes);
  const upstream = upstreamPositions(nodes, index);
  const order = kahn(upstream, (i) => index.get(nodes[i]!.id) !== i);
  if (order.length === index.size) return { ok: true, order: order.map((i) => nodes[i]!.id) };
  return { ok: false, cycles: findCycles(nodes) };
}

/**
 * One cycle per strongly connected component that has one, as ids in flow order with the first id repeated at
 * the end: `["a", "b", "c", "a"]` means b depends on a, c on b and a on c. Each cycle starts at the component's
 * first node in document order and is a shortest one through it, so the report is stable and short.
 * A node that depends on itself is the cycle `["a", "a"]`.
 */
export function findCycles(nodes: readonly GraphNode[]): string[][] {
  const index = indexById(nodes);
  const upstream = upstreamPositions(nodes, index);
  const downstream = downstreamPositions(upstream);
  const cycles: string[][] = [];
  for (const component of stronglyConnectedComponents(downstream)) {
    // A loop, not Math.min(...component): spreading a component of 200,000 nodes overflows the stack.
    let start = component[0]!;
    for (const i of component) if (i < start) start = i;
    if (component.length === 1 && !upstream[start]!.includes(start)) continue;
    cycles.push(shortestCycleThrough(start, new Set(component), downstream).map((i) => nodes[i]!.id));
  }
  return cycles.sort((a, b) => index.get(a[0]!)! - index.get(b[0]!)!);
}

/** Tarjan's algorithm, iterative so a 5,000-node chain cannot overflow the stack. */
function stronglyConnectedComponents(edges: readonly number[][]): number[][] {
  const n = edges.length;
  const order = new Int32Array(n).fill(-1);
  const low = new Int32Array(n);
  const onStack = new Uint8Array(n);
  const stack: number[] = [];
  const components: number[][] = [];
  let counter = 0;
  for (let root = 0; root < n; root++) {
    if (order[root] !== -1) continue;
    const work: [number, number][] = [[root, 0]]; // (node, next edge to look at)
    order[root] = low[root] = counter++;
    stack.push(root);
    onStack[root] = 1;
    while (work.length > 0) {
      const frame = work[work.length - 1]!;
      const [v, edge] = frame;
      if (edge < edges[v]!.length) {
        frame[1]++;
        const w = edges[v]![edge]!;
        if (order[w] === -1) {
          order[w] = low[w] = counter++;
          stack.push(w);
          onStack[w] = 1;
          work.push([w, 0]);
        } else if (onStack[w]) {
          low[v] = Math.min(low[v]!, order[w]!);
        }
        continue;
      }
      work.pop();
      if (work.length > 0) {
        const parent = work[work.length - 1]![0];
        low[parent] = Math.min(low[parent]!, low[v]!);
      }
      if (low[v] === order[v]) {
        const component: number[] = [];
        let w: number;
        do {
          w = stack.pop()!;
          onStack[w] = 0;
          component.push(w);
        } while (w !== v);
        components.push(component);
      }
    }
  }
  return components;
}

/** Breadth-first search inside one component from `start` back to itself. */
function shortestCycleThrough(start: number, members: Set<number>, downstream: readonly number[][]): number[] {
  const previous = new Map<number, number>();
  const queue = [start];
  for (let head = 0; head < queue.length; head++) {
    const v = queue[head]!;
    for (const w of downstream[v]!) {
      if (!members.has(w)) continue;
      if (w === start) {
        const path = [start];
        for (let u = v; u !== start; u = previous.get(u)!) path.push(u);
        path.push(start);
        return path.reverse();
      }
      if (!previous.has(w)) {
        previous.set(w, v);
        queue.push(w);
      }
    }
  }
  return [start, start]; // unreachable for a real component; keeps the type total
}

/**
 * "Is x upstream of y?" for many queries over one graph. Each query walks up from y, but only through nodes
 * whose topological rank is above x's (nothing ranked below x can lead to it), so the common questions (a
 * direct dependency, a node a few levels up) touch a few nodes, whatever the size of the DAG; a query costs
 * O(V + E) at worst and nothing is stored per pair (a V^2 closure would be 1.25 GB at 100,000 nodes).
 * Nodes on or downstream of a cycle have no well-defined ancestry: `isKnown` is false for them.
 */
export class Ancestry {
  private readonly index: Map<string, number>;
  private readonly ids: readonly string[];
  private readonly upstream: readonly number[][];
  /** Position in topological order, -1 for nodes on or downstream of a cycle. */
  private readonly rank: Int32Array;
  /** Which query last visited each node: a visited set without clearing one per query. */
  private readonly visited: Uint32Array;
  private stamp = 0;

  constructor(nodes: readonly GraphNode[]) {
    this.index = indexById(nodes);
    this.ids = nodes.map((node) => node.id);
    this.upstream = upstreamPositions(nodes, this.index);
    this.rank = new Int32Array(nodes.length).fill(-1);
    kahn(this.upstream, (j) => this.index.get(nodes[j]!.id) !== j).forEach((i, r) => (this.rank[i] = r));
    this.visited = new Uint32Array(nodes.length);
  }

  /** False for unknown ids and for nodes on or downstream of a cycle. */
  isKnown(id: string): boolean {
    const i = this.index.get(id);
    return i !== undefined && this.rank[i]! >= 0;
  }

  /** Is `upstream` a transitive dependency of `node`? (A node is not its own ancestor.) */
  isAncestor(upstream: string, node: string): boolean {
    const i = this.index.get(node);
    const j = this.index.get(upstream);
    if (i === undefined || j === undefined || !this.isKnown(node) || !this.isKnown(upstream)) return false;
    const floor = this.rank[j]!;
    if (floor >= this.rank[i]!) return false;
    const stamp = this.nextStamp();
    const stack = [i];
    while (stack.length > 0) {
      for (const dep of this.upstream[stack.pop()!]!) {
        if (dep === j) return true;
        if (this.visited[dep] === stamp || this.rank[dep]! <= floor) continue;
        this.visited[dep] = stamp;
        stack.push(dep);
      }
    }
    return false;
  }

  /** The transitive upstream ids of `node`, in document order. */
  ancestorsOf(node: string): string[] {
    const i = this.index.get(node);
    if (i === undefined || !this.isKnown(node)) return [];
    const stamp = this.nextStamp();
    const stack = [i];
    while (stack.length > 0) {
      for (const dep of this.upstream[stack.pop()!]!) {
        if (this.visited[dep] === stamp) continue;
        this.visited[dep] = stamp;
        stack.push(dep);
      }
    }
    return this.ids.filter((_, j) => this.visited[j] === stamp);
  }

  private nextStamp(): number {
    if (++this.stamp === 0xffffffff) {
      this.visited.fill(0);
      this.stamp = 1;
    }
    return this.stamp;
  }
}

/** The transitive upstream set of one node (a breadth-first walk; use `Ancestry` for many queries). */
export function ancestors(nodes: readonly GraphNode[], id: string): Set<string> {
  const index = indexById(nodes);
  const upstream = upstreamPositions(nodes, index);
  const start = index.get(id);
  const seen = new Set<number>();
  const queue = start === undefined ? [] : [...upstream[start]!];
  for (let head = 0; head < queue.length; head++) {
    const v = queue[head]!;
    if (seen.has(v)) continue;
    seen.add(v);
    for (const dep of upstream[v]!) queue.push(dep); // not push(...deps): a node may have 200,000 of them
  }
  return new Set([...seen].map((i) => nodes[i]!.id));
}
