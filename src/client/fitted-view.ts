/**
 * A run fitted to a terminal: a totals line, the nodes a person acts on or waits for (failed, waiting with
 * the commands that release them, running), then "and N more". Every line fits the width and the whole
 * fits the height, so a redraw in place never scrolls.
 */
import type { Colors } from 'picocolors/types';
import type { NodeResult } from '../dsl/run-result';
import type { NodeStatus } from '../dsl/trigger-rules';
import type { WeftRunView } from '../protocol/dag';
import { nodeDetail } from './render';

export interface TerminalSize {
  columns: number;
  rows: number;
}

export type FittableRun = Pick<WeftRunView, 'workflowId' | 'status' | 'nodes' | 'waiting'>;

/** The order rows are shown in; nodes in other states are only counted. */
const SHOWN: readonly NodeStatus[] = [
  'FAILED',
  'COMPENSATION_FAILED',
  'WAITING',
  'RUNNING',
  'CANCELLED',
  'COMPENSATED',
];

const COUNTED: readonly NodeStatus[] = [
  'SUCCEEDED',
  'RUNNING',
  'WAITING',
  'FAILED',
  'COMPENSATION_FAILED',
  'COMPENSATED',
  'CANCELLED',
  'SKIPPED',
  'PENDING',
];

export function colourStatus(status: string, c: Colors): string {
  switch (status) {
    case 'SUCCEEDED':
      return c.green(status);
    case 'FAILED':
    case 'COMPENSATION_FAILED':
      return c.red(status);
    case 'RUNNING':
      return c.cyan(status);
    case 'WAITING':
    case 'PAUSED':
      return c.yellow(status);
    case 'COMPENSATED':
      return c.magenta(status);
    default:
      return c.dim(status);
  }
}

/** `line` with the status at `offset` coloured, unless cutting the line cut into it. */
function colourAt(line: string, offset: number, status: string, c: Colors): string {
  if (line.slice(offset, offset + status.length) !== status) return line;
  return line.slice(0, offset) + colourStatus(status, c) + line.slice(offset + status.length);
}

/** `text` in at most `width` characters, its end replaced by an ellipsis when cut. */
export function cut(text: string, width: number): string {
  if (width <= 0) return '';
  return text.length <= width ? text : text.slice(0, width - 1) + '…';
}

/**
 * Minutes only: a live row must not change every second, or every running node is redrawn on every tick.
 * Under a minute says nothing; a node running for minutes is the one worth a look.
 */
function runningFor(node: NodeResult, now: number): string {
  if (!node.startedAt) return '';
  const minutes = Math.floor((now - Date.parse(node.startedAt)) / 60_000);
  if (minutes < 1) return '';
  return minutes < 60 ? `for ${minutes}m` : `for ${Math.floor(minutes / 60)}h${String(minutes % 60).padStart(2, '0')}m`;
}

function rowDetail(node: NodeResult, now: number): string {
  const parts = node.status === 'RUNNING' ? [runningFor(node, now)] : [];
  if (node.attempts > 1) parts.push(`attempt ${node.attempts}`);
  parts.push(nodeDetail(node));
  return parts.filter(Boolean).join('; ');
}

/** The run's status, then how many nodes are in each state (none of those with none). */
export function totalsLine(run: FittableRun, width: number, c: Colors): string {
  const nodes = Object.values(run.nodes);
  const counts = COUNTED.map((status) => [status, nodes.filter((n) => n.status === status).length] as const)
    .filter(([, count]) => count > 0)
    .map(([status, count]) => `${count} ${status.toLowerCase().replace('_', ' ')}`);
  return colourAt(cut(`${run.status}  ${nodes.length} nodes: ${counts.join(', ')}`, width), 0, run.status, c);
}

/** The lines of `run` for a terminal of `size`; `now` is when running nodes' times are measured to. */
export function fitRunView(run: FittableRun, size: TerminalSize, c: Colors, now = Date.now()): string[] {
  const width = Math.max(1, size.columns);
  const maxLines = Math.max(1, size.rows);
  const entries = Object.entries(run.nodes);
  const shown = SHOWN.flatMap((status) => entries.filter(([, n]) => n.status === status));
  const idWidth = Math.min(Math.max(0, ...shown.map(([id]) => id.length)), Math.floor(width * 0.4));
  const statusWidth = Math.max(0, ...shown.map(([, n]) => n.status.length));
  const hints = new Map((run.waiting ?? []).map((w) => [w.nodeId, w.release.slice(0, -1)])); // the last names the update

  const lines = [totalsLine(run, width, c)];
  const blocks = shown.map(([id, node]) => {
    const idCell = cut(id, idWidth).padEnd(idWidth);
    const row = cut(`${idCell}  ${node.status.padEnd(statusWidth)}  ${rowDetail(node, now)}`.trimEnd(), width);
    const release = node.status === 'WAITING' ? (hints.get(id) ?? []) : [];
    return [colourAt(row, idCell.length + 2, node.status, c), ...release.map((r) => c.dim(cut(`  ↳ ${r}`, width)))];
  });
  const room = maxLines - 1;
  let used = 0;
  let listed = 0;
  for (const block of blocks) {
    const leftOut = entries.length - listed - 1 > 0; // then a last line must say how many
    if (used + block.length + (leftOut ? 1 : 0) > room) break;
    lines.push(...block);
    used += block.length;
    listed += 1;
  }
  const more = entries.length - listed;
  const everyNode = `weft status ${run.workflowId} lists every node`;
  if (more > 0 && lines.length < maxLines)
    lines.push(c.dim(cut(listed ? `and ${more} more (${everyNode})` : everyNode, width)));
  return lines;
}
