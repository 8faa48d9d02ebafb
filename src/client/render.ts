/** Plain-text views of runs for the terminal: the node table and the one-line summary. */
import { mapDetail, type NodeResult, type WeftRunResult } from '../dsl/run-result';
import type { WeftRunView } from '../protocol/dag';

function duration(node: NodeResult): string {
  if (!node.startedAt) return '';
  const end = node.endedAt ? Date.parse(node.endedAt) : Date.now();
  return elapsed(Math.max(0, end - Date.parse(node.startedAt)));
}

/** A measured time for a person: `850ms`, `4.2s`, `3m12s`, `2h05m`. */
export function elapsed(ms: number): string {
  if (ms < 1000) return `${ms}ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)}s`;
  if (ms < 3_600_000) return `${Math.floor(ms / 60_000)}m${Math.round((ms % 60_000) / 1000)}s`;
  return `${Math.floor(ms / 3_600_000)}h${String(Math.floor((ms % 3_600_000) / 60_000)).padStart(2, '0')}m`;
}

/** What a row says beside its status: a map's counts, the error, why it was skipped or waits. */
export function nodeDetail(node: NodeResult): string {
  const parts: string[] = node.map ? [mapDetail(node.map)] : [];
  if (node.reusedFrom) parts.push(`reused from ${node.reusedFrom}`);
  if (node.error) parts.push(node.error.type ? `${node.error.type}: ${node.error.message}` : node.error.message);
  else if (node.reason) parts.push(node.reason);
  if (node.compensation?.status === 'COMPENSATION_FAILED')
    parts.push(`compensation failed: ${node.compensation.error?.message}`);
  if (node.outputOmitted !== undefined)
    parts.push(`output of ${node.outputOmitted} characters left out of the result (it is in the run's history)`);
  return parts.join('; ').replace(/\s+/g, ' ');
}

/** Columns sized to their content; the detail column is cut to keep rows on one line. */
export function renderNodeTable(view: Pick<WeftRunView, 'nodes'>, width = 120): string {
  const header = ['NODE', 'STATUS', 'ATTEMPTS', 'TIME', 'DETAIL'];
  const rows = Object.entries(view.nodes).map(([id, n]) => [
    id,
    n.status,
    n.attempts ? String(n.attempts) : '',
    duration(n),
    nodeDetail(n),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const fixed = widths.slice(0, 4).reduce((a, b) => a + b + 2, 0);
  widths[4] = Math.max(10, Math.min(widths[4], width - fixed));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (c.length > widths[i] ? c.slice(0, widths[i] - 1) + '…' : c.padEnd(widths[i])))
      .join('  ')
      .trimEnd();
  return [line(header), ...rows.map(line)].join('\n');
}

export function renderSummary(
  result: Pick<WeftRunResult, 'workflowId' | 'status' | 'error' | 'compensation' | 'dag' | 'rerunOf' | 'onExit'>,
): string {
  const lines = [`${result.dag ? result.dag + ' ' : ''}run ${result.workflowId}: ${result.status}`];
  if (result.rerunOf) lines.push(`  a rerun of ${result.rerunOf}`);
  if (result.error && result.status !== 'SUCCEEDED') {
    lines.push(
      result.error.nodeId
        ? `  node "${result.error.nodeId}" failed: ${result.error.message}`
        : `  ${result.error.message}`,
    );
  }
  if (result.compensation) {
    const { compensated, failed } = result.compensation;
    lines.push(
      `  compensated: ${compensated.length ? compensated.join(', ') : 'none'}${failed.length ? `; compensation failed: ${failed.join(', ')}` : ''}`,
    );
  }
  if (result.onExit) {
    const failed = Object.entries(result.onExit.nodes).filter(([, n]) => n.status === 'FAILED');
    lines.push(
      `  exit handlers (${result.onExit.workflowId}): ${result.onExit.status}` +
        failed.map(([id, n]) => `; ${id} failed: ${n.error?.message ?? ''}`).join(''),
    );
  }
  return lines.join('\n');
}
