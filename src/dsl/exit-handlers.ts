/**
 * Exit handlers (`onExit`) as data: the document their child run interprets, and which of the DAG's nodes
 * their expressions read (only those nodes' views travel in the child's input).
 */
import { analyzeExpression } from './expression-engine';
import { analyzeTemplate } from './expressions';
import { subDagDocument } from './sub-dag';
import type { WeftDocument, WeftNode } from './schema';

/** `<name>.onExit`: the exit handlers as a DAG of their own; one failing does not stop the others. */
export function exitDocument(doc: WeftDocument): WeftDocument {
  return subDagDocument(doc, 'onExit', { nodes: doc.onExit ?? [], failFast: false });
}

/**
 * The DAG node ids the exit handlers' expressions name (their own nodes' ids left out), in document order.
 * A sub-DAG inside an exit handler has its own scope; its references are over-counted, never missed.
 */
export function nodesReadOnExit(doc: WeftDocument): string[] {
  const exitIds = new Set((doc.onExit ?? []).map((node) => node.id));
  const refs = new Set<string>();
  for (const node of doc.onExit ?? []) {
    for (const expression of analyzeTemplate(node).expressions) for (const ref of expression.references) refs.add(ref);
    const when = (node as WeftNode & { when?: string }).when;
    if (when !== undefined) {
      const analysis = analyzeExpression(when);
      if (analysis.ok) for (const ref of analysis.references) refs.add(ref);
    }
  }
  return doc.nodes.map((node) => node.id).filter((id) => refs.has(id) && !exitIds.has(id));
}
