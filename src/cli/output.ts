import { createColors } from 'picocolors';
import type { Colors } from 'picocolors/types';

/** Where the CLI writes: results to stdout, everything a person reads while waiting to stderr. */
export interface Output {
  out(line: string): void;
  err(line: string): void;
  /** Whether stderr is a terminal (live progress redraws only there). */
  isTTY: boolean;
  /** Whether stdout is a terminal (a result is then fitted to it; piped, it is printed whole). */
  stdoutIsTTY?: boolean;
  /** The terminal's size in characters, when known (tests give a fake one to drive the terminal path). */
  columns?: number;
  rows?: number;
  /** Writes to stderr as is, without a newline: a redraw's cursor moves. Without it, progress is one line per change. */
  write?(text: string): void;
}

export const processOutput: Output = {
  out: (line) => process.stdout.write(line + '\n'),
  err: (line) => process.stderr.write(line + '\n'),
  write: (text) => process.stderr.write(text),
  isTTY: Boolean(process.stderr.isTTY),
  stdoutIsTTY: Boolean(process.stdout.isTTY),
  // Read on each use: a terminal's size changes when its window does. Progress is drawn on stderr, which
  // keeps its size when stdout is piped to a file.
  get columns() {
    return process.stderr.columns ?? process.stdout.columns;
  },
  get rows() {
    return process.stderr.rows ?? process.stdout.rows;
  },
};

/**
 * Colour for text bound for a terminal or not (`tty`): NO_COLOR turns it off, FORCE_COLOR on, as picocolors
 * decides; picocolors' own default looks at stdout once, at import, and live progress is drawn on stderr.
 */
export function coloursFor(tty: boolean, env: NodeJS.ProcessEnv = process.env): Colors {
  if (env.NO_COLOR) return createColors(false);
  return createColors(Boolean(env.FORCE_COLOR) || (tty && env.TERM !== 'dumb'));
}
