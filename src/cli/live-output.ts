/**
 * A run's progress while `weft run --wait` follows it: on a terminal, one fitted view redrawn in place;
 * otherwise (a pipe, a CI log) one line per node change.
 *
 * The redraw is ANSI cursor-up and clear-line, a few lines written here rather than a library: log-update
 * and its kin are ESM-only (this package is CommonJS) and redraw the whole frame each time, where only the
 * lines that changed need writing.
 */
import type { Colors } from 'picocolors/types';
import { colourStatus, fitRunView } from '../client/fitted-view';
import type { WeftRunView } from '../protocol/dag';
import { coloursFor, type Output } from './output';

const ESC = '\x1b[';

/** Lines kept on screen and rewritten in place; the cursor waits at the start of the line below them. */
export class LiveRegion {
  private shown: string[] = [];

  constructor(private readonly write: (text: string) => void) {}

  /** Replaces the lines on screen with `lines`, writing only those that differ. */
  draw(lines: string[]): void {
    const old = this.shown;
    let text = '';
    for (let i = 0; i < Math.min(old.length, lines.length); i++) {
      if (old[i] === lines[i]) continue;
      const up = old.length - i;
      text += `${ESC}${up}A${ESC}2K${lines[i]}${ESC}${up}B\r`;
    }
    if (lines.length < old.length) text += `${ESC}${old.length - lines.length}A${ESC}J`;
    for (const line of lines.slice(old.length)) text += `${line}\n`;
    this.shown = lines;
    if (text) this.write(text);
  }

  /** Takes the lines off the screen, leaving the cursor where they began. */
  clear(): void {
    if (this.shown.length) this.write(`${ESC}${this.shown.length}A${ESC}J`);
    this.shown = [];
  }
}

export interface RunProgress {
  update(view: WeftRunView): void;
  /** The run ended: whatever is drawn in place goes, so the result printed next stands alone. */
  end(): void;
}

/** The fitted view redrawn in place; one line short of the terminal's height, for the cursor's line. */
class TerminalProgress implements RunProgress {
  private readonly region: LiveRegion;
  private readonly colours: Colors;

  constructor(
    private readonly io: Output,
    write: (text: string) => void,
  ) {
    this.region = new LiveRegion(write);
    this.colours = coloursFor(true);
  }

  update(view: WeftRunView): void {
    // Read each time: the window may have been resized. A line as wide as the terminal wraps in some.
    const size = { columns: (this.io.columns ?? 80) - 1, rows: (this.io.rows ?? 24) - 1 };
    this.region.draw(fitRunView(view, size, this.colours));
  }

  end(): void {
    this.region.clear();
  }
}

/** One line per node that changed state (PENDING is where every node starts, so it is not news). */
export class ChangeLog implements RunProgress {
  private readonly seen = new Map<string, string>();

  constructor(
    private readonly err: (line: string) => void,
    private readonly colours: Colors,
  ) {}

  update(view: WeftRunView): void {
    const release = new Map((view.waiting ?? []).map((w) => [w.nodeId, w.release.slice(0, -1)]));
    for (const [id, node] of Object.entries(view.nodes)) {
      if (this.seen.get(id) === node.status || node.status === 'PENDING') continue;
      this.seen.set(id, node.status);
      const why = node.status === 'WAITING' ? node.reason : node.error?.message;
      this.err(`  ${id}: ${colourStatus(node.status, this.colours)}${why ? ` (${why})` : ''}`);
      if (node.status === 'WAITING') for (const command of release.get(id) ?? []) this.err(`    ${command}`);
    }
  }

  end(): void {}
}

export function runProgress(io: Output): RunProgress {
  if (io.isTTY && io.write) return new TerminalProgress(io, io.write.bind(io));
  return new ChangeLog((line) => io.err(line), coloursFor(false));
}
