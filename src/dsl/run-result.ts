/**
 * What a run returns (docs/dsl.md, "The run's result") and how its state reads in the Temporal Web UI
 * (the live markdown of `setCurrentDetails`). Pure: built from the run state alone.
 */
import type { MapProgress, NodeState, RunState, RunStatus } from './run-state';
import type { NodeStatus } from './trigger-rules';

/** A node as the run's result shows it: its state without the scheduler's bookkeeping. */
export type NodeResult = Pick<
  NodeState,
  | 'status'
  | 'attempts'
  | 'startedAt'
  | 'endedAt'
  | 'output'
  | 'error'
  | 'reason'
  | 'compensation'
  | 'map'
  | 'reusedFrom'
> & {
  /**
   * Set when the node's output was left out of the run's result to keep it within one payload: the
   * output's size in JSON characters. The output itself is in the run's history (the activity's result).
   */
  outputOmitted?: number;
};

/**
 * The most JSON characters Weft puts in one payload it builds itself (a run's result, a hand-over's input).
 * Temporal refuses payloads over 2 MB by default, and terminates a run whose result is larger; this
 * leaves room for a codec's envelope and multi-byte text.
 */
export const MAX_PAYLOAD_CHARS = 1_500_000;

export interface CompensationSummary {
  /** Nodes undone, in the order their compensations ran. */
  compensated: string[];
  /** Nodes whose compensation still failed after its retries. */
  failed: string[];
}

/** Why a run failed or was cancelled: the node that failed it, if one did, and its error. */
export interface RunResultError {
  nodeId?: string;
  message: string;
  type: string | null;
}

export interface WeftRunResult {
  workflowId: string;
  runId: string;
  dag: string;
  status: RunStatus;
  output: unknown;
  /** Set when the run's output was left out to keep the result within one payload: its size in JSON characters. */
  outputOmitted?: number;
  nodes: Record<string, NodeResult>;
  /** Present when the run failed or was cancelled: the node that failed the run and why. */
  error?: RunResultError | null;
  compensation?: CompensationSummary;
  /** A rerun: the workflow id of the run it reran (its kept nodes carry `reusedFrom`). */
  rerunOf?: string;
  /** The exit handlers' outcome, once they ran; it never changes `status`. */
  onExit?: ExitOutcome;
}

/** The exit handlers' outcome in the run's result: their child run's status and nodes. */
export interface ExitOutcome {
  workflowId: string;
  status: RunStatus;
  nodes: Record<string, NodeResult>;
  error?: RunResultError | null;
}

/** A run's result object, if `value` is one (e.g. the details of a DAG run's failure). */
export function asRunResult(value: unknown): WeftRunResult | undefined {
  return value && typeof value === 'object' && 'nodes' in value && 'status' in value
    ? (value as WeftRunResult)
    : undefined;
}

/**
 * A run's result (or its `state` view), made to fit `maxChars` of JSON: the largest node outputs are left
 * out first (each marked with `outputOmitted`), then, if it is still too large, the run's own output.
 * What fits is returned as is.
 */
export function fitRunResult<T extends { nodes: Record<string, NodeResult>; output?: unknown; outputOmitted?: number }>(
  result: T,
  maxChars = MAX_PAYLOAD_CHARS,
): T {
  let size = JSON.stringify(result).length;
  if (size <= maxChars) return result;
  const nodes = { ...result.nodes };
  const bySize = Object.keys(nodes)
    .map((id) => ({ id, chars: JSON.stringify(nodes[id].output ?? null).length }))
    .sort((a, b) => b.chars - a.chars || (a.id < b.id ? -1 : 1));
  for (const { id, chars } of bySize) {
    if (size <= maxChars || chars <= 4) break;
    nodes[id] = { ...nodes[id], output: null, outputOmitted: chars };
    size -= chars - 'null'.length - `,"outputOmitted":${chars}`.length;
  }
  const fitted: T = { ...result, nodes };
  if ('output' in result && JSON.stringify(fitted).length > maxChars) {
    fitted.outputOmitted = JSON.stringify(result.output ?? null).length;
    fitted.output = null;
  }
  return fitted;
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
    if (n.map) result.map = n.map;
    if (n.reusedFrom) result.reusedFrom = n.reusedFrom;
    out[id] = result;
  }
  return out;
}

/**
 * How a status reads in the Web UI's details: the word itself, in bold where a person should look. No emoji:
 * without an emoji font they render as empty boxes, and the word says it anyway.
 */
const NEEDS_A_LOOK: ReadonlySet<NodeStatus> = new Set(['WAITING', 'FAILED', 'COMPENSATION_FAILED']);
const statusCell = (status: NodeStatus) => (NEEDS_A_LOOK.has(status) ? `**${status}**` : status);

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ').slice(0, 200);
}

/** Beyond this many nodes the table lists only the nodes worth a look (a person cannot read thousands of rows). */
export const MARKDOWN_MAX_ROWS = 100;

const SETTLED_QUIETLY: ReadonlySet<NodeStatus> = new Set(['PENDING', 'SUCCEEDED', 'SKIPPED']);

/** Statuses in the order the summary line lists them. */
const STATUS_ORDER: readonly NodeStatus[] = [
  'PENDING',
  'RUNNING',
  'WAITING',
  'SUCCEEDED',
  'FAILED',
  'SKIPPED',
  'CANCELLED',
  'COMPENSATED',
  'COMPENSATION_FAILED',
];

/** What the live details show: counts by status, the rows to list, how many rows were left out, notes. */
export interface RunSummary {
  readonly counts: ReadonlyMap<NodeStatus, number>;
  readonly rows: ReadonlyArray<
    { readonly id: string } & Pick<NodeState, 'status' | 'attempts' | 'error' | 'reason' | 'map' | 'reusedFrom'>
  >;
  readonly hidden: number;
  readonly notes?: readonly string[];
  /** The run's page in Weft's console, drawn as its DAG. */
  readonly consoleLink?: string;
}

/** A summary of a whole run state, scanning every node (the interpreter keeps one incrementally instead). */
export function summarizeRun(state: RunState, notes: readonly string[] = []): RunSummary {
  const counts = new Map<NodeStatus, number>();
  const entries = Object.entries(state.nodes);
  for (const [, n] of entries) counts.set(n.status, (counts.get(n.status) ?? 0) + 1);
  const shown =
    entries.length <= MARKDOWN_MAX_ROWS
      ? entries
      : entries.filter(([, n]) => !SETTLED_QUIETLY.has(n.status)).slice(0, MARKDOWN_MAX_ROWS);
  return { counts, rows: shown.map(([id, n]) => ({ id, ...n })), hidden: entries.length - shown.length, notes };
}

/** A map's items at a glance: `1,200 / 10,000 items done, 3 failed, 100 running`. */
export function mapDetail(map: MapProgress): string {
  const n = (value: number) => value.toLocaleString('en-US');
  const parts = [`${n(map.succeeded + map.failed)} / ${n(map.items)} items done`];
  if (map.failed > 0) parts.push(`${n(map.failed)} failed`);
  if (map.running > 0) parts.push(`${n(map.running)} running`);
  if (map.outputsOmitted) parts.push(`${n(map.outputsOmitted)} outputs left out of the result`);
  if (map.compensated) parts.push(`${n(map.compensated)} compensated`);
  if (map.compensationFailed) parts.push(`${n(map.compensationFailed)} compensations failed`);
  return parts.join(', ');
}

/** A markdown table of nodes for the Web UI's "current details". */
export function renderRunMarkdown(dag: string, status: RunStatus, summary: RunSummary): string {
  const counts = STATUS_ORDER.filter((s) => (summary.counts.get(s) ?? 0) > 0).map(
    (s) => `${summary.counts.get(s)} ${s.toLowerCase()}`,
  );
  const rows = summary.rows.map((n) => {
    const detail = [
      n.reusedFrom ? `reused from ${n.reusedFrom}` : '',
      n.map ? mapDetail(n.map) : '',
      n.error ? n.error.message : (n.reason ?? ''),
    ]
      .filter(Boolean)
      .join('; ');
    return `| ${cell(n.id)} | ${statusCell(n.status)} | ${n.attempts || ''} | ${cell(detail)} |`;
  });
  return [
    `**${cell(dag)}** — ${status} (${counts.join(', ')})`,
    ...(summary.consoleLink ? ['', `[Open in Weft's console](${summary.consoleLink}) (the run drawn as its DAG)`] : []),
    ...(summary.notes ?? []).map((n) => `> ${n}`),
    '',
    '| node | status | attempts | detail |',
    '| --- | --- | --- | --- |',
    ...rows,
    ...(summary.hidden > 0
      ? [
          '',
          `${summary.hidden} more nodes (pending, succeeded, skipped or past the first ${MARKDOWN_MAX_ROWS}) are left out; \`weft status\` lists them all.`,
        ]
      : []),
  ].join('\n');
}
