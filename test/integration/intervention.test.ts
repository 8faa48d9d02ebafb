/** Manual intervention (approvals, retry/skip/fail, pause/resume, cancel) on the real server, via the CLI. */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { type WeftClient, type WeftRun } from '../../src/client/weft-client';
import { locateTemporal } from '../../src/server/temporal-binary';
import type { WeftRunView } from '../../src/protocol/dag';
import { weft } from '../cli-harness';
import { doc, weftFor } from './dag-helpers';
import { createTestEnv, testAddress, type TestEnv } from './env';

let env: TestEnv;
let client: WeftClient;
let cliEnv: Record<string, string>;
const calls = new Map<string, number>();

beforeAll(async () => {
  env = await createTestEnv({
    activities: {
      // Fails the first call for each key, succeeds after: an outage an operator waits out, then retries.
      async flakyOnce(input: { key: string }) {
        const n = (calls.get(input.key) ?? 0) + 1;
        calls.set(input.key, n);
        if (n === 1) throw new Error(`the warehouse is down (call ${n})`);
        return { call: n };
      },
      // Temporal types a thrown error by its class name; Weft's nonRetryable matches that type.
      async declineCard(input: { key: string }) {
        calls.set(input.key, (calls.get(input.key) ?? 0) + 1);
        class CardDeclined extends Error {}
        throw new CardDeclined('card declined');
      },
    },
  });
  client = await weftFor(env);
  cliEnv = { TEMPORAL_ADDRESS: testAddress(), WEFT_TASK_QUEUE: env.taskQueue };
});
afterAll(async () => {
  await client?.close();
  await env?.close();
});

let seq = 0;
async function start(name: string, nodes: unknown[], extra: Record<string, unknown> = {}): Promise<WeftRun> {
  return client.start(doc(name, nodes, extra), { workflowId: `${name}-${Date.now()}-${++seq}` });
}

/** Polls the run's state query until `ready` holds. */
async function until(run: WeftRun, ready: (v: WeftRunView) => boolean, what: string): Promise<WeftRunView> {
  for (let i = 0; i < 120; i++) {
    const view = await run.state();
    if (ready(view)) return view;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting until ${what}`);
}

const waitingOn = (id: string) => (v: WeftRunView) => v.nodes[id]?.status === 'WAITING';

describe('approval nodes', () => {
  const gated = [
    { id: 'prepare', activity: 'weft.echo', input: { v: 1 }, compensate: { activity: 'weft.echo' } },
    { id: 'go_live', type: 'approval', dependsOn: ['prepare'] },
    {
      id: 'release',
      dependsOn: ['go_live'],
      activity: 'weft.echo',
      input: { approvedBy: '${ nodes.go_live.output.by }' },
    },
  ];

  it('waits, and once approved with data the downstream node receives it', async () => {
    const run = await start('approve', gated);
    const view = await until(run, waitingOn('go_live'), 'go_live waits');
    expect(view.waiting).toEqual([expect.objectContaining({ nodeId: 'go_live', kind: 'approval' })]);
    expect(view.waiting![0].release[0]).toBe(`weft approve ${run.workflowId} go_live --data '{...}'`);
    expect(view.nodes.release.status).toBe('PENDING');

    const answer = await weft(['approve', run.workflowId, 'go_live', '--data', '{"by": "ana"}'], cliEnv);
    expect(answer).toMatchObject({ code: 0, stdout: `${run.workflowId}: node "go_live" approved` });
    const result = await run.result();
    expect(result.status).toBe('SUCCEEDED');
    expect(result.nodes.go_live.output).toEqual({ by: 'ana' });
    expect(result.nodes.release.output).toEqual({ approvedBy: 'ana' });
  });

  it('takes the same actions as signals: `temporal workflow signal --name approve` releases the approval', async () => {
    const run = await start('approve-signal', gated);
    await until(run, waitingOn('go_live'), 'go_live waits');
    const temporal = await locateTemporal({ log: () => {} });
    await promisify(execFile)(temporal, [
      ...['workflow', 'signal', '--address', testAddress(), '--workflow-id', run.workflowId],
      ...['--name', 'approve', '--input', JSON.stringify({ nodeId: 'go_live', data: { by: 'a workflow' } })],
    ]);
    const result = await run.result();
    expect(result.status).toBe('SUCCEEDED');
    expect(result.nodes.release.output).toEqual({ approvedBy: 'a workflow' });
  });

  it('records a refused signal, changes nothing, and shows it in weft status', async () => {
    const run = await start('refused-signal', gated);
    await until(run, waitingOn('go_live'), 'go_live waits');
    await run.handle.signal('approve', { nodeId: 'go_lve', data: { by: 'typo' } });
    await run.handle.signal('resume'); // not paused: refused too
    const view = await until(run, (v) => (v.refusedSignals?.length ?? 0) === 2, 'both signals are refused');
    expect(view.refusedSignals).toEqual([
      expect.objectContaining({
        signal: 'approve',
        nodeId: 'go_lve',
        reason: expect.stringMatching(/^there is no node "go_lve" in this DAG.*"go_live"/),
      }),
      expect.objectContaining({ signal: 'resume', reason: 'the run is not paused' }),
    ]);
    expect(view.nodes.go_live.status).toBe('WAITING');
    const status = await weft(['status', run.workflowId], cliEnv);
    expect(status.stdout).toMatch(/Refused signal "approve" for go_lve at .*: there is no node "go_lve"/);
    const metadata = (await run.handle.query('__temporal_workflow_metadata')) as { currentDetails: string };
    expect(metadata.currentDetails).toContain('Refused signal "resume"');
    // Pause and resume by signal as well; then release the approval by signal.
    await run.handle.signal('pause');
    await until(run, (v) => v.status === 'PAUSED', 'the run is paused');
    await run.handle.signal('resume', {});
    await run.handle.signal('approve', { nodeId: 'go_live' });
    expect((await run.result()).status).toBe('SUCCEEDED');
  });

  it('shows the waiting node and how to release it in the Web UI details', async () => {
    const run = await start('approve-ui', gated);
    await until(run, waitingOn('go_live'), 'go_live waits');
    const metadata = (await run.handle.query('__temporal_workflow_metadata')) as { currentDetails: string };
    expect(metadata.currentDetails).toContain('`go_live` is waiting for approval');
    expect(metadata.currentDetails).toContain(`\`weft approve ${run.workflowId} go_live --data '{...}'\``);
    const status = await weft(['status', run.workflowId], cliEnv);
    expect(status.stdout).toContain(`go_live is waiting for approval (since `);
    expect(status.stdout).toContain(`  weft reject ${run.workflowId} go_live --reason '...'`);
    await run.cancel();
  });

  it('once rejected fails the DAG, which compensates', async () => {
    const run = await start('reject', gated);
    await until(run, waitingOn('go_live'), 'go_live waits');
    expect((await weft(['reject', run.workflowId, 'go_live', '--reason', 'freeze week'], cliEnv)).code).toBe(0);
    const result = await run.result();
    expect(result.status).toBe('FAILED');
    expect(result.nodes.go_live).toMatchObject({
      status: 'FAILED',
      error: { type: 'Rejected', message: 'rejected: freeze week' },
    });
    expect(result.nodes.release.status).toBe('SKIPPED');
    expect(result.compensation).toEqual({ compensated: ['prepare'], failed: [] });
  });

  it('fails after its timeout when onTimeout is "reject"', async () => {
    const run = await start('approval-timeout', [
      { id: 'sign_off', type: 'approval', timeout: '1s', onTimeout: 'reject' },
    ]);
    const result = await run.result();
    expect(result.nodes.sign_off).toMatchObject({ status: 'FAILED', error: { type: 'ApprovalTimeout' } });
    expect(
      Date.parse(result.nodes.sign_off.endedAt!) - Date.parse(result.nodes.sign_off.startedAt!),
    ).toBeGreaterThanOrEqual(1000);
  });

  it('succeeds after its timeout when onTimeout is "approve"', async () => {
    const run = await start('approval-timeout-ok', [
      { id: 'sign_off', type: 'approval', timeout: '500ms', onTimeout: 'approve' },
    ]);
    expect((await run.result()).nodes.sign_off.status).toBe('SUCCEEDED');
  });
});

describe('onFailure "wait"', () => {
  it('waits after failing; weft retry runs it again with a fresh set of attempts', async () => {
    const key = `retry-${Date.now()}`;
    const run = await start('wait-retry', [
      { id: 'load', activity: 'flakyOnce', input: { key }, onFailure: 'wait', retry: { maxAttempts: 1 } },
      { id: 'after', dependsOn: ['load'], activity: 'weft.echo', input: '${ nodes.load.output }' },
    ]);
    const view = await until(run, waitingOn('load'), 'load waits');
    expect(view.nodes.load.error?.message).toMatch(/warehouse is down/);
    expect(view.waiting![0]).toMatchObject({
      kind: 'failure',
      release: expect.arrayContaining([`weft retry ${run.workflowId} load`]),
    });
    expect((await weft(['retry', run.workflowId, 'load'], cliEnv)).code).toBe(0);
    const result = await run.result();
    expect(result.status).toBe('SUCCEEDED');
    expect(result.nodes.load).toMatchObject({ status: 'SUCCEEDED', attempts: 2, output: { call: 2 }, error: null });
    expect(result.nodes.after.output).toEqual({ call: 2 });
    // The second round is its own activity, so the Web UI shows both.
    const history = await run.handle.fetchHistory();
    const ids = history.events!.flatMap((e) =>
      e.activityTaskScheduledEventAttributes ? [e.activityTaskScheduledEventAttributes.activityId] : [],
    );
    expect(ids).toEqual(['load', 'load#2', 'after']);
  });

  it('weft skip --output lets the DAG finish with downstream nodes seeing that output', async () => {
    const run = await start('wait-skip', [
      {
        id: 'enrich',
        activity: 'weft.fail',
        input: { message: 'geo service down', nonRetryable: true },
        onFailure: 'wait',
      },
      { id: 'publish', dependsOn: ['enrich'], activity: 'weft.echo', input: { rows: '${ nodes.enrich.output.rows }' } },
    ]);
    await until(run, waitingOn('enrich'), 'enrich waits');
    const skipped = await weft(['skip', run.workflowId, 'enrich', '--output', '{"rows": 0}'], cliEnv);
    expect(skipped).toMatchObject({ code: 0, stdout: `${run.workflowId}: node "enrich" skipped` });
    const result = await run.result();
    expect(result.status).toBe('SUCCEEDED');
    expect(result.nodes.enrich).toMatchObject({
      status: 'SKIPPED',
      output: { rows: 0 },
      reason: 'skipped by an operator',
    });
    expect(result.nodes.publish).toMatchObject({ status: 'SUCCEEDED', output: { rows: 0 } });
  });

  it('weft fail sends the run down its failure path', async () => {
    const run = await start('wait-fail', [
      { id: 'a', activity: 'weft.echo', compensate: { activity: 'weft.echo' } },
      { id: 'b', dependsOn: ['a'], activity: 'weft.fail', input: { nonRetryable: true }, onFailure: 'wait' },
    ]);
    await until(run, waitingOn('b'), 'b waits');
    expect((await weft(['fail', run.workflowId, 'b', '--reason', 'data is corrupt'], cliEnv)).code).toBe(0);
    const result = await run.result();
    expect(result.status).toBe('FAILED');
    expect(result.nodes.b.error?.message).toBe('failed by an operator: data is corrupt');
    expect(result.compensation?.compensated).toEqual(['a']);
  });
});

describe('pause and resume', () => {
  it('stops new nodes from starting while running ones finish; resume goes on; nothing runs twice', async () => {
    const run = await start('pause', [
      { id: 'first', activity: 'weft.sleep', input: { ms: 1200 } },
      { id: 'second', dependsOn: ['first'], activity: 'weft.echo' },
      { id: 'third', dependsOn: ['second'], activity: 'weft.echo' },
    ]);
    await until(run, (v) => v.nodes.first.status === 'RUNNING', 'first runs');
    expect(await weft(['pause', run.workflowId], cliEnv)).toMatchObject({
      code: 0,
      stdout: expect.stringContaining('paused'),
    });
    const paused = await until(run, (v) => v.nodes.first.status === 'SUCCEEDED', 'first finished');
    expect(paused.status).toBe('PAUSED');
    await new Promise((r) => setTimeout(r, 800));
    const still = await run.state();
    expect([still.status, still.nodes.second.status]).toEqual(['PAUSED', 'PENDING']);
    expect((await weft(['pause', run.workflowId], cliEnv)).stderr).toMatch(/already paused/);

    expect((await weft(['resume', run.workflowId], cliEnv)).code).toBe(0);
    const result = await run.result();
    expect(result.status).toBe('SUCCEEDED');
    expect(Object.values(result.nodes).map((n) => n.attempts)).toEqual([1, 1, 1]);
    const history = await run.handle.fetchHistory();
    expect(history.events!.filter((e) => e.activityTaskScheduledEventAttributes)).toHaveLength(3);
  });
});

describe('cancel', () => {
  it('cancels running nodes, compensates completed ones and ends CANCELLED', async () => {
    const run = await start('cancel', [
      { id: 'reserve', activity: 'weft.echo', compensate: { activity: 'weft.echo', input: { release: true } } },
      {
        id: 'wait_for_stock',
        dependsOn: ['reserve'],
        activity: 'weft.sleep',
        input: { ms: 30000 },
        timeout: { heartbeat: '5s' },
      },
      { id: 'ship', dependsOn: ['wait_for_stock'], activity: 'weft.echo' },
    ]);
    await until(run, (v) => v.nodes.wait_for_stock.status === 'RUNNING', 'the sleep runs');
    const cancelled = await weft(['cancel', run.workflowId, '--wait'], cliEnv);
    expect(cancelled.code).toBe(0);
    expect(cancelled.stdout).toMatch(/CANCELLED/);
    const result = await run.result();
    expect(result.status).toBe('CANCELLED');
    expect(result.nodes).toMatchObject({
      reserve: { status: 'COMPENSATED' },
      wait_for_stock: { status: 'CANCELLED' },
      ship: { status: 'CANCELLED' },
    });
    expect(result.compensation).toEqual({ compensated: ['reserve'], failed: [] });
    expect((await run.handle.describe()).status.name).toBe('CANCELLED');
  });

  it('cancels a run that waits for approval', async () => {
    const run = await start('cancel-waiting', [{ id: 'gate', type: 'approval' }]);
    await until(run, waitingOn('gate'), 'gate waits');
    await run.cancel();
    expect((await run.result()).nodes.gate.status).toBe('CANCELLED');
  });
});

describe('invalid actions exit 2 with a sentence and change nothing', () => {
  it('refuses unknown runs, unknown nodes and nodes that do not wait', async () => {
    const run = await start('refusals', [
      { id: 'gate', type: 'approval' },
      { id: 'work', activity: 'weft.sleep', input: { ms: 20000 } },
    ]);
    const before = await until(run, waitingOn('gate'), 'gate waits');

    const unknownRun = await weft(['approve', 'no-such-run', 'gate'], cliEnv);
    expect(unknownRun).toMatchObject({
      code: 2,
      stderr: 'weft: No run with workflow id "no-such-run" in namespace "default".',
    });

    const unknownNode = await weft(['approve', run.workflowId, 'gaet'], cliEnv);
    expect(unknownNode.code).toBe(2);
    expect(unknownNode.stderr).toBe(
      `weft: ${run.workflowId}: there is no node "gaet" in this DAG; did you mean "gate"?.`,
    );

    const notWaiting = await weft(['retry', run.workflowId, 'work'], cliEnv);
    expect(notWaiting.code).toBe(2);
    expect(notWaiting.stderr).toMatch(/node "work" is not waiting after a failure \(it is RUNNING\)/);

    const notApproval = await weft(['approve', run.workflowId, 'work'], cliEnv);
    expect(notApproval.stderr).toMatch(/node "work" is not an approval node/);

    expect((await weft(['resume', run.workflowId], cliEnv)).stderr).toMatch(/the run is not paused/);
    expect((await weft(['skip', run.workflowId, 'gate'], cliEnv)).stderr).toMatch(/approve or reject it instead/);

    const after = await run.state();
    expect(after.nodes.gate.status).toBe('WAITING');
    expect(after.nodes.work.status).toBe('RUNNING');
    expect(after.status).toBe(before.status);
    await run.cancel();
    await run.result();
    const ended = await weft(['approve', run.workflowId, 'gate'], cliEnv);
    expect(ended).toMatchObject({
      code: 2,
      stderr: `weft: The run "${run.workflowId}" has already ended (CANCELLED); it takes no approve.`,
    });
  });
});

it('nonRetryable matches the class name of an error an activity throws', async () => {
  const key = `decline-${Date.now()}`;
  const result = await client.run(
    {
      dsl: 'weft/v1',
      name: 'decline',
      nodes: [
        {
          id: 'pay',
          activity: 'declineCard',
          input: { key },
          retry: { maxAttempts: 5, initialInterval: '100ms', nonRetryable: ['CardDeclined'] },
        },
      ],
    },
    { workflowId: key },
  );
  expect(result.nodes.pay).toMatchObject({
    status: 'FAILED',
    attempts: 1,
    error: { type: 'CardDeclined', retryState: 'NON_RETRYABLE_FAILURE' },
  });
  expect(calls.get(key)).toBe(1);
});
