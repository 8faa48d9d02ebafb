/**
 * What a run returns (dsl-v1.md "The run's result") and how its state reads in the Temporal Web UI
 * (the live markdown of `setCurrentDetails`). Pure: built from the run state alone.
 */
import type { NodeState, RunState, RunStatus } from './run-state';
import type { NodeStatus } from './trigger-rules';

/** A node as the run's result shows it: its state without the scheduler's bookkeeping. */
export type NodeResult = Pick<NodeState, 'status' | 'attempts' | 'startedAt' | 'endedAt' | 'output' | 'error' | 'reason' | 'compensation'>;

export interface CompensationSummary {
  /** Nodes undone, in the order their compensations ran. */
  compensated: string[];
  /** Nodes whose compensation still failed after its retries. */
  failed: string[];
}

export interface WeftRunResult {
  workflowId: string;
  runId: string;
  dag: string;
  status: RunStatus;
  output: unknown;
  nodes: Record<string, NodeResult>;
  /** Present when the run failed or was cancelled: the node that failed the run and why. */
  error?: { nodeId?: string; message: string; type: string | null } | null;
  compensation?: CompensationSummary;
}

/** A run's result object, if `value` is one (e.g. the details of a DAG run's failure). */
export function asRunResult(value: unknown): WeftRunResult | undefined {
  return value && typeof value === 'object' && 'nodes' in value && 'status' in value ? (value as WeftRunResult) : undefined;
}

export function nodeResults(state: RunState): Record<string, NodeResult> {
  const out: Record<string, NodeResult> = {};
  for (const [id, n] of Object.entries(state.nodes)) {
    const result: NodeResult = {
      status: n.status,
      attempts: n.attempts,
      startedAt: n.startedAt,
      endedAt: n.endedAt,
      output: n.output ?? null,
      error: n.error,
    };
    if (n.reason) result.reason = n.reason;
    if (n.compensation) result.compensation = n.compensation;
    out[id] = result;
  }
  return out;
}

const STATUS_ICON: Record<NodeStatus, string> = {
  PENDING: '⏳',
  RUNNING: '▶️',
  WAITING: '✋',
  SUCCEEDED: '✅',
  FAILED: '❌',
  SKIPPED: '⏭️',
  CANCELLED: '🚫',
  COMPENSATED: '↩️',
  COMPENSATION_FAILED: '⚠️',
};

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ').slice(0, 200);
}

/** A markdown table of nodes for the Web UI's "current details". */
export function renderRunMarkdown(dag: string, status: RunStatus, state: RunState, notes: string[] = []): string {
  const counts = new Map<NodeStatus, number>();
  for (const n of Object.values(state.nodes)) counts.set(n.status, (counts.get(n.status) ?? 0) + 1);
  const summary = [...counts.entries()].map(([s, c]) => `${c} ${s.toLowerCase()}`).join(', ');
  const rows = Object.entries(state.nodes).map(([id, n]) => {
    const detail = n.error ? n.error.message : (n.reason ?? '');
    return `| ${cell(id)} | ${STATUS_ICON[n.status]} ${n.status} | ${n.attempts || ''} | ${cell(detail)} |`;
  });
  return [
    `**${cell(dag)}** — ${status} (${summary})`,
    ...notes.map((n) => `> ${n}`),
    '',
    '| node | status | attempts | detail |',
    '| --- | --- | --- | --- |',
    ...rows,
  ].join('\n');
}
