/**
 * How a status looks. Never by colour alone: each status has its word, a glyph drawn as SVG (no emoji or
 * font symbols, which render as empty boxes without the right font) and, for the ones that did not run, a
 * dashed border. The colours keep text at 4.5:1 contrast or more on their fills.
 */
import type { NodeStatus } from '../../src/dsl/trigger-rules';

/** A node's statuses, and the ones only a run has (Temporal's, for runs ended from outside Weft). */
export type Status = NodeStatus | 'PAUSED' | 'TERMINATED' | 'TIMED_OUT';

interface Look {
  fill: string;
  stroke: string;
  text: string;
  dashed?: boolean;
  /** An SVG path in a 16x16 box. */
  glyph: string;
  label: string;
}

const CHECK = 'M3 8.5l3.2 3.2L13 5';
const CROSS = 'M4 4l8 8M12 4l-8 8';
const BARS = 'M5.5 3.5v9M10.5 3.5v9';
const DOT = 'M8 5.5a2.5 2.5 0 1 0 0.01 0z';
const RING = 'M8 2.5a5.5 5.5 0 1 1-5.5 5.5';
const DASH = 'M3.5 8h9';
const UNDO = 'M5 6.5h5a3 3 0 0 1 0 6H7M5 6.5l2.5-2.5M5 6.5l2.5 2.5';
const BANG = 'M8 3v6.5M8 12v0.5';

export const LOOKS: Record<Status, Look> = {
  PENDING: { fill: '#f4f4f5', stroke: '#71717a', text: '#3f3f46', dashed: true, glyph: DOT, label: 'pending' },
  RUNNING: { fill: '#e8f0fe', stroke: '#1d4ed8', text: '#1e3a8a', glyph: RING, label: 'running' },
  WAITING: { fill: '#fff4e0', stroke: '#b45309', text: '#78350f', glyph: BARS, label: 'waiting' },
  PAUSED: { fill: '#fff4e0', stroke: '#b45309', text: '#78350f', glyph: BARS, label: 'paused' },
  SUCCEEDED: { fill: '#e7f5ea', stroke: '#15803d', text: '#14532d', glyph: CHECK, label: 'succeeded' },
  FAILED: { fill: '#fdecea', stroke: '#b91c1c', text: '#7f1d1d', glyph: CROSS, label: 'failed' },
  SKIPPED: { fill: '#f4f4f5', stroke: '#71717a', text: '#3f3f46', dashed: true, glyph: DASH, label: 'skipped' },
  CANCELLED: { fill: '#f4f4f5', stroke: '#52525b', text: '#27272a', dashed: true, glyph: CROSS, label: 'cancelled' },
  COMPENSATED: { fill: '#f3e8ff', stroke: '#7e22ce', text: '#581c87', glyph: UNDO, label: 'compensated' },
  COMPENSATION_FAILED: {
    fill: '#fdecea',
    stroke: '#7f1d1d',
    text: '#7f1d1d',
    glyph: BANG,
    label: 'compensation failed',
  },
  TERMINATED: { fill: '#fdecea', stroke: '#7f1d1d', text: '#7f1d1d', glyph: CROSS, label: 'terminated' },
  TIMED_OUT: { fill: '#fdecea', stroke: '#7f1d1d', text: '#7f1d1d', glyph: BANG, label: 'timed out' },
};

export function lookOf(status: string | undefined): Look {
  return LOOKS[(status ?? 'PENDING') as Status] ?? LOOKS.PENDING;
}

/** A status as a small badge: glyph and word. */
export function StatusBadge({ status }: { status: string }) {
  const look = lookOf(status);
  return (
    <span
      class="badge"
      data-status={status}
      style={{ background: look.fill, color: look.text, borderColor: look.stroke }}
    >
      <svg width="14" height="14" viewBox="0 0 16 16" aria-hidden="true">
        <path d={look.glyph} fill="none" stroke={look.stroke} stroke-width="2" stroke-linecap="round" />
      </svg>
      {status}
    </span>
  );
}

export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)} s`;
  if (ms < 3_600_000) return `${Math.floor(ms / 60_000)} m ${Math.round((ms % 60_000) / 1000)} s`;
  return `${Math.floor(ms / 3_600_000)} h ${Math.round((ms % 3_600_000) / 60_000)} m`;
}

export function durationOf(startedAt: string | null | undefined, endedAt: string | null | undefined): string {
  if (!startedAt) return '';
  const end = endedAt ? Date.parse(endedAt) : Date.now();
  return formatDuration(Math.max(0, end - Date.parse(startedAt)));
}
