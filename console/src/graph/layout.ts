/**
 * Positions for a DAG's nodes and edges, by dagre's layered layout (top to bottom, as Airflow and Argo draw).
 * An expanded sub-DAG is laid out first and then placed as one large node of its parent, so nesting needs no
 * compound graph and every level keeps dagre's ordering.
 */
import dagre, { type EdgeLabel, type GraphLabel, type NodeLabel } from '@dagrejs/dagre';
import type { GraphNode } from '../api';

export const NODE_WIDTH = 210;
export const NODE_HEIGHT = 66;
/** Room above an expanded sub-DAG's nodes for its own header. */
export const GROUP_HEADER = 34;
const GROUP_PADDING = 14;

export interface PlacedNode {
  node: GraphNode;
  /** Top-left corner, in the coordinates of the layout it belongs to. */
  x: number;
  y: number;
  width: number;
  height: number;
  /** The sub-DAG drawn inside, when the node is expanded. */
  inner?: Layout;
}

export interface PlacedEdge {
  from: string;
  to: string;
  points: Array<{ x: number; y: number }>;
}

export interface Layout {
  width: number;
  height: number;
  nodes: PlacedNode[];
  edges: PlacedEdge[];
}

/** Past this many nodes, dagre's longest-path ranking: much faster than network simplex, a little less compact. */
const LARGE = 300;

export function layoutGraph(nodes: readonly GraphNode[], innerOf: (node: GraphNode) => Layout | undefined): Layout {
  const graph = new dagre.graphlib.Graph<GraphLabel, NodeLabel & { inner?: Layout }, EdgeLabel>();
  graph.setGraph({
    rankdir: 'TB',
    nodesep: 28,
    ranksep: 46,
    marginx: 12,
    marginy: 12,
    ranker: nodes.length > LARGE ? 'longest-path' : 'network-simplex',
  });
  graph.setDefaultEdgeLabel(() => ({}));
  for (const node of nodes) {
    const inner = innerOf(node);
    graph.setNode(node.id, {
      width: inner ? Math.max(NODE_WIDTH, inner.width + 2 * GROUP_PADDING) : NODE_WIDTH,
      height: inner ? inner.height + GROUP_HEADER + GROUP_PADDING : NODE_HEIGHT,
      inner,
    });
  }
  const ids = new Set(nodes.map((n) => n.id));
  for (const node of nodes) for (const from of node.dependsOn) if (ids.has(from)) graph.setEdge(from, node.id);
  dagre.layout(graph);
  const placed = nodes.map((node) => {
    const label = graph.node(node.id);
    return {
      node,
      x: (label.x ?? 0) - label.width / 2,
      y: (label.y ?? 0) - label.height / 2,
      width: label.width,
      height: label.height,
      inner: label.inner,
    };
  });
  const edges = graph.edges().map((e) => ({ from: e.v, to: e.w, points: graph.edge(e).points ?? [] }));
  const { width = 0, height = 0 } = graph.graph();
  return { width, height, nodes: placed, edges };
}

/** Where an expanded node's inner layout starts, relative to the node's corner. */
export function innerOffset(placed: PlacedNode): { x: number; y: number } {
  return { x: (placed.width - (placed.inner?.width ?? 0)) / 2, y: GROUP_HEADER };
}
