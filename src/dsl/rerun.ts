/**
 * Rerun (redrive): which nodes of a finished run a new run keeps, as a pure decision. A node is kept when
 * its final state was SUCCEEDED (not compensated: its effect is live), its output is in the recorded result,
 * and it is not at or downstream of a `from` node; every other node runs as in a fresh run. A kept node keeps
 * its recorded output even when a node upstream of it runs again: it is not executed twice.
 */
import type { NodeResult } from './run-result';
import { didYouMean } from './suggest';

/** What the new run starts with for a kept node. */
export interface KeptNode {
  output: unknown;
  attempts: number;
  startedAt: string | null;
  endedAt: string | null;
}

/** What a rerun hands the interpreter: the run it reruns and the nodes it keeps. */
export interface RerunPlan {
  of: string;
  kept: Record<string, KeptNode>;
}

interface PlannedNode {
  id: string;
  dependsOn?: readonly string[];
}

/** Nodes at or downstream of `from`. */
function downstreamOf(nodes: readonly PlannedNode[], from: readonly string[]): Set<string> {
  const children = new Map<string, string[]>();
  for (const node of nodes)
    for (const parent of node.dependsOn ?? []) children.set(parent, [...(children.get(parent) ?? []), node.id]);
  const reached = new Set<string>(from);
  const todo = [...from];
  while (todo.length > 0) {
    for (const child of children.get(todo.pop()!) ?? []) {
      if (reached.has(child)) continue;
      reached.add(child);
      todo.push(child);
    }
  }
  return reached;
}

/**
 * The nodes a rerun of the run `of` (its recorded nodes) keeps, or why it cannot be planned (a `from` node
 * the document does not have), as one sentence.
 */
export function planRerun(
  of: string,
  nodes: readonly PlannedNode[],
  recorded: Readonly<Record<string, NodeResult | undefined>>,
  from: readonly string[] = [],
): { ok: true; plan: RerunPlan } | { ok: false; problem: string } {
  const ids = nodes.map((node) => node.id);
  for (const id of from) {
    if (!ids.includes(id))
      return { ok: false, problem: `the DAG of "${of}" has no node "${id}" to rerun from${didYouMean(id, ids)}` };
  }
  const again = downstreamOf(nodes, from);
  const kept: Record<string, KeptNode> = {};
  for (const { id } of nodes) {
    const node = recorded[id];
    if (!node || node.status !== 'SUCCEEDED' || node.outputOmitted !== undefined || again.has(id)) continue;
    kept[id] = { output: node.output, attempts: node.attempts, startedAt: node.startedAt, endedAt: node.endedAt };
  }
  return { ok: true, plan: { of, kept } };
}
