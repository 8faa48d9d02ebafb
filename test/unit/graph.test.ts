import { Ancestry, ancestors, findCycles, indexById, topologicalOrder, type GraphNode } from '../../src/dsl';

const node = (id: string, ...dependsOn: string[]): GraphNode => ({ id, dependsOn });

describe('indexById', () => {
  it('maps ids to positions, the first node with an id winning', () => {
    expect([...indexById([node('a'), node('b'), node('a')])]).toEqual([
      ['a', 0],
      ['b', 1],
    ]);
  });
});

describe('topologicalOrder', () => {
  it('puts upstream nodes first; among ready nodes, the earliest in the document goes first', () => {
    const nodes = [
      node('report', 'left', 'right'),
      node('right', 'root'),
      node('left', 'root'),
      node('root'),
      node('solo'),
    ];
    // root and solo are ready; root (earlier) goes; then right and left precede solo, and so does report once ready.
    expect(topologicalOrder(nodes)).toEqual({ ok: true, order: ['root', 'right', 'left', 'report', 'solo'] });
  });

  it('is stable: a node becomes ready as soon as its last dependency is placed, then document order decides', () => {
    const nodes = [node('c', 'b'), node('b'), node('a')];
    expect(topologicalOrder(nodes)).toEqual({ ok: true, order: ['b', 'c', 'a'] });
  });

  it('ignores unknown dependencies and duplicate ids', () => {
    expect(topologicalOrder([node('a', 'ghost'), node('b', 'a'), node('a')])).toEqual({ ok: true, order: ['a', 'b'] });
  });

  it('reports the cycles instead of an order', () => {
    expect(topologicalOrder([node('a', 'c'), node('b', 'a'), node('c', 'b'), node('d', 'c')])).toEqual({
      ok: false,
      cycles: [['a', 'b', 'c', 'a']],
    });
  });
});

describe('findCycles', () => {
  it('returns nothing for a DAG', () => {
    expect(findCycles([node('a'), node('b', 'a'), node('c', 'a', 'b')])).toEqual([]);
  });

  it('lists each cycle in flow order, starting at its first node in the document, closed', () => {
    // a depends on c, b on a, c on b: the work would flow a -> b -> c -> a.
    expect(findCycles([node('a', 'c'), node('b', 'a'), node('c', 'b')])).toEqual([['a', 'b', 'c', 'a']]);
  });

  it('finds every independent cycle, and self-loops', () => {
    const nodes = [
      node('x', 'y'),
      node('y', 'x'),
      node('ok'),
      node('p', 'r'),
      node('q', 'p'),
      node('r', 'q'),
      node('self', 'self'),
    ];
    expect(findCycles(nodes)).toEqual([
      ['x', 'y', 'x'],
      ['p', 'q', 'r', 'p'],
      ['self', 'self'],
    ]);
  });

  it('reports a shortest cycle through the first node of a tangled component', () => {
    // a -> b -> c -> d -> a, plus the shortcut b -> a.
    const nodes = [node('a', 'd', 'b'), node('b', 'a'), node('c', 'b'), node('d', 'c')];
    expect(findCycles(nodes)).toEqual([['a', 'b', 'a']]);
  });

  it('copes with long chains without recursion', () => {
    const chain = Array.from({ length: 20_000 }, (_, i) => node(`n${i}`, `n${(i + 1) % 20_000}`));
    const [cycle] = findCycles(chain);
    expect(cycle).toHaveLength(20_001);
    expect(cycle![0]).toBe('n0');
    expect(cycle![1]).toBe('n19999');
  });
});

describe('ancestors and Ancestry', () => {
  const diamond = [
    node('extract'),
    node('clean', 'extract'),
    node('aggregate', 'extract'),
    node('load', 'clean', 'aggregate'),
    node('other'),
  ];

  it('ancestors() is the transitive upstream set', () => {
    expect(ancestors(diamond, 'load')).toEqual(new Set(['clean', 'aggregate', 'extract']));
    expect(ancestors(diamond, 'extract')).toEqual(new Set());
    expect(ancestors(diamond, 'nope')).toEqual(new Set());
  });

  it('Ancestry answers the same questions for every node at once', () => {
    const ancestry = new Ancestry(diamond);
    expect(ancestry.ancestorsOf('load')).toEqual(['extract', 'clean', 'aggregate']);
    expect(ancestry.isAncestor('extract', 'load')).toBe(true);
    expect(ancestry.isAncestor('load', 'extract')).toBe(false);
    expect(ancestry.isAncestor('clean', 'aggregate')).toBe(false);
    expect(ancestry.isAncestor('load', 'load')).toBe(false);
    expect(ancestry.isAncestor('other', 'load')).toBe(false);
    expect(ancestry.isAncestor('ghost', 'load')).toBe(false);
    expect(ancestry.isKnown('load')).toBe(true);
    expect(ancestry.isKnown('ghost')).toBe(false);
  });

  it('marks nodes on or downstream of a cycle as unknown', () => {
    const ancestry = new Ancestry([node('a'), node('b', 'a', 'c'), node('c', 'b'), node('d', 'c'), node('e', 'a')]);
    expect(['a', 'b', 'c', 'd', 'e'].map((id) => ancestry.isKnown(id))).toEqual([true, false, false, false, true]);
  });

  it('agrees with the breadth-first walk on a layered graph crossing word boundaries', () => {
    const nodes: GraphNode[] = [];
    for (let level = 0; level < 6; level++) {
      for (let i = 0; i < 40; i++) {
        const deps = level === 0 ? [] : [`n${level - 1}_${i}`, `n${level - 1}_${(i * 7 + 3) % 40}`];
        nodes.push(node(`n${level}_${i}`, ...deps));
      }
    }
    const ancestry = new Ancestry(nodes);
    for (const { id } of nodes) expect(new Set(ancestry.ancestorsOf(id))).toEqual(ancestors(nodes, id));
  });
});
