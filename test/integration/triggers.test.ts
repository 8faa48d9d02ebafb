/** Triggers (cron, fixed-rate, fixed-delay) on the real server, with short intervals. */
import type { WeftClient } from '../../src/client/weft-client';
import { normalizeCron, previewCron } from '../../src/client/triggers/cron';
import { formatInZone } from '../../src/client/triggers/local-time';
import { weft } from '../cli-harness';
import { doc, weftFor } from './dag-helpers';
import { createTestEnv, testAddress, type TestEnv } from './env';

let env: TestEnv;
let client: WeftClient;
let cliEnv: Record<string, string>;
const created: string[] = [];

beforeAll(async () => {
  env = await createTestEnv();
  client = await weftFor(env);
  cliEnv = { TEMPORAL_ADDRESS: testAddress(), WEFT_TASK_QUEUE: env.taskQueue };
});
afterAll(async () => {
  for (const id of created) await client.schedules.delete(id).catch(() => undefined);
  await client?.close();
  await env?.close();
});

const sleepFor = (ms: number) => new Promise((r) => setTimeout(r, ms));
let seq = 0;
const uniqueId = (name: string) => {
  const id = `${name}-${Date.now()}-${++seq}`;
  created.push(id);
  return id;
};

const sleeper = (ms: number) =>
  doc('sleeper', [
    { id: 'work', activity: 'weft.sleep', input: { ms } },
    { id: 'when', activity: 'weft.echo', input: { scheduledAt: '${ run.scheduledAt }', trigger: '${ run.trigger }' } },
  ]);

/** Start and close times of the runs a trigger started, oldest first, from Temporal itself. */
async function runsOf(id: string): Promise<Array<{ workflowId: string; start: number; close?: number }>> {
  const runs = [];
  for await (const wf of client.temporal.workflow.list({
    query: `WorkflowType = 'weftDag' AND WeftTrigger = '${id}'`,
  })) {
    runs.push({ workflowId: wf.workflowId, start: wf.startTime.getTime(), close: wf.closeTime?.getTime() });
  }
  return runs.sort((a, b) => a.start - b.start);
}

async function eventually<T>(
  probe: () => Promise<T>,
  ok: (v: T) => boolean,
  what: string,
  timeoutMs = 20_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (ok(value)) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(value)}`);
    await sleepFor(250);
  }
}

describe('cron previews match what Temporal fires', () => {
  const cases: Array<[string, string | undefined]> = [
    ['0 * * * *', undefined],
    ['*/15 9-17 * * MON-FRI', 'America/New_York'],
    ['30 2 1 * *', 'Europe/Paris'],
    ['@weekly', undefined],
    ['0 0 12 ? * WED', 'Asia/Tokyo'],
    ['15 10 * JAN,JUL *', undefined],
    ['0 22 * * 0', 'Australia/Sydney'],
    ['5/20 * * * *', undefined],
    ['0 0 29 2 *', undefined],
    ['30 0 9 * * SAT *', 'UTC'],
  ];

  it.each(cases)('%s (%s)', async (cron, timezone) => {
    const id = uniqueId('preview');
    // Not paused (a paused trigger shows no next times), but starting in two days, so none fires meanwhile.
    const view = await client.schedules.create(
      doc('noop', [{ id: 'a', activity: 'weft.echo' }]),
      { cron, timezone },
      { id, startAt: new Date(Date.now() + 2 * 86_400_000) },
    );
    const temporal = view.nextRunTimes;
    expect(temporal.length).toBeGreaterThanOrEqual(5);
    const from = new Date(Date.parse(temporal[0]) - 1000).toISOString();
    const checked = normalizeCron(cron);
    if (!checked.ok) throw new Error(checked.reason);
    expect(previewCron(checked.cron, timezone, temporal.length, new Date(from)).map((d) => d.toISOString())).toEqual(
      temporal,
    );
    // And through the CLI, as a user previews it.
    const args = [
      'schedule',
      'preview',
      '--cron',
      cron,
      '--count',
      String(temporal.length),
      '--from',
      from,
      ...(timezone ? ['--timezone', timezone] : []),
    ];
    expect(JSON.parse((await weft([...args, '--json'], cliEnv)).stdout)).toEqual(temporal);
    // Without --json, in the trigger's time zone with its offset.
    expect((await weft(args, cliEnv)).stdout.split('\n')[0]).toBe(formatInZone(temporal[0], timezone));
  });
});

describe('fixed rate (--every)', () => {
  it('fires every 2 s counted from starts, even when runs take 3 s (allow-all), and runs can read their fire time', async () => {
    const id = uniqueId('rate');
    const created = await weft(
      ['schedule', 'create', '-', '--every', '2s', '--overlap', 'allow-all', '--id', id].map((a) =>
        a === '-' ? writeDoc(sleeper(3000)) : a,
      ),
      cliEnv,
    );
    expect(created.code).toBe(0);
    expect(created.stdout).toContain(`${id}: every trigger of DAG "sleeper", every 2s`);
    const runs = await eventually(
      () => runsOf(id),
      (r) => r.length >= 4,
      '4 runs',
    );
    await client.schedules.delete(id);
    // The fire times (carried in each workflow id) are exactly 2 s apart, counted from the
    // previous fire, not from its end: run k+1 starts while run k is still sleeping.
    const fired = runs.slice(0, 4).map((r) => Date.parse(r.workflowId.slice(id.length + 1)));
    expect(fired.slice(1).map((t, i) => t - fired[i])).toEqual([2000, 2000, 2000]);
    expect(runs[1].start).toBeLessThan(runs[0].close ?? Infinity);
    // Each run really starts at its fire time. The bound is loose on purpose: on a loaded
    // machine the scheduler's own latency varies by hundreds of milliseconds (CI saw 700 ms).
    for (let k = 0; k < 4; k++) expect(runs[k].start - fired[k]).toBeGreaterThanOrEqual(0);
    for (let k = 0; k < 4; k++) expect(runs[k].start - fired[k]).toBeLessThan(1500);

    const first = await client.getRun(runs[0].workflowId).result();
    const due = first.nodes.when.output as { scheduledAt: string; trigger: string };
    expect(due.trigger).toBe(id);
    expect(runs[0].workflowId).toBe(`${id}-${due.scheduledAt.replace(/\.000Z$/, 'Z')}`);
  });

  it('under skip, fires that would overlap are skipped and counted', async () => {
    const id = uniqueId('rate-skip');
    await client.schedules.create(sleeper(3000), { every: '2s' }, { id, overlap: 'skip' });
    const view = await eventually(
      () => client.schedules.describe(id),
      (v) => v.skippedOverlap >= 2,
      'two skipped fires',
    );
    await client.schedules.delete(id);
    expect(view.overlap).toBe('skip');
    const runs = await runsOf(id);
    for (let i = 1; i < runs.length; i++) expect(runs[i].start).toBeGreaterThanOrEqual(runs[i - 1].close ?? Infinity);
  });

  it('trigger-now honours the schedule’s own overlap policy', async () => {
    const id = uniqueId('trigger-skip');
    await client.schedules.create(sleeper(3000), { every: '1h' }, { id, overlap: 'skip' });
    await client.schedules.trigger(id);
    await eventually(
      () => client.schedules.describe(id),
      (v) => v.runningRuns.length === 1,
      'one run',
    );
    expect(await client.schedules.trigger(id)).toBe('triggered (overlap skip)');
    const view = await eventually(
      () => client.schedules.describe(id),
      (v) => v.skippedOverlap === 1,
      'the second trigger skipped',
    );
    expect(view.runs).toBe(1);
  });
});

describe('fixed delay', () => {
  it('starts each run 2 s after the previous one ended; pause, unpause, trigger and delete work', async () => {
    const id = uniqueId('delay');
    const view = await client.schedules.create(sleeper(1000), { fixedDelay: '2s' }, { id });
    expect(view).toMatchObject({ kind: 'fixed-delay', spec: '2s after each run ends', overlap: 'skip' });
    const runs = await eventually(
      () => runsOf(id),
      (r) => r.length >= 3 && r[2].close !== undefined,
      '3 finished runs',
      30_000,
    );
    for (let i = 1; i < 3; i++) {
      const gap = runs[i].start - runs[i - 1].close!;
      // The delay cannot end early; its lateness is two workflow tasks and a child start,
      // which a loaded machine stretches (hence the loose upper bound).
      expect(gap).toBeGreaterThanOrEqual(1950);
      expect(gap).toBeLessThan(3500);
    }

    // Pause: nothing new starts.
    expect((await weft(['schedule', 'pause', id, '--note', 'maintenance'], cliEnv)).stdout).toMatch(/paused/);
    await eventually(
      () => runsOf(id),
      (r) => r.every((x) => x.close !== undefined),
      'the current run to end',
    );
    const paused = (await runsOf(id)).length;
    await sleepFor(3500);
    expect((await runsOf(id)).length).toBe(paused);
    expect(await client.schedules.describe(id)).toMatchObject({ paused: true, note: 'maintenance', nextRunTimes: [] });

    // Trigger while paused: one run at once.
    expect((await weft(['schedule', 'trigger', id], cliEnv)).stdout).toBe(`${id}: triggered: a run starts now`);
    const answered = Date.now();
    const triggered = await eventually(
      () => runsOf(id),
      (r) => r.length === paused + 1,
      'the triggered run',
    );
    // At once, not after the 2 s delay: the run starts in the workflow task that answered the trigger.
    expect(triggered[triggered.length - 1].start - answered).toBeLessThan(1000);

    // Unpause: runs resume after the delay.
    await weft(['schedule', 'unpause', id], cliEnv);
    await eventually(
      () => runsOf(id),
      (r) => r.length >= paused + 2,
      'runs after unpause',
      10_000,
    );

    // Delete: the driver ends; the listing no longer shows it.
    expect((await weft(['schedule', 'delete', id], cliEnv)).code).toBe(0);
    await eventually(
      async () => (await client.temporal.workflow.getHandle(id).describe()).status.name,
      (s) => s === 'COMPLETED',
      'the driver to end',
    );
    expect((await weft(['schedule', 'describe', id], cliEnv)).code).toBe(2);
    created.splice(created.indexOf(id), 1);
  });

  it('is listed and described like the other kinds', async () => {
    const id = uniqueId('delay-list');
    await client.schedules.create(sleeper(100), { fixedDelay: '1h' }, { id, paused: true });
    const cronId = uniqueId('cron-list');
    await client.schedules.create(
      sleeper(100),
      { cron: '0 3 * * *', timezone: 'Europe/Paris' },
      { id: cronId, paused: true },
    );
    const listed = await eventually(
      () => client.schedules.list(),
      (l) => l.some((v) => v.id === id) && l.some((v) => v.id === cronId),
      'both listed',
    );
    expect(listed.find((v) => v.id === id)).toMatchObject({ kind: 'fixed-delay', dag: 'sleeper', paused: true });
    expect(listed.find((v) => v.id === cronId)).toMatchObject({
      kind: 'cron',
      spec: 'cron 0 3 * * * (Europe/Paris)',
      paused: true,
    });
    const described = await weft(['schedule', 'describe', id], cliEnv);
    expect(described.stdout).toContain(`${id}: fixed-delay trigger of DAG "sleeper", 1h after each run ends`);
  });
});

describe('weft schedule update', () => {
  it('changes a cron trigger in place: the new spec shows in describe, the id, recent runs, paused state and note stay', async () => {
    const id = uniqueId('update-cron');
    await client.schedules.create(
      sleeper(10),
      { cron: '0 3 * * *', timezone: 'Europe/Paris' },
      { id, paused: true, note: 'hold' },
    );
    await client.schedules.trigger(id);
    await eventually(
      () => client.schedules.describe(id),
      (v) => v.recentRuns.length === 1 && v.runningRuns.length === 0,
      'the triggered run',
    );

    const updated = await weft(['schedule', 'update', id, '--cron', '30 4 * * *', '--timezone', 'Asia/Tokyo'], cliEnv);
    expect(updated.code).toBe(0);
    expect(updated.stdout).toContain(`${id}: cron trigger of DAG "sleeper", cron 30 4 * * * (Asia/Tokyo)`);
    const view = await client.schedules.describe(id);
    expect(view).toMatchObject({ id, spec: 'cron 30 4 * * * (Asia/Tokyo)', paused: true, note: 'hold', runs: 1 });
    expect(view.recentRuns).toHaveLength(1);
    // Paused: no next time, in JSON or in text.
    expect(view.nextRunTimes).toEqual([]);
    const described = (await weft(['schedule', 'describe', id], cliEnv)).stdout;
    expect(described).toContain('next:     none while paused');
    expect(described).toMatch(/\(due \d{4}-\d\d-\d\d \d\d:\d\d(:\d\d)? \+09:00 \(Asia\/Tokyo\)/);

    // The Schedule's note says what it is, the user's note after it; the action's memo follows the update.
    const schedule = await client.temporal.schedule.getHandle(id).describe();
    expect(schedule.state.note).toBe(`weft cron "30 4 * * *" Asia/Tokyo, DAG sleeper — hold`);
    expect(schedule.memo?.weft).toMatchObject({ summary: 'weft cron "0 3 * * *" Europe/Paris, DAG sleeper' });
    expect(schedule.action.memo?.weft).toMatchObject({ summary: 'weft cron "30 4 * * *" Asia/Tokyo, DAG sleeper' });

    // --unpaused lets it fire; its next times are at 04:30 in Tokyo, shown there.
    await weft(['schedule', 'update', id, '--unpaused'], cliEnv);
    const active = await client.schedules.describe(id);
    expect(active.paused).toBe(false);
    expect(formatInZone(active.nextRunTimes[0], 'Asia/Tokyo')).toMatch(/ 04:30 \+09:00 \(Asia\/Tokyo\)$/);
    expect((await weft(['schedule', 'describe', id], cliEnv)).stdout).toContain(
      `next:     ${formatInZone(active.nextRunTimes[0], 'Asia/Tokyo')}`,
    );
    // --offset alone belongs to a fixed-rate trigger.
    const wrong = await weft(['schedule', 'update', id, '--offset', '5m'], cliEnv);
    expect(wrong).toMatchObject({ code: 2, stderr: `weft: --offset goes with --every; "${id}" is a cron trigger.` });
  });

  it('lists a paused trigger without a next time', async () => {
    const id = uniqueId('paused-next');
    await client.schedules.create(sleeper(10), { every: '1h' }, { id, paused: true });
    const listed = JSON.parse((await weft(['schedule', 'list', '--json'], cliEnv)).stdout) as Array<{
      id: string;
      nextRunTimes: string[];
    }>;
    expect(listed.find((v) => v.id === id)?.nextRunTimes).toEqual([]);
    const row = (await weft(['schedule', 'list'], cliEnv)).stdout.split('\n').find((l) => l.startsWith(`${id} `));
    expect(row).toMatch(/PAUSED\s+0$/);
  });

  it('changes a webhook trigger’s document; its secret stays', async () => {
    const id = uniqueId('update-hook');
    const secret = 'a-secret-of-16-chars';
    await client.schedules.create(
      doc('hook-old', [{ id: 'a', activity: 'weft.echo', input: 'old' }]),
      { webhook: true, secret },
      { id },
    );
    const file = writeDoc(doc('hook-new', [{ id: 'a', activity: 'weft.echo', input: '${ input.order }' }]));
    const updated = await weft(['schedule', 'update', id, file], cliEnv);
    expect(updated.code).toBe(0);
    expect(updated.stdout).toContain(`${id}: webhook trigger of DAG "hook-new", webhook (signed)`);
    const target = await client.schedules.webhook(id);
    expect(target).toMatchObject({ dag: 'hook-new', secret });
    const { workflowId } = await client.schedules.deliver(target, { order: 7 });
    expect((await client.getRun(workflowId).result()).nodes.a.output).toBe(7);
  });

  it('changes a fixed-delay trigger through its driver; it stays paused', async () => {
    const id = uniqueId('update-delay');
    await client.schedules.create(sleeper(10), { fixedDelay: '1h' }, { id, paused: true, note: 'later' });
    const updated = await weft(['schedule', 'update', id, '--fixed-delay', '2h', '--overlap', 'buffer-one'], cliEnv);
    expect(updated.code).toBe(0);
    expect(await client.schedules.describe(id)).toMatchObject({
      spec: '2h after each run ends',
      overlap: 'buffer-one',
      paused: true,
      note: 'later',
      nextRunTimes: [],
    });
    const refused = await weft(['schedule', 'update', id, '--cron', '0 3 * * *'], cliEnv);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/is a fixed-delay trigger .* delete it and create it again\.$/);
  });
  it('a shorter delay given to a driver moves its next run, counted from the end of the last one', async () => {
    const id = uniqueId('update-delay-run');
    await client.schedules.create(sleeper(10), { fixedDelay: '1h' }, { id });
    const first = await eventually(
      () => runsOf(id),
      (r) => r.length === 1 && r[0].close !== undefined,
      'the first run to end',
    );
    expect((await client.schedules.update(id, { timing: { fixedDelay: '2s' } })).spec).toBe('2s after each run ends');
    const runs = await eventually(
      () => runsOf(id),
      (r) => r.length >= 2,
      'a run 2 s after the first',
    );
    expect(runs[1].start - first[0].close!).toBeGreaterThanOrEqual(1950);
    expect(runs[1].start - first[0].close!).toBeLessThan(5000);
  });
});

describe('backfill', () => {
  it('starts 10 runs for a 10-minute range of a per-minute cron', async () => {
    const id = uniqueId('backfill');
    await client.schedules.create(
      doc('tick', [{ id: 'a', activity: 'weft.echo', input: '${ run.scheduledAt }' }]),
      { cron: '* * * * *' },
      { id, paused: true },
    );
    const to = new Date(Math.floor(Date.now() / 60_000) * 60_000 - 60 * 60_000);
    const from = new Date(to.getTime() - 10 * 60_000);
    const answer = await weft(
      ['schedule', 'backfill', id, '--from', from.toISOString(), '--to', to.toISOString()],
      cliEnv,
    );
    expect(answer.code).toBe(0);
    const runs = await eventually(
      () => runsOf(id),
      (r) => r.length >= 10 && r.every((x) => x.close),
      '10 finished runs',
      30_000,
    );
    await sleepFor(1000);
    expect((await runsOf(id)).length).toBe(10);
    const due = await Promise.all(
      runs.map(async (r) => (await client.getRun(r.workflowId).result()).nodes.a.output as string),
    );
    expect(due.sort()).toEqual(
      Array.from({ length: 10 }, (_, k) => new Date(from.getTime() + k * 60_000).toISOString()),
    );
  });

  it('is refused for a fixed-delay trigger', async () => {
    const id = uniqueId('backfill-delay');
    await client.schedules.create(sleeper(100), { fixedDelay: '1h' }, { id, paused: true });
    const answer = await weft(
      ['schedule', 'backfill', id, '--from', '2026-01-01T00:00:00Z', '--to', '2026-01-02T00:00:00Z'],
      cliEnv,
    );
    expect(answer.code).toBe(2);
    expect(answer.stderr).toMatch(/fixed-delay trigger: it has no fire times to backfill/);
  });
});

describe('bad input exits 2 with a sentence', () => {
  const file = () => writeDoc(sleeper(10));
  it.each([
    [['--cron', '61 * * * *'], /--cron "61 \* \* \* \*": .*59/],
    [['--cron', '0 9 * * 1#2'], /L, W, # and H are not supported/],
    [['--every', '0s'], /--every: "0s" is not a positive duration/],
    [['--every', '-5m'], /--every: "-5m" is not a positive duration/],
    [['--cron', '0 9 * * *', '--timezone', 'Mars/Olympus'], /"Mars\/Olympus" is not a time zone/],
    [['--fixed-delay', '10s', '--overlap', 'allow-all'], /does not apply to --fixed-delay/],
    [['--cron', '* * * * *', '--every', '1m'], /exactly one of --cron, --every or --fixed-delay/],
  ])('create %j', async (flags, message) => {
    const result = await weft(['schedule', 'create', file(), ...flags], cliEnv);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
    expect(result.stderr.split('\n')).toHaveLength(1);
  });

  it.each(['describe', 'update', 'pause', 'unpause', 'trigger', 'delete'])('%s of an unknown id', async (command) => {
    const result = await weft(['schedule', command, 'no-such-trigger'], cliEnv);
    expect(result).toMatchObject({
      code: 2,
      stderr: 'weft: There is no trigger "no-such-trigger" in namespace "default"; `weft schedule list` shows them.',
    });
  });

  it('refuses a second trigger with the same id, of any kind', async () => {
    const id = uniqueId('dup');
    await client.schedules.create(sleeper(10), { cron: '0 3 * * *' }, { id, paused: true });
    const again = await weft(['schedule', 'create', file(), '--fixed-delay', '1m', '--id', id], cliEnv);
    expect(again).toMatchObject({
      code: 2,
      stderr: `weft: A trigger "${id}" already exists; change it with \`weft schedule update ${id}\`, or choose another --id.`,
    });
  });
});

import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
function writeDoc(document: unknown): string {
  const path = join(mkdtempSync(join(tmpdir(), 'weft-doc-')), 'doc.json');
  writeFileSync(path, JSON.stringify(document));
  return path;
}
