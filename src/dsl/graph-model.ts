/**
 * The shape of a DAG as a picture draws it: nodes with a type and a label, edges from `dependsOn`, a sub-DAG's
 * nodes inside their `dag` node, a map as one node (never one box per item), and the exit handlers beside the
 * DAG. The console lays it out and colours it with a run's states; `weft graph` writes it as Mermaid or DOT.
 * Pure: built from a validated document.
 */
import type { MapTemplate, SubDag, WeftDocument, WeftNode } from './schema';

export type GraphNodeType = WeftNode['type'];

export interface GraphNode {
  /** The node's id in its own DAG (a sub-DAG's ids are its own). */
  id: string;
  type: GraphNodeType;
  /** What it runs, in a word: the activity or workflow type, a sleep's duration, "approval", the sub-DAG's size. */
  label: string;
  dependsOn: string[];
  /** A `dag` node's sub-DAG. */
  dag?: GraphModel;
  /** A `map` node: what it runs per item (a dag template's nodes are in `dag`). */
  map?: { template: 'activity' | 'workflow' | 'dag'; label: string };
}

export interface GraphModel {
  nodes: GraphNode[];
  /** Exit handlers (top level only): a DAG of their own, run after the DAG ended. */
  onExit?: GraphNode[];
}

export interface DocumentGraph extends GraphModel {
  name: string;
}

export function graphOfDocument(document: WeftDocument): DocumentGraph {
  return {
    name: document.name,
    ...graphOf(document.nodes),
    ...(document.onExit?.length ? { onExit: document.onExit.map(graphNode) } : {}),
  };
}

function graphOf(nodes: readonly WeftNode[]): GraphModel {
  return { nodes: nodes.map(graphNode) };
}

function graphNode(node: WeftNode): GraphNode {
  const base = { id: node.id, type: node.type, dependsOn: [...(node.dependsOn ?? [])] };
  switch (node.type) {
    case 'activity':
      return { ...base, label: node.activity };
    case 'sleep':
      return { ...base, label: `sleep ${node.duration}` };
    case 'approval':
      return { ...base, label: 'approval' };
    case 'workflow':
      return { ...base, label: node.workflow };
    case 'dag':
      return { ...base, label: subDagLabel(node.dag), dag: graphOf(node.dag.nodes) };
    case 'map': {
      const template = templateOf(node.node);
      return {
        ...base,
        label: `map: ${template.label}`,
        map: template,
        ...(node.node.type === 'dag' ? { dag: graphOf(node.node.dag.nodes) } : {}),
      };
    }
  }
}

function templateOf(template: MapTemplate): { template: 'activity' | 'workflow' | 'dag'; label: string } {
  switch (template.type) {
    case 'activity':
      return { template: 'activity', label: template.activity };
    case 'workflow':
      return { template: 'workflow', label: template.workflow };
    case 'dag':
      return { template: 'dag', label: subDagLabel(template.dag) };
  }
}

function subDagLabel(dag: SubDag): string {
  return `sub-DAG, ${dag.nodes.length} node${dag.nodes.length === 1 ? '' : 's'}`;
}

/** Every edge of one level, upstream first, in document order. */
export function edgesOf(nodes: readonly GraphNode[]): Array<{ from: string; to: string }> {
  return nodes.flatMap((node) => node.dependsOn.map((from) => ({ from, to: node.id })));
}
