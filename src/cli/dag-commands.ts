/** `weft run`, `weft rerun`, `weft status`: documents in, runs out. */
import type { Command } from 'commander';
import type { WeftRunResult } from '../dsl/run-result';
import { runEnded } from '../dsl/run-state';
import { WeftExit, WeftUsageError } from '../errors';
import type { WeftRunView } from '../protocol/dag';
import { loadDocumentOrThrow, parseInputObject } from '../client/documents';
import { renderNodeTable, renderSummary } from '../client/render';
import { WeftClient, type WeftRun } from '../client/weft-client';
import { explainError } from '../client/connect';
import { approvalDeadlines, describeDeadline, type ApprovalDeadline } from '../client/approval-deadline';
import { fitRunView } from '../client/fitted-view';
import { runProgress } from './live-output';
import { coloursFor, type Output } from './output';

/** Runs one command's work on a client from the environment, closing the connection however it ends. */
export async function withClient<T>(fn: (weft: WeftClient) => Promise<T>): Promise<T> {
  const weft = await WeftClient.connect();
  try {
    return await fn(weft);
  } catch (err) {
    throw explainError(err, weft.config) ?? err;
  } finally {
    await weft.close();
  }
}

/** Follows a run, printing its progress (a view redrawn in place on a terminal, else node changes) until it ends. */
export async function watchRun(run: WeftRun, io: Output, intervalMs = 500): Promise<WeftRunResult> {
  const progress = runProgress(io);
  const done = run.result();
  let finished = false;
  done.finally(() => (finished = true)).catch(() => undefined);
  while (!finished) {
    let view: WeftRunView | undefined;
    try {
      view = await run.state();
    } catch {
      view = undefined; // the run may be between workflow tasks or just closed; the next tick tells
    }
    if (view && !finished) progress.update(view);
    await Promise.race([done.catch(() => undefined), new Promise((r) => setTimeout(r, intervalMs))]);
  }
  progress.end();
  return done;
}

/** Where a person looks at the run: the Temporal Web UI, and Weft's console when the client knows it. */
export function runLinks(run: WeftRun): string[] {
  return [run.url && `Web UI: ${run.url}`, run.consoleUrl && `Console: ${run.consoleUrl}`].filter(
    (line): line is string => !!line,
  );
}

/** After a start: the workflow id, or with --wait / --json the run followed to its end; exit 1 unless it SUCCEEDED. */
async function followRun(run: WeftRun, flags: { wait?: boolean; json?: boolean }, io: Output): Promise<void> {
  io.err([`Started ${run.workflowId}`, ...runLinks(run)].join('\n'));
  if (!flags.wait && !flags.json) {
    io.out(run.workflowId);
    return;
  }
  const result = flags.wait && !flags.json ? await watchRun(run, io) : await run.result();
  printResult(result, io, Boolean(flags.json));
  if (result.status !== 'SUCCEEDED') throw new WeftExit(1, `the run ended ${result.status}`); // cli.md: 1 = the DAG run failed or was cancelled
}

export function printResult(result: WeftRunResult, io: Output, json: boolean): void {
  if (json) {
    io.out(JSON.stringify(result, null, 2));
    return;
  }
  if (io.stdoutIsTTY) {
    // A terminal shows what matters; piped (to a file, to grep), every node's row is printed.
    io.out(renderSummary(result));
    const size = { columns: (io.columns ?? 80) - 1, rows: Math.max(5, (io.rows ?? 24) - 4) }; // the summary and output stay on screen
    io.out(fitRunView(result, size, coloursFor(true)).join('\n'));
  } else {
    io.out(renderNodeTable(result));
    io.out(renderSummary(result));
  }
  if (result.status === 'SUCCEEDED' && result.output !== null) io.out(`output: ${JSON.stringify(result.output)}`);
}

export function registerDagCommands(program: Command, io: Output): void {
  program
    .command('run')
    .description('start a DAG run; prints its workflow id and Web UI link')
    .argument('<file>', 'the document')
    .option('--input <json>', 'the run input, JSON or @file.json')
    .option('--id <workflowId>', 'workflow id (default: <name>-<time>-<random>)')
    .option('--wait', 'follow node progress until the run ends, then print the summary')
    .option('--json', 'wait, then print the run result as one JSON object on stdout')
    .option(
      '--history-limit <events>',
      "continue as new once a run's history holds this many events (default: when Temporal suggests it)",
    )
    .option('--at <time>', 'a one-off run at this time (ISO 8601, e.g. 2026-12-24T18:00:00Z): Temporal starts it then')
    .option('--delay <duration>', 'a run that starts this long from now (e.g. 10m, "2 hours")')
    .addHelpText(
      'after',
      '\nExamples:\n  weft run examples/etl-diamond.json --wait\n  weft run examples/order-saga.json --input \'{"failShipping": true}\' --json',
    )
    .action(
      async (
        file: string,
        flags: {
          input?: string;
          id?: string;
          wait?: boolean;
          json?: boolean;
          historyLimit?: string;
          at?: string;
          delay?: string;
        },
      ) => {
        const document = loadDocumentOrThrow(file);
        const input = parseInputObject(flags.input);
        if (flags.historyLimit !== undefined && !/^[1-9]\d*$/.test(flags.historyLimit)) {
          throw new WeftUsageError(
            `--history-limit must be a whole number of events >= 1, got "${flags.historyLimit}".`,
          );
        }
        const historyLimit = flags.historyLimit === undefined ? undefined : Number(flags.historyLimit);
        await withClient(async (weft) => {
          const missing = await weft.missingSearchAttributes();
          if (missing.length) {
            io.err(
              `weft: note: the server does not register ${missing.join(', ')}; runs are not searchable by DAG. ` +
                `Register with: ${missing.map((m) => `temporal operator search-attribute create --name ${m} --type Keyword`).join(' && ')}`,
            );
          }
          const run = await weft.start(document, {
            input,
            workflowId: flags.id,
            historyLimit,
            startAt: flags.at,
            startDelay: flags.delay,
          });
          if (flags.at !== undefined || flags.delay !== undefined) {
            const { startsAt } = await run.state();
            if (startsAt)
              io.err(`It starts at ${startsAt}; until then it is listed as running and \`weft cancel\` cancels it.`);
          }
          await followRun(run, flags, io);
        });
      },
    );

  program
    .command('rerun')
    .description('a new run of a finished run that keeps what succeeded and runs the rest; prints its workflow id')
    .argument('<workflowId>', 'the run to rerun (FAILED, CANCELLED or SUCCEEDED)')
    .option(
      '--from <node>',
      'rerun this node and everything downstream of it, even if it succeeded (repeatable)',
      (value: string, previous: string[] = []) => [...previous, value],
    )
    .option('--input <json>', "the run input, JSON or @file.json (default: the original run's)")
    .option('--id <workflowId>', 'workflow id (default: <workflowId>-rerun-<n>)')
    .option('--wait', 'follow node progress until the run ends, then print the summary')
    .option('--json', 'wait, then print the run result as one JSON object on stdout')
    .addHelpText(
      'after',
      '\nExamples:\n  weft rerun etl-diamond-20261120T120000Z-a1b2c3 --wait\n  weft rerun etl-diamond-20261120T120000Z-a1b2c3 --from transform --json',
    )
    .action(
      async (
        workflowId: string,
        flags: { from?: string[]; input?: string; id?: string; wait?: boolean; json?: boolean },
      ) => {
        const input = parseInputObject(flags.input);
        await withClient(async (weft) => {
          const run = await weft.rerun(workflowId, { from: flags.from, input, workflowId: flags.id });
          await followRun(run, flags, io);
        });
      },
    );

  program
    .command('status')
    .description("the node table of a running or finished run; a finished run's output, a waiting approval's deadline")
    .argument('<workflowId>')
    .option('--json', 'print the state as JSON')
    .option('--exit-status', 'exit 1 when the run failed or was cancelled, 0 when it succeeded or is still running')
    .addHelpText(
      'after',
      '\nExamples:\n  weft status etl-diamond-20261120T120000Z-a1b2c3\n  weft status etl-diamond-20261120T120000Z-a1b2c3 --exit-status --json',
    )
    .action(async (workflowId: string, flags: { json?: boolean; exitStatus?: boolean }) => {
      const status = await withClient(async (weft) => {
        const run = weft.getRun(workflowId);
        const view = await run.state();
        if (flags.json) io.out(JSON.stringify(view, null, 2));
        else await printStatus(run, view, weft, io);
        return view.status;
      });
      // cli.md: 1 = the DAG run failed or was cancelled; a running run has not failed (yet), so 0.
      if (flags.exitStatus && (status === 'FAILED' || status === 'CANCELLED'))
        throw new WeftExit(1, `the run ended ${status}`);
    });
}

async function printStatus(run: WeftRun, view: WeftRunView, weft: WeftClient, io: Output): Promise<void> {
  // A closed run's view leaves out what only its result has: the output and why it failed.
  const result = runEnded(view.status) ? await run.result() : undefined;
  if (result) io.out(renderSummary(result));
  else
    io.out(`${view.dag} run ${view.workflowId}: ${view.status}${view.startsAt ? ` (starts at ${view.startsAt})` : ''}`);
  io.out(renderNodeTable(view));
  if (result && result.output !== null && result.output !== undefined)
    io.out(`output: ${JSON.stringify(result.output)}`);
  const deadlines = new Map((await deadlinesOf(run, view)).map((d) => [d.nodeId, d]));
  for (const w of view.waiting ?? []) {
    io.out(`\n${w.nodeId} is ${w.reason} (since ${w.since}). Release it with one of:`);
    for (const line of w.release) io.out(`  ${line}`);
    const deadline = deadlines.get(w.nodeId);
    if (deadline) io.out(describeDeadline(deadline));
  }
  for (const r of view.refusedSignals ?? []) {
    const target = r.nodeId ? ` for ${r.nodeId}` : '';
    io.out(`\nRefused signal "${r.signal}"${target} at ${r.at}: ${r.reason}; nothing changed.`);
  }
  const url = weft.runUrl(view.workflowId, view.runId);
  if (url) io.out(`Web UI: ${url}`);
  if (run.consoleUrl) io.out(`Console: ${run.consoleUrl}`);
}

/** The timeouts are in the document, read from the run's history only when an approval waits. */
async function deadlinesOf(run: WeftRun, view: WeftRunView): Promise<ApprovalDeadline[]> {
  if (!view.waiting?.some((w) => w.kind === 'approval')) return [];
  try {
    return approvalDeadlines(await run.document(), view);
  } catch {
    return []; // without its document (e.g. a history too old to hold it), the status is still worth printing
  }
}
