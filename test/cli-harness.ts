/** Runs `weft` in-process through its exported main(), capturing what it prints. */
import { main } from '../src/cli';
import type { Output } from '../src/cli/output';

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
  /** Everything written to stderr in order, redraw codes included (a terminal's view of it). */
  terminal: string;
}

/** A terminal of this size instead of the pipes tests otherwise run with. */
export interface FakeTerminal {
  columns: number;
  rows: number;
}

export async function weft(
  args: string[],
  env: Record<string, string | undefined> = {},
  terminal?: FakeTerminal,
): Promise<CliResult> {
  const out: string[] = [];
  const err: string[] = [];
  let written = '';
  const io: Output = {
    out: (l) => out.push(l),
    err: (l) => {
      err.push(l);
      written += l + '\n';
    },
    write: (text) => (written += text),
    isTTY: terminal !== undefined,
    stdoutIsTTY: terminal !== undefined,
    ...terminal,
  };
  const saved: Record<string, string | undefined> = {};
  for (const [k, v] of Object.entries(env)) {
    saved[k] = process.env[k];
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
  try {
    const code = await main(['node', 'weft', ...args], io);
    return { code, stdout: out.join('\n'), stderr: err.join('\n'), terminal: written };
  } finally {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
}
