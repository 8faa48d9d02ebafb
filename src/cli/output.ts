/** Where the CLI writes: results to stdout, everything a person reads while waiting to stderr. */
export interface Output {
  out(line: string): void;
  err(line: string): void;
  /** Whether stderr is a terminal (live progress redraws only there). */
  isTTY: boolean;
}

export const processOutput: Output = {
  out: (line) => process.stdout.write(line + '\n'),
  err: (line) => process.stderr.write(line + '\n'),
  isTTY: Boolean(process.stderr.isTTY),
};
