/**
 * A document's graph (graph-model.ts) as text a person can paste or pipe: Mermaid, which GitHub and most
 * Markdown viewers draw, or Graphviz DOT. With a run's statuses each node names its status and is coloured by it.
 * Pure and deterministic: nodes and edges come out in document order, so the text diffs cleanly.
 */
import { edgesOf, type DocumentGraph, type GraphNode } from './graph-model';

/** What a run says of one node: its status and, for a map, how far its items got (a run view's `nodes`). */
export interface GraphNodeStatus {
  status: string;
  map?: { items: number; succeeded: number; failed: number; running: number };
}

/**
 * Statuses by node id, for the DAG's own nodes and its exit handlers (their ids never clash in a valid
 * document). A sub-DAG's nodes run in a child run, so they are drawn without one.
 */
export type GraphStatuses = Readonly<Record<string, GraphNodeStatus>>;

interface StatusColour {
  fill: string;
  stroke: string;
}

// Tailwind's palette: a light fill that dark text reads well on, and a stroke of the same hue.
const STATUS_COLOURS: Readonly<Record<string, StatusColour>> = {
  PENDING: { fill: '#f3f4f6', stroke: '#9ca3af' },
  RUNNING: { fill: '#dbeafe', stroke: '#2563eb' },
  WAITING: { fill: '#fef3c7', stroke: '#d97706' },
  SUCCEEDED: { fill: '#dcfce7', stroke: '#16a34a' },
  FAILED: { fill: '#fee2e2', stroke: '#dc2626' },
  SKIPPED: { fill: '#f3f4f6', stroke: '#6b7280' },
  CANCELLED: { fill: '#e5e7eb', stroke: '#4b5563' },
  COMPENSATED: { fill: '#ede9fe', stroke: '#7c3aed' },
  COMPENSATION_FAILED: { fill: '#ffedd5', stroke: '#ea580c' },
};

// A status this version does not know (a newer worker's) is still shown, in a neutral colour.
const UNKNOWN_STATUS_COLOUR: StatusColour = { fill: '#ffffff', stroke: '#6b7280' };

function colourOf(status: string): StatusColour {
  return STATUS_COLOURS[status] ?? UNKNOWN_STATUS_COLOUR;
}

/** Done counts failed items too, as `weft status` does (mapDetail): they will not run again. */
function mapCounts(map: NonNullable<GraphNodeStatus['map']>): string {
  const parts = [`${map.succeeded + map.failed}/${map.items} done`];
  if (map.failed > 0) parts.push(`${map.failed} failed`);
  if (map.running > 0) parts.push(`${map.running} running`);
  return parts.join(', ');
}

/** The lines of a node's label: its id, what it runs, and with a run its status and a map's counts. */
function labelLines(node: GraphNode, status: GraphNodeStatus | undefined): string[] {
  const lines = [node.id, node.label];
  if (status) lines.push(status.status);
  if (status?.map) lines.push(mapCounts(status.map));
  return lines;
}

/** A `dag` node, or a map of sub-DAGs, is drawn as a box around its sub-DAG (an empty one cannot be). */
function hasSubDag(node: GraphNode): node is GraphNode & { dag: NonNullable<GraphNode['dag']> } {
  return (node.dag?.nodes.length ?? 0) > 0;
}

// ---- Mermaid ----

const MERMAID_ENTITIES: Readonly<Record<string, string>> = {
  '#': '#35;', // Mermaid reads `#name;` in a label as an entity
  '"': '#quot;',
  '&': '#amp;',
  '<': '#lt;',
  '>': '#gt;',
};

/**
 * Mermaid reads every label as Markdown after decoding its entities, so a backtick became "Unsupported
 * markdown: codespan", `*a*` italics and a URL a link it cannot draw. Markdown's backslash escapes keep them
 * text. `_` between letters or digits never starts emphasis, so ids like `publish_us` stay as written.
 */
function escapeMarkdown(text: string): string {
  return text
    .replace(/[\\`*~[\]]/g, (c) => `\\${c}`)
    .replace(/(?<![A-Za-z0-9])_|_(?![A-Za-z0-9])/g, '\\_')
    .replace(/:\/\//g, '\\://')
    .replace(/\bwww\./gi, (www) => `${www.slice(0, 3)}\\.`);
}

/** One line of a label; a line break in the text becomes a space, since Mermaid's own line break is `<br/>`. */
function mermaidText(text: string): string {
  return escapeMarkdown(text.replace(/\s*[\r\n]+\s*/g, ' ')).replace(/[#"&<>]/g, (c) => MERMAID_ENTITIES[c]!);
}

function mermaidLabel(lines: string[]): string {
  return `"${lines.map(mermaidText).join('<br/>')}"`;
}

/** Shapes a reader tells apart without reading: an approval gate, a wait, and boxes for work. */
function mermaidShape(node: GraphNode, label: string): string {
  if (node.type === 'approval') return `{{${label}}}`;
  if (node.type === 'sleep') return `([${label}])`;
  return `[${label}]`;
}

/** A status as a class name (Mermaid's are identifiers). */
function mermaidClass(status: string): string {
  return status.replace(/[^A-Za-z0-9_]/g, '_');
}

// Mermaid wraps a title at 200 px (`flowchart.wrappingWidth`), about this many characters of its font.
const MERMAID_CHARS_PER_LINE = 25;
const MERMAID_LINE_HEIGHT = 24;

/**
 * Mermaid lays a subgraph out as if its title were one line, so a taller one hid behind the subgraph's
 * first nodes; `subGraphTitleMargin` makes room for the tallest (one value serves every subgraph).
 */
function mermaidTitleMargin(titles: string[][]): string[] {
  const lines = Math.max(
    0,
    ...titles.map((title) => title.reduce((sum, line) => sum + Math.ceil(line.length / MERMAID_CHARS_PER_LINE), 0)),
  );
  if (lines <= 1) return [];
  const bottom = (lines - 1) * MERMAID_LINE_HEIGHT;
  return ['---', 'config:', '  flowchart:', `    subGraphTitleMargin: { top: 0, bottom: ${bottom} }`, '---'];
}

/**
 * Mermaid `flowchart TD`. Node ids become `n0`, `n1`, ... in document order (`n1_0` inside `n1`'s sub-DAG,
 * `x0` for exit handlers): real ids may hold characters Mermaid reads as syntax, and words like `end` are
 * its keywords. The real id is the label's first line.
 */
export function toMermaid(graph: DocumentGraph, statuses: GraphStatuses = {}): string {
  const body: string[] = [];
  const titles: string[][] = [];
  const classes = new Map<string, string[]>();

  const level = (nodes: readonly GraphNode[], prefix: string, indent: string, withStatus: boolean): void => {
    const keys = new Map(nodes.map((node, i) => [node.id, `${prefix}${i}`]));
    for (const node of nodes) {
      const key = keys.get(node.id)!;
      const status = withStatus ? statuses[node.id] : undefined;
      const label = labelLines(node, status);
      if (hasSubDag(node)) {
        titles.push(label);
        body.push(`${indent}subgraph ${key}[${mermaidLabel(label)}]`);
        level(node.dag.nodes, `${key}_`, `${indent}  `, false);
        body.push(`${indent}end`);
      } else {
        body.push(`${indent}${key}${mermaidShape(node, mermaidLabel(label))}`);
      }
      if (status) classes.set(status.status, [...(classes.get(status.status) ?? []), key]);
    }
    for (const { from, to } of edgesOf(nodes)) {
      const [tail, head] = [keys.get(from), keys.get(to)];
      if (tail && head) body.push(`${indent}${tail} --> ${head}`);
    }
  };

  level(graph.nodes, 'n', '  ', true);
  if (graph.onExit?.length) {
    body.push('  subgraph onExit["on exit"]');
    level(graph.onExit, 'x', '    ', true);
    body.push('  end');
  }
  const used = orderStatuses([...classes.keys()]);
  for (const status of used) {
    const { fill, stroke } = colourOf(status);
    body.push(`  classDef ${mermaidClass(status)} fill:${fill},stroke:${stroke},color:#111827`);
  }
  for (const status of used) body.push(`  class ${classes.get(status)!.join(',')} ${mermaidClass(status)}`);
  return [...mermaidTitleMargin(titles), 'flowchart TD', ...body].join('\n');
}

/** Known statuses in the palette's order, then any others as they first appeared. */
function orderStatuses(statuses: string[]): string[] {
  const known = Object.keys(STATUS_COLOURS).filter((s) => statuses.includes(s));
  return [...known, ...statuses.filter((s) => !(s in STATUS_COLOURS))];
}

// ---- Graphviz DOT ----

/** A DOT double-quoted string: `\` and `"` escaped, a line break as DOT's `\n`. */
function dotString(text: string): string {
  return `"${text.replace(/[\\"]/g, (c) => `\\${c}`).replace(/\r?\n|\r/g, '\\n')}"`;
}

function dotLabel(lines: string[]): string {
  // Each line escaped on its own, then joined by DOT's line break: a backslash in the text stays a backslash.
  return `"${lines.map((line) => dotString(line).slice(1, -1)).join('\\n')}"`;
}

function dotShape(node: GraphNode): string[] {
  // A hexagon or an ellipse cannot be rounded; Graphviz would warn about the default style.
  if (node.type === 'approval') return ['shape=hexagon', 'style=filled'];
  if (node.type === 'sleep') return ['shape=ellipse', 'style=filled'];
  return [];
}

function dotColours(status: GraphNodeStatus | undefined): string[] {
  if (!status) return [];
  const { fill, stroke } = colourOf(status.status);
  return [`fillcolor=${dotString(fill)}`, `color=${dotString(stroke)}`];
}

/** A sub-DAG's box without a run: a faint grey, so it reads as a frame around its nodes. */
const DOT_CLUSTER_COLOURS = ['fillcolor="#f9fafb"', 'color="#9ca3af"'];

/**
 * Graphviz DOT. A node's DOT id is its id, after its parents' in a sub-DAG (`load/stage`; ids never hold
 * "/", NODE_ID_PATTERN). A sub-DAG is a `cluster_` subgraph; an edge to or from it is drawn to its box
 * (`lhead`, `ltail`, `compound=true`) through one of its nodes, since DOT edges join nodes, not clusters.
 */
export function toDot(graph: DocumentGraph, statuses: GraphStatuses = {}): string {
  const lines = [
    `digraph ${dotString(graph.name)} {`,
    '  rankdir=TB;',
    '  compound=true;',
    '  fontname="sans-serif";',
    '  node [shape=box, style="rounded,filled", fillcolor=white, fontname="sans-serif"];',
  ];

  const level = (nodes: readonly GraphNode[], prefix: string, indent: string, withStatus: boolean): void => {
    const keyOf = (node: GraphNode): string => `${prefix}${node.id}`;
    const clusterOf = (node: GraphNode): string => dotString(`cluster_${keyOf(node)}`);
    for (const node of nodes) {
      const status = withStatus ? statuses[node.id] : undefined;
      const label = `label=${dotLabel(labelLines(node, status))}`;
      if (hasSubDag(node)) {
        const colours = status ? dotColours(status) : DOT_CLUSTER_COLOURS;
        lines.push(`${indent}subgraph ${clusterOf(node)} {`);
        for (const attribute of [label, 'style="rounded,filled"', ...colours]) lines.push(`${indent}  ${attribute};`);
        level(node.dag.nodes, `${keyOf(node)}/`, `${indent}  `, false);
        lines.push(`${indent}}`);
      } else {
        const attributes = [...dotShape(node), label, ...dotColours(status)];
        lines.push(`${indent}${dotString(keyOf(node))} [${attributes.join(', ')}];`);
      }
    }
    const byId = new Map(nodes.map((node) => [node.id, node]));
    for (const { from, to } of edgesOf(nodes)) {
      const [tail, head] = [byId.get(from), byId.get(to)];
      if (!tail || !head) continue;
      const attributes = [
        ...(hasSubDag(tail) ? [`ltail=${clusterOf(tail)}`] : []),
        ...(hasSubDag(head) ? [`lhead=${clusterOf(head)}`] : []),
      ];
      const edge = `${dotString(anchor(tail, keyOf(tail), 'last'))} -> ${dotString(anchor(head, keyOf(head), 'first'))}`;
      lines.push(`${indent}${edge}${attributes.length ? ` [${attributes.join(', ')}]` : ''};`);
    }
  };

  level(graph.nodes, '', '  ', true);
  if (graph.onExit?.length) {
    // A space never occurs in a node id, so this cluster cannot clash with a sub-DAG's.
    lines.push('  subgraph "cluster_on exit" {');
    lines.push('    label="on exit";');
    lines.push('    style="dashed,rounded";');
    level(graph.onExit, '', '    ', true);
    lines.push('  }');
  }
  lines.push('}');
  return lines.join('\n');
}

/**
 * The node inside a sub-DAG's cluster that an edge attaches to: edges in go to its first root, edges out leave
 * from its last leaf, so the arrow runs along the sub-DAG's own direction. A plain node is its own anchor.
 */
function anchor(node: GraphNode, key: string, end: 'first' | 'last'): string {
  if (!hasSubDag(node)) return key;
  const nodes = node.dag.nodes;
  const upstream = new Set(nodes.flatMap((n) => n.dependsOn));
  // A valid sub-DAG always has a root and a leaf; the first and last node stand in for a graph that has not.
  const picked =
    end === 'first'
      ? (nodes.find((n) => n.dependsOn.length === 0) ?? nodes[0]!)
      : (nodes.filter((n) => !upstream.has(n.id)).at(-1) ?? nodes.at(-1)!);
  return anchor(picked, `${key}/${picked.id}`, end);
}
