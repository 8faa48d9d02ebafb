import { formatIssues, MAX_NODES, validateDocument } from '../../src/dsl';
import { MAX_DAG_DEPTH } from '../../src/dsl/schema';
import { subDagDocument } from '../../src/dsl/sub-dag';

type Node = Record<string, unknown>;
const doc = (nodes: Node[], extra: Record<string, unknown> = {}) => ({ dsl: 'weft/v1', name: 'etl', nodes, ...extra });
const echo = (id: string, ...dependsOn: string[]): Node => ({
  id,
  activity: 'weft.echo',
  ...(dependsOn.length ? { dependsOn } : {}),
});
const sub = (id: string, nodes: Node[], extra: Node = {}): Node => ({ id, type: 'dag', dag: { nodes }, ...extra });

function report(document: unknown): string {
  const result = validateDocument(document);
  if (result.ok) throw new Error('expected the document to be invalid');
  return formatIssues(result.issues, { withCode: true });
}

describe('dag nodes (inline sub-DAGs)', () => {
  it("accepts a sub-DAG whose ids repeat the parent's, with input from upstream and its own output", () => {
    const result = validateDocument(
      doc([
        echo('extract'),
        sub('load', [echo('extract'), echo('write', 'extract')], {
          dependsOn: ['extract'],
          input: { rows: '${ nodes.extract.output }' },
          dag: {
            input: { table: 't' },
            nodes: [
              { id: 'extract', activity: 'weft.echo', input: '${ input.rows }' },
              { ...echo('write', 'extract'), input: '${ nodes.extract.output }' },
            ],
            output: '${ nodes.write.output }',
            failFast: false,
          },
        }),
        { ...echo('report', 'load'), input: '${ nodes.load.output }' },
      ]),
    );
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    const load = result.document.nodes[1]!;
    expect(load.type).toBe('dag');
    if (load.type !== 'dag') return;
    expect(load.dag.nodes.map((n) => n.id)).toEqual(['extract', 'write']);
    expect(load.dag.failFast).toBe(false);
  });

  it('reports every problem inside with its full path: ids, dependencies, cycles, references', () => {
    const document = doc([
      echo('a'),
      sub('inner', [
        echo('x'),
        echo('x'),
        echo('y', 'nope'),
        echo('p', 'q'),
        echo('q', 'p'),
        { ...echo('r'), input: '${ nodes.a.output }' },
      ]),
    ]);
    expect(report(document)).toMatchInlineSnapshot(`
"nodes[1].dag.nodes[1].id: duplicate id "x": nodes[0] already uses it; node ids must be unique (WEFT_DUPLICATE_ID)
nodes[1].dag.nodes[2].dependsOn[0]: unknown node "nope" (WEFT_UNKNOWN_NODE)
nodes[1].dag.nodes[3].dependsOn[0]: dependency cycle p -> q -> p (each node depends on the one before it); remove one of these dependencies (WEFT_CYCLE)
nodes[1].dag.nodes[5].input: expression "nodes.a.output" reads unknown node "a" (WEFT_UNKNOWN_NODE)"
`);
  });

  it('checks the schema inside, nested sub-DAGs too', () => {
    const document = doc([sub('outer', [sub('inner', [{ id: 'z', type: 'sleep' }]), { id: 'w', activty: 'x' }])]);
    expect(report(document)).toMatchInlineSnapshot(`
"nodes[0].dag.nodes[0].dag.nodes[0].duration: expected a duration: a string such as "30s", "5m", "1 hour", or a number of milliseconds (WEFT_SCHEMA)
nodes[0].dag.nodes[1].activity: missing required field "activity" (WEFT_SCHEMA)
nodes[0].dag.nodes[1].activty: unknown field "activty"; did you mean "activity"? (WEFT_UNKNOWN_FIELD)"
`);
  });

  it("reads the sub-DAG's input against the parent's upstream nodes, not its own", () => {
    const document = doc([echo('a'), sub('s', [echo('a')], { input: { v: '${ nodes.a.output }' } })]);
    expect(report(document)).toMatchInlineSnapshot(
      `"nodes[1].input.v: "nodes.a" is not upstream of "s"; add "a" to dependsOn (WEFT_NOT_UPSTREAM)"`,
    );
  });

  it('refuses a nesting deeper than MAX_DAG_DEPTH with one sentence, and hostile depths as fast', () => {
    let nodes: Node[] = [echo('leaf')];
    for (let level = 0; level <= MAX_DAG_DEPTH; level++) nodes = [sub(`l${level}`, nodes)];
    expect(report(doc(nodes))).toMatch(/^nodes: sub-DAGs nest more than 8 levels deep/);
    let deep: Node[] = [echo('leaf')];
    for (let level = 0; level < 100_000; level++) deep = [sub('d', deep)];
    expect(report(doc(deep))).toMatch(/\(WEFT_TOO_LARGE\)$/);
  });

  it('counts the nodes of sub-DAGs against MAX_NODES', () => {
    const half = Array.from({ length: MAX_NODES / 2 + 1 }, (_, i) => echo(`n${i}`));
    expect(report(doc([sub('a', half), sub('b', half)]))).toMatch(
      /^nodes: 10,004 nodes \(sub-DAGs included\), over the limit of 10,000/,
    );
  });
});

describe('the document a dag node runs', () => {
  it("is named after the node and takes the parent's defaults where it sets none", () => {
    const result = validateDocument(
      doc(
        [
          sub('load', [echo('w')], {
            dag: { nodes: [echo('w')], defaults: { retry: { maxAttempts: 2 } } },
          }),
        ],
        { defaults: { taskQueue: 'etl-workers', retry: { maxAttempts: 5 } } },
      ),
    );
    if (!result.ok) throw new Error(formatIssues(result.issues));
    const node = result.document.nodes[0]!;
    if (node.type !== 'dag') throw new Error('expected a dag node');
    const child = subDagDocument(result.document, node.id, node.dag);
    expect(child).toMatchObject({
      dsl: 'weft/v1',
      name: 'etl.load',
      defaults: { taskQueue: 'etl-workers', retry: { maxAttempts: 2 } },
    });
    expect(validateDocument(child).ok).toBe(true);
  });
});
