/** `weft schedule ...`: triggers of the three kinds (cron, fixed-rate, fixed-delay) through one interface. */
import { type Command } from 'commander';
import { WeftUsageError } from '../errors';
import { loadDocumentOrThrow, parseInputObject } from '../client/documents';
import { previewTrigger, resolveTrigger, type OverlapPolicy, type TriggerTiming } from '../client/triggers/spec';
import type { TriggerView } from '../client/triggers/schedules';
import { formatInZone } from '../client/triggers/local-time';
import type { TriggerChange } from '../client/triggers/trigger-change';
import type { WeftClient } from '../client/weft-client';
import { withClient } from './dag-commands';
import type { Output } from './output';

interface TimingFlags {
  cron?: string;
  timezone?: string;
  every?: string;
  offset?: string;
  fixedDelay?: string;
}

function timingOf(flags: TimingFlags, allowFixedDelay = true): TriggerTiming {
  const kinds = [flags.cron !== undefined, flags.every !== undefined, flags.fixedDelay !== undefined].filter(
    Boolean,
  ).length;
  if (kinds !== 1)
    throw new WeftUsageError(`Give exactly one of --cron, --every${allowFixedDelay ? ' or --fixed-delay' : ''}.`);
  if (flags.timezone !== undefined && flags.cron === undefined)
    throw new WeftUsageError('--timezone goes with --cron.');
  if (flags.offset !== undefined && flags.every === undefined) throw new WeftUsageError('--offset goes with --every.');
  if (flags.cron !== undefined) return { cron: flags.cron, timezone: flags.timezone };
  if (flags.every !== undefined) return { every: flags.every, offset: flags.offset };
  if (flags.fixedDelay !== undefined && allowFixedDelay) return { fixedDelay: flags.fixedDelay };
  // Exactly one kind was given (checked above), so this is --fixed-delay where it has no meaning.
  throw new WeftUsageError(
    'A fixed-delay trigger has no fire times to preview: each run starts a delay after the previous one ends.',
  );
}

export function renderTrigger(v: TriggerView): string {
  const at = (time: string) => formatInZone(time, v.timezone);
  const lines = [
    `${v.id}: ${v.kind} trigger of DAG "${v.dag}", ${v.spec}`,
    `  state:    ${v.paused ? `PAUSED${v.note ? ` (${v.note})` : ''}` : 'active'}`,
    `  overlap:  ${v.overlap}`,
    `  runs:     ${v.runs} started, ${v.skippedOverlap} skipped by the overlap policy`,
    `  running:  ${v.runningRuns.length ? v.runningRuns.join(', ') : 'none'}`,
    `  next:     ${v.kind === 'webhook' ? `on each POST /hooks/${v.id} to weft serve` : v.nextRunTimes.length ? v.nextRunTimes.slice(0, 5).map(at).join(', ') : v.paused ? 'none while paused' : 'after the running run ends'}`,
  ];
  if (v.recentRuns.length) {
    lines.push('  recent runs:');
    for (const r of v.recentRuns.slice(-10))
      lines.push(
        `    ${r.workflowId} (due ${at(r.scheduledAt)}, started ${at(r.startedAt)}${r.status ? `, ${r.status}` : ''})`,
      );
  }
  return lines.join('\n');
}

function renderList(views: TriggerView[]): string {
  if (!views.length)
    return 'No triggers. Create one with `weft schedule create <file> --cron|--every|--fixed-delay ...`.';
  const rows = views.map((v) => [
    v.id,
    v.kind,
    v.dag,
    v.spec,
    v.paused ? 'PAUSED' : 'active',
    v.nextRunTimes.length ? formatInZone(v.nextRunTimes[0], v.timezone) : '',
    String(v.runs),
  ]);
  const header = ['ID', 'KIND', 'DAG', 'SPEC', 'STATE', 'NEXT', 'RUNS'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  return [header, ...rows]
    .map((r) =>
      r
        .map((c, i) => c.padEnd(widths[i]))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

export function registerScheduleCommands(program: Command, io: Output): void {
  const schedule = program
    .command('schedule')
    .description('triggers: cron, fixed-rate (--every) and fixed-delay, managed alike')
    .addHelpText(
      'after',
      '\nExamples:\n  weft schedule create examples/etl-diamond.json --cron "0 2 * * *" --timezone Europe/Paris --id nightly-etl\n  weft schedule list',
    );

  schedule
    .command('create')
    .description('create a trigger for a DAG document')
    .argument('<file>', 'the DAG document')
    .option('--cron <expr>', 'cron expression: 5 fields, or 6 with seconds first')
    .option('--timezone <tz>', 'IANA time zone of the cron expression (default UTC)')
    .option('--every <duration>', 'fixed rate: a run every <duration>, counted from each start')
    .option(
      '--offset <duration>',
      'with --every: shift the fire times (they are offset + k * every since the Unix epoch)',
    )
    .option('--fixed-delay <duration>', 'fixed delay: the next run starts <duration> after the previous one ends')
    .option('--webhook', 'an event trigger: POST /hooks/<id> on weft serve starts a run with the JSON body as input')
    .option('--secret <secret>', 'with --webhook: requests must carry X-Weft-Signature: sha256=<HMAC of the body>')
    .option('--id <id>', 'trigger id (default: the document name); runs are <id>-<fire time>')
    .option(
      '--overlap <policy>',
      'skip | buffer-one | buffer-all | cancel-other | terminate-other | allow-all (default skip)',
    )
    .option('--catchup-window <duration>', 'after an outage, run fire times missed by at most this much (default 1m)')
    .option('--jitter <duration>', 'a random delay up to this much on each fire time')
    .option('--start-at <time>', 'no run before this time (ISO 8601)')
    .option('--end-at <time>', 'no run after this time (ISO 8601)')
    .option('--input <json>', 'the input of every run (JSON or @file.json)')
    .option('--paused', 'create it paused')
    .option('--note <text>', 'a note, e.g. why it is paused')
    .addHelpText(
      'after',
      '\nExamples:\n  weft schedule create etl.json --cron "0 2 * * *" --timezone Europe/Paris\n  weft schedule create sync.json --every 15m --overlap buffer-one\n  weft schedule create poll.json --fixed-delay 30s --id poller\n  weft schedule create ingest.json --webhook --id orders-in --secret "$HOOK_SECRET"',
    )
    .action(async (file: string, flags: TimingFlags & Record<string, string | boolean | undefined>) => {
      const document = loadDocumentOrThrow(file);
      if (flags.secret !== undefined && !flags.webhook) throw new WeftUsageError('--secret goes with --webhook.');
      if (flags.webhook && (flags.cron ?? flags.every ?? flags.fixedDelay) !== undefined)
        throw new WeftUsageError('Give exactly one of --cron, --every, --fixed-delay or --webhook.');
      const timing: TriggerTiming = flags.webhook
        ? { webhook: true, secret: flags.secret as string | undefined }
        : timingOf(flags);
      const policies = {
        overlap: flags.overlap as OverlapPolicy | undefined,
        catchupWindow: flags.catchupWindow as string | undefined,
        jitter: flags.jitter as string | undefined,
        startAt: flags.startAt as string | undefined,
        endAt: flags.endAt as string | undefined,
        paused: Boolean(flags.paused),
        note: flags.note as string | undefined,
      };
      resolveTrigger(timing, policies); // bad input is refused before connecting
      const view = await withClient((weft) =>
        weft.schedules.create(document, timing, {
          ...policies,
          id: flags.id as string | undefined,
          input: parseInputObject(flags.input as string | undefined),
        }),
      );
      io.out(renderTrigger(view));
    });

  schedule
    .command('update')
    .description('change a trigger in place: what is given changes, the rest stays (paused included)')
    .argument('<id>')
    .argument('[file]', 'a new DAG document')
    .option('--cron <expr>', 'a new cron expression (the time zone stays unless --timezone is given)')
    .option('--timezone <tz>', 'a new IANA time zone for the cron expression')
    .option('--every <duration>', 'a new fixed rate')
    .option('--offset <duration>', 'with --every: a new shift of the fire times')
    .option('--fixed-delay <duration>', 'a new delay between the end of a run and the next (fixed-delay triggers)')
    .option('--webhook', 'make it an event trigger (no timetable)')
    .option('--secret <secret>', 'a new webhook secret')
    .option('--overlap <policy>', 'skip | buffer-one | buffer-all | cancel-other | terminate-other | allow-all')
    .option('--catchup-window <duration>', 'after an outage, run fire times missed by at most this much')
    .option('--jitter <duration>', 'a random delay up to this much on each fire time')
    .option('--start-at <time>', 'no run before this time (ISO 8601)')
    .option('--end-at <time>', 'no run after this time (ISO 8601)')
    .option('--input <json>', 'the input of every run, replacing the current one (JSON or @file.json)')
    .option('--paused', 'pause it')
    .option('--unpaused', 'let it fire again')
    .option('--note <text>', 'a new note, e.g. why it is paused')
    .addHelpText(
      'after',
      '\nExamples:\n  weft schedule update nightly-etl --cron "0 3 * * *"\n  weft schedule update nightly-etl etl.json --input \'{"full":true}\'\n  weft schedule update poller --fixed-delay 1m',
    )
    .action(async (id: string, file: string | undefined, flags: Record<string, string | boolean | undefined>) => {
      if (flags.paused && flags.unpaused) throw new WeftUsageError('Give --paused or --unpaused, not both.');
      const text = (name: string) => flags[name] as string | undefined;
      const change: TriggerChange = {
        document: file === undefined ? undefined : loadDocumentOrThrow(file),
        timing: {
          cron: text('cron'),
          timezone: text('timezone'),
          every: text('every'),
          offset: text('offset'),
          fixedDelay: text('fixedDelay'),
          webhook: flags.webhook ? true : undefined,
          secret: text('secret'),
        },
        overlap: text('overlap') as OverlapPolicy | undefined,
        catchupWindow: text('catchupWindow'),
        jitter: text('jitter'),
        startAt: text('startAt'),
        endAt: text('endAt'),
        paused: flags.paused ? true : flags.unpaused ? false : undefined,
        note: text('note'),
        input: parseInputObject(text('input')),
      };
      io.out(renderTrigger(await withClient((weft) => weft.schedules.update(id, change))));
    });

  schedule
    .command('list')
    .description('all triggers, of every kind')
    .option('--json', 'print them as JSON')
    .addHelpText('after', '\nExample:\n  weft schedule list')
    .action(async (flags: { json?: boolean }) => {
      const views = await withClient((weft) => weft.schedules.list());
      io.out(flags.json ? JSON.stringify(views, null, 2) : renderList(views));
    });

  schedule
    .command('describe')
    .description('a trigger: its spec, state, policies, next fire times and recent runs')
    .argument('<id>')
    .option('--json', 'print it as JSON')
    .addHelpText('after', '\nExample:\n  weft schedule describe nightly-etl')
    .action(async (id: string, flags: { json?: boolean }) => {
      const view = await withClient((weft) => weft.schedules.describe(id));
      io.out(flags.json ? JSON.stringify(view, null, 2) : renderTrigger(view));
    });

  const simple = (
    name: string,
    description: string,
    act: (weft: WeftClient, id: string, flags: { note?: string }) => Promise<string>,
    note = false,
  ) => {
    const cmd = schedule.command(name).description(description).argument('<id>');
    if (note) cmd.option('--note <text>', 'why, shown by describe and the Web UI');
    cmd
      .addHelpText('after', `\nExample:\n  weft schedule ${name} nightly-etl`)
      .action(async (id: string, flags: { note?: string }) => {
        io.out(`${id}: ${await withClient((weft) => act(weft, id, flags))}`);
      });
  };
  simple('pause', 'stop firing (runs in progress go on)', (w, id, f) => w.schedules.pause(id, f.note), true);
  simple('unpause', 'fire again', (w, id, f) => w.schedules.unpause(id, f.note), true);
  simple('trigger', "one run now, under the trigger's own overlap policy", (w, id) => w.schedules.trigger(id));
  simple('delete', 'delete the trigger (runs in progress go on)', (w, id) => w.schedules.delete(id));

  schedule
    .command('backfill')
    .description('run the fire times from --from up to (not including) --to, as if they had fired (cron, fixed-rate)')
    .argument('<id>')
    .requiredOption('--from <time>', 'start of the range (ISO 8601), inclusive')
    .requiredOption('--to <time>', 'end of the range (ISO 8601), exclusive')
    .option('--overlap <policy>', 'how the backfilled runs overlap (default buffer-all: one after another, in order)')
    .addHelpText(
      'after',
      '\nExample:\n  weft schedule backfill nightly-etl --from 2026-11-01T00:00:00Z --to 2026-11-08T00:00:00Z',
    )
    .action(async (id: string, flags: { from: string; to: string; overlap?: OverlapPolicy }) => {
      const answer = await withClient((weft) =>
        weft.schedules.backfill(id, new Date(flags.from), new Date(flags.to), flags.overlap),
      );
      io.out(`${id}: ${answer}`);
    });

  schedule
    .command('preview')
    .description('the next fire times of a cron or fixed-rate spec, as Temporal will fire them (no server needed)')
    .option('--cron <expr>', 'cron expression')
    .option('--timezone <tz>', 'IANA time zone of the cron expression (default UTC)')
    .option('--every <duration>', 'fixed rate')
    .option('--offset <duration>', 'with --every')
    .option('--count <n>', 'how many times', '10')
    .option('--from <time>', 'preview after this time instead of now (ISO 8601)')
    .option('--json', 'print them as a JSON array of ISO 8601 UTC times')
    .addHelpText(
      'after',
      '\nExample:\n  weft schedule preview --cron "30 9 * * MON-FRI" --timezone America/New_York --count 5',
    )
    .action((flags: TimingFlags & { count: string; from?: string; json?: boolean }) => {
      const count = Number(flags.count);
      if (!Number.isInteger(count) || count < 1 || count > 1000)
        throw new WeftUsageError('--count must be a whole number from 1 to 1000.');
      const from = flags.from ? new Date(flags.from) : new Date();
      if (Number.isNaN(from.getTime())) throw new WeftUsageError(`--from "${flags.from}" is not a time; use ISO 8601.`);
      const trigger = resolveTrigger(timingOf(flags, false));
      const times = previewTrigger(trigger, count, from);
      if (flags.json) io.out(JSON.stringify(times.map((t) => t.toISOString())));
      else for (const time of times) io.out(formatInZone(time, flags.timezone));
    });
}
