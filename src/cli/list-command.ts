/** `weft list`: recent runs, newest first. */
import type { Command } from 'commander';
import { LISTED_STATUSES, type RunSummary } from '../client/run-list';
import { elapsed } from '../client/render';
import { WeftUsageError } from '../errors';
import { withClient } from './dag-commands';
import type { Output } from './output';

export function registerListCommand(program: Command, io: Output): void {
  program
    .command('list')
    .description(
      'recent runs, newest first: workflow id, DAG, status (WAITING when a node waits for a person), start, duration',
    )
    .option('--dag <name>', 'only runs of this DAG')
    .option('--status <status>', `only runs with this status: ${LISTED_STATUSES.join(', ')}`)
    .option('--waiting', 'only runs with a node waiting for a person')
    .option('--limit <n>', 'at most this many runs (default 20)')
    .option('--before <time>', "only runs started before this time: the next page after a page's last start")
    .option('--json', 'print an array of runs')
    .addHelpText(
      'after',
      '\nExamples:\n  weft list\n  weft list --dag etl-diamond --status FAILED --limit 5\n  weft list --waiting --json',
    )
    .action(
      async (flags: {
        dag?: string;
        status?: string;
        waiting?: boolean;
        limit?: string;
        before?: string;
        json?: boolean;
      }) => {
        if (flags.limit !== undefined && !/^[1-9]\d*$/.test(flags.limit))
          throw new WeftUsageError(`--limit must be a whole number from 1 to 1,000; got "${flags.limit}".`);
        const status = flags.status?.toUpperCase();
        await withClient(async (weft) => {
          const runs = await weft.listRuns({
            dag: flags.dag,
            status,
            waiting: flags.waiting,
            limit: flags.limit === undefined ? undefined : Number(flags.limit),
            before: flags.before,
          });
          if (flags.json) io.out(JSON.stringify(runs, null, 2));
          else io.out(runs.length === 0 ? 'No runs.' : renderRuns(runs));
        });
      },
    );
}

function renderRuns(runs: RunSummary[]): string {
  const rows = runs.map((r) => [
    r.workflowId,
    r.dag ?? '',
    r.status,
    r.startTime.replace(/\.\d+Z$/, 'Z'),
    elapsed(r.durationMs),
  ]);
  const header = ['WORKFLOW ID', 'DAG', 'STATUS', 'STARTED', 'DURATION'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i]!))
      .join('  ')
      .trimEnd();
  return [line(header), ...rows.map(line)].join('\n');
}
