import { graphOfDocument, type DocumentGraph } from '../../src/dsl/graph-model';
import { toDot, toMermaid } from '../../src/dsl/graph-text';
import { assertValidDocument } from '../../src/dsl/validate';
import { everyShapeDocument, everyShapeStatuses, exampleDocument } from '../graph-documents';

const diamond = graphOfDocument(exampleDocument('etl-diamond'));
const everyShape = graphOfDocument(assertValidDocument(everyShapeDocument));
const diamondRun = {
  extract: { status: 'SUCCEEDED' },
  clean: { status: 'SUCCEEDED' },
  aggregate: { status: 'FAILED' },
  load: { status: 'SKIPPED' },
};

/** A graph no document could hold (dots in ids), since the renderers must not rely on validation for safety. */
const dotted: DocumentGraph = {
  name: 'v1.2 "quoted"',
  nodes: [
    { id: 'a.b-c', type: 'activity', label: 'x', dependsOn: [] },
    { id: 'graph', type: 'activity', label: 'y', dependsOn: ['a.b-c'] },
  ],
};

describe('toMermaid', () => {
  it('draws the diamond top-down: each node as a key with its id and activity, then the edges, in document order', () => {
    expect(toMermaid(diamond)).toBe(
      [
        'flowchart TD',
        '  n0["extract<br/>weft.echo"]',
        '  n1["clean<br/>weft.echo"]',
        '  n2["aggregate<br/>weft.echo"]',
        '  n3["load<br/>weft.echo"]',
        '  n0 --> n1',
        '  n0 --> n2',
        '  n1 --> n3',
        '  n2 --> n3',
      ].join('\n'),
    );
  });

  it("puts a run's status in each label and colours it with one classDef per status used", () => {
    expect(toMermaid(diamond, diamondRun)).toBe(
      [
        'flowchart TD',
        '  n0["extract<br/>weft.echo<br/>SUCCEEDED"]',
        '  n1["clean<br/>weft.echo<br/>SUCCEEDED"]',
        '  n2["aggregate<br/>weft.echo<br/>FAILED"]',
        '  n3["load<br/>weft.echo<br/>SKIPPED"]',
        '  n0 --> n1',
        '  n0 --> n2',
        '  n1 --> n3',
        '  n2 --> n3',
        '  classDef SUCCEEDED fill:#dcfce7,stroke:#16a34a,color:#111827',
        '  classDef FAILED fill:#fee2e2,stroke:#dc2626,color:#111827',
        '  classDef SKIPPED fill:#f3f4f6,stroke:#6b7280,color:#111827',
        '  class n0,n1 SUCCEEDED',
        '  class n2 FAILED',
        '  class n3 SKIPPED',
      ].join('\n'),
    );
  });

  it('draws a sub-DAG as a subgraph of its nodes keyed under its own, edges to the node reaching the subgraph', () => {
    const text = toMermaid(everyShape);
    expect(text).toContain(
      [
        '  subgraph n5["load<br/>sub-DAG, 3 nodes"]',
        '    n5_0["stage<br/>weft.echo"]',
        '    n5_1["swap<br/>weft.echo"]',
        '    subgraph n5_2["verify<br/>sub-DAG, 1 node"]',
        '      n5_2_0["count<br/>weft.echo"]',
        '    end',
        '    n5_0 --> n5_1',
        '    n5_1 --> n5_2',
        '  end',
      ].join('\n'),
    );
    expect(text).toContain('  n3 --> n5\n  n4 --> n5\n  n5 --> n6');
  });

  it("shows a map's template and a run's item counts; a map of sub-DAGs is a subgraph", () => {
    const text = toMermaid(everyShape, everyShapeStatuses);
    expect(text).toContain('  n3["resize<br/>map: weft.echo<br/>FAILED<br/>3/10 done, 1 failed"]');
    expect(text).toContain(
      '  subgraph n4["per-item<br/>map: sub-DAG, 1 node<br/>RUNNING<br/>1/2 done, 1 running"]\n    n4_0["check<br/>weft.echo"]\n  end',
    );
  });

  it('puts the exit handlers in their own "on exit" subgraph, with their statuses', () => {
    const text = toMermaid(everyShape, everyShapeStatuses);
    expect(text).toContain(
      [
        '  subgraph onExit["on exit"]',
        '    x0["notify<br/>weft.http<br/>WAITING"]',
        '    x1["tidy-up<br/>weft.echo"]',
        '    x0 --> x1',
        '  end',
      ].join('\n'),
    );
    expect(text).toContain('  class x0 WAITING');
  });

  it('draws an approval as a hexagon and a sleep as a stadium', () => {
    const text = toMermaid(everyShape);
    expect(text).toContain('  n1(["wait-a-bit<br/>sleep 5m"])');
    expect(text).toContain('  n2{{"sign_off<br/>approval"}}');
  });

  it('keeps ids out of the syntax: dashes, dots and Mermaid keywords are only in labels', () => {
    expect(toMermaid(dotted)).toBe('flowchart TD\n  n0["a.b-c<br/>x"]\n  n1["graph<br/>y"]\n  n0 --> n1');
    expect(toMermaid(everyShape)).toContain('  n6["end<br/>report"]\n');
  });

  it('writes quotes and HTML characters as entities, and escapes what Markdown would format', () => {
    expect(toMermaid(everyShape)).toContain('  n0["fetch-orders<br/>http #quot;GET#quot; C:\\\\orders"]');
    const tricky: DocumentGraph = {
      name: 'tricky',
      nodes: [{ id: '_private_', type: 'activity', label: 'a <b> & #1 `code` *em* https://x.io', dependsOn: [] }],
    };
    expect(toMermaid(tricky)).toBe(
      'flowchart TD\n  n0["\\_private\\_<br/>a #lt;b#gt; #amp; #35;1 \\`code\\` \\*em\\* https\\://x.io"]',
    );
  });

  it('makes room for the tallest subgraph title in front matter, and only when there are subgraphs', () => {
    expect(toMermaid(everyShape, everyShapeStatuses).split('\n').slice(0, 6)).toEqual([
      '---',
      'config:',
      '  flowchart:',
      '    subGraphTitleMargin: { top: 0, bottom: 72 }',
      '---',
      'flowchart TD',
    ]);
    expect(toMermaid(diamond).startsWith('flowchart TD\n')).toBe(true);
  });

  it('draws every shape the same way each time', () => {
    expect(toMermaid(everyShape, everyShapeStatuses)).toMatchInlineSnapshot(`
"---
config:
  flowchart:
    subGraphTitleMargin: { top: 0, bottom: 72 }
---
flowchart TD
  n0["fetch-orders<br/>http #quot;GET#quot; C:\\\\orders<br/>SUCCEEDED"]
  n1(["wait-a-bit<br/>sleep 5m<br/>SUCCEEDED"])
  n2{{"sign_off<br/>approval<br/>SUCCEEDED"}}
  n3["resize<br/>map: weft.echo<br/>FAILED<br/>3/10 done, 1 failed"]
  subgraph n4["per-item<br/>map: sub-DAG, 1 node<br/>RUNNING<br/>1/2 done, 1 running"]
    n4_0["check<br/>weft.echo"]
  end
  subgraph n5["load<br/>sub-DAG, 3 nodes<br/>PENDING"]
    n5_0["stage<br/>weft.echo"]
    n5_1["swap<br/>weft.echo"]
    subgraph n5_2["verify<br/>sub-DAG, 1 node"]
      n5_2_0["count<br/>weft.echo"]
    end
    n5_0 --> n5_1
    n5_1 --> n5_2
  end
  n6["end<br/>report<br/>PENDING"]
  n0 --> n1
  n1 --> n2
  n2 --> n3
  n2 --> n4
  n3 --> n5
  n4 --> n5
  n5 --> n6
  subgraph onExit["on exit"]
    x0["notify<br/>weft.http<br/>WAITING"]
    x1["tidy-up<br/>weft.echo"]
    x0 --> x1
  end
  classDef PENDING fill:#f3f4f6,stroke:#9ca3af,color:#111827
  classDef RUNNING fill:#dbeafe,stroke:#2563eb,color:#111827
  classDef WAITING fill:#fef3c7,stroke:#d97706,color:#111827
  classDef SUCCEEDED fill:#dcfce7,stroke:#16a34a,color:#111827
  classDef FAILED fill:#fee2e2,stroke:#dc2626,color:#111827
  class n5,n6 PENDING
  class n4 RUNNING
  class x0 WAITING
  class n0,n1,n2 SUCCEEDED
  class n3 FAILED"
`);
  });
});

describe('toDot', () => {
  it('draws the diamond as a top-down digraph of rounded boxes, nodes then edges in document order', () => {
    expect(toDot(diamond)).toBe(
      [
        'digraph "etl-diamond" {',
        '  rankdir=TB;',
        '  compound=true;',
        '  fontname="sans-serif";',
        '  node [shape=box, style="rounded,filled", fillcolor=white, fontname="sans-serif"];',
        '  "extract" [label="extract\\nweft.echo"];',
        '  "clean" [label="clean\\nweft.echo"];',
        '  "aggregate" [label="aggregate\\nweft.echo"];',
        '  "load" [label="load\\nweft.echo"];',
        '  "extract" -> "clean";',
        '  "extract" -> "aggregate";',
        '  "clean" -> "load";',
        '  "aggregate" -> "load";',
        '}',
      ].join('\n'),
    );
  });

  it("fills each node with its run status's colour and names the status in its label", () => {
    const text = toDot(diamond, diamondRun);
    expect(text).toContain(
      '  "extract" [label="extract\\nweft.echo\\nSUCCEEDED", fillcolor="#dcfce7", color="#16a34a"];',
    );
    expect(text).toContain(
      '  "aggregate" [label="aggregate\\nweft.echo\\nFAILED", fillcolor="#fee2e2", color="#dc2626"];',
    );
  });

  it('draws a sub-DAG as a labelled cluster; edges reach its box through its first root and last leaf', () => {
    const text = toDot(everyShape, everyShapeStatuses);
    expect(text).toContain(
      [
        '  subgraph "cluster_load" {',
        '    label="load\\nsub-DAG, 3 nodes\\nPENDING";',
        '    style="rounded,filled";',
        '    fillcolor="#f3f4f6";',
        '    color="#9ca3af";',
        '    "load/stage" [label="stage\\nweft.echo"];',
        '    "load/swap" [label="swap\\nweft.echo"];',
        '    subgraph "cluster_load/verify" {',
        '      label="verify\\nsub-DAG, 1 node";',
        '      style="rounded,filled";',
        '      fillcolor="#f9fafb";',
        '      color="#9ca3af";',
        '      "load/verify/count" [label="count\\nweft.echo"];',
        '    }',
        '    "load/stage" -> "load/swap";',
        '    "load/swap" -> "load/verify/count" [lhead="cluster_load/verify"];',
        '  }',
      ].join('\n'),
    );
    expect(text).toContain('  "resize" -> "load/stage" [lhead="cluster_load"];');
    expect(text).toContain('  "per-item/check" -> "load/stage" [ltail="cluster_per-item", lhead="cluster_load"];');
    // The last leaf of a sub-DAG whose last node is a sub-DAG is inside that one too.
    expect(text).toContain('  "load/verify/count" -> "end" [ltail="cluster_load"];');
  });

  it('puts the exit handlers in a dashed cluster of their own', () => {
    expect(toDot(everyShape, everyShapeStatuses)).toContain(
      [
        '  subgraph "cluster_on exit" {',
        '    label="on exit";',
        '    style="dashed,rounded";',
        '    "notify" [label="notify\\nweft.http\\nWAITING", fillcolor="#fef3c7", color="#d97706"];',
        '    "tidy-up" [label="tidy-up\\nweft.echo"];',
        '    "notify" -> "tidy-up";',
        '  }',
      ].join('\n'),
    );
  });

  it('escapes quotes and backslashes in the name, ids and labels, and writes a line break as \\n', () => {
    expect(toDot(everyShape)).toContain('  "fetch-orders" [label="fetch-orders\\nhttp \\"GET\\" C:\\\\orders"];');
    const text = toDot({ ...dotted, nodes: [{ ...dotted.nodes[0]!, label: 'two\nlines' }, dotted.nodes[1]!] });
    expect(text.split('\n')[0]).toBe('digraph "v1.2 \\"quoted\\"" {');
    expect(text).toContain('  "a.b-c" [label="a.b-c\\ntwo\\nlines"];');
    expect(text).toContain('  "a.b-c" -> "graph";');
  });

  it('draws every shape the same way each time', () => {
    expect(toDot(everyShape, everyShapeStatuses)).toMatchInlineSnapshot(`
"digraph "every-shape" {
  rankdir=TB;
  compound=true;
  fontname="sans-serif";
  node [shape=box, style="rounded,filled", fillcolor=white, fontname="sans-serif"];
  "fetch-orders" [label="fetch-orders\\nhttp \\"GET\\" C:\\\\orders\\nSUCCEEDED", fillcolor="#dcfce7", color="#16a34a"];
  "wait-a-bit" [shape=ellipse, style=filled, label="wait-a-bit\\nsleep 5m\\nSUCCEEDED", fillcolor="#dcfce7", color="#16a34a"];
  "sign_off" [shape=hexagon, style=filled, label="sign_off\\napproval\\nSUCCEEDED", fillcolor="#dcfce7", color="#16a34a"];
  "resize" [label="resize\\nmap: weft.echo\\nFAILED\\n3/10 done, 1 failed", fillcolor="#fee2e2", color="#dc2626"];
  subgraph "cluster_per-item" {
    label="per-item\\nmap: sub-DAG, 1 node\\nRUNNING\\n1/2 done, 1 running";
    style="rounded,filled";
    fillcolor="#dbeafe";
    color="#2563eb";
    "per-item/check" [label="check\\nweft.echo"];
  }
  subgraph "cluster_load" {
    label="load\\nsub-DAG, 3 nodes\\nPENDING";
    style="rounded,filled";
    fillcolor="#f3f4f6";
    color="#9ca3af";
    "load/stage" [label="stage\\nweft.echo"];
    "load/swap" [label="swap\\nweft.echo"];
    subgraph "cluster_load/verify" {
      label="verify\\nsub-DAG, 1 node";
      style="rounded,filled";
      fillcolor="#f9fafb";
      color="#9ca3af";
      "load/verify/count" [label="count\\nweft.echo"];
    }
    "load/stage" -> "load/swap";
    "load/swap" -> "load/verify/count" [lhead="cluster_load/verify"];
  }
  "end" [label="end\\nreport\\nPENDING", fillcolor="#f3f4f6", color="#9ca3af"];
  "fetch-orders" -> "wait-a-bit";
  "wait-a-bit" -> "sign_off";
  "sign_off" -> "resize";
  "sign_off" -> "per-item/check" [lhead="cluster_per-item"];
  "resize" -> "load/stage" [lhead="cluster_load"];
  "per-item/check" -> "load/stage" [ltail="cluster_per-item", lhead="cluster_load"];
  "load/verify/count" -> "end" [ltail="cluster_load"];
  subgraph "cluster_on exit" {
    label="on exit";
    style="dashed,rounded";
    "notify" [label="notify\\nweft.http\\nWAITING", fillcolor="#fef3c7", color="#d97706"];
    "tidy-up" [label="tidy-up\\nweft.echo"];
    "notify" -> "tidy-up";
  }
}"
`);
  });
});
