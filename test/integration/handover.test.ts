/**
 * Long DAGs continue as new (the "hand-over"): the workflow id stays, the node table, waiting nodes, sleeps
 * and the saga carry over, and the result reads as if it had been one run. A small `historyLimit` makes
 * short DAGs hand over several times.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import type { WeftClient, WeftRun } from '../../src/client/weft-client';
import type { WeftRunView } from '../../src/protocol/dag';
import { WeftDagKey, WeftStatusKey } from '../../src/protocol/search-attributes';
import type { TestEnv } from './env';
import { doc, useWeft } from './dag-helpers';

/** n echo nodes in a chain, each adding 1 to its predecessor's output. */
function chain(n: number, prefix = 'step'): Array<{ id: string } & Record<string, unknown>> {
  return Array.from({ length: n }, (_, k) =>
    k === 0
      ? { id: `${prefix}0`, activity: 'weft.echo', input: 0 }
      : {
          id: `${prefix}${k}`,
          dependsOn: [`${prefix}${k - 1}`],
          activity: 'weft.echo',
          input: `\${ nodes.${prefix}${k - 1}.output + 1 }`,
        },
  );
}

describe.each([
  ['cached', {}],
  ['always replaying', { maxCachedWorkflows: 0 }],
] as const)('continue-as-new for long DAGs (%s)', (_mode, workerOptions) => {
  let env: TestEnv;
  let weft: WeftClient;
  let seq = 0;
  useWeft({ temporal: workerOptions }, (e, w) => {
    env = e;
    weft = w;
  });

  const start = (document: Record<string, unknown>, historyLimit = 60) =>
    weft.start(document, { workflowId: `${document.name}-${Date.now()}-${++seq}`, historyLimit });

  /** Every run of the chain, oldest first, with its status and history length. */
  async function runsOf(workflowId: string) {
    const runs: Array<{ runId: string; status: string; historyLength: number; dag?: string; weftStatus?: string }> = [];
    for await (const wf of env.client.workflow.list({ query: `WorkflowId = '${workflowId}'` })) {
      const attributes = wf.typedSearchAttributes;
      runs.push({
        runId: wf.runId,
        status: wf.status.name,
        historyLength: wf.historyLength ?? 0,
        dag: attributes.get(WeftDagKey),
        weftStatus: attributes.get(WeftStatusKey),
      });
    }
    return runs.reverse();
  }

  async function waitFor(run: WeftRun, ok: (view: WeftRunView) => boolean, what: string): Promise<WeftRunView> {
    const deadline = Date.now() + 30_000;
    for (;;) {
      const view = await run.state();
      if (ok(view)) return view;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  it('runs a 40-node chain over several runs with data flowing across them, each history bounded', async () => {
    const run = await start(
      doc('long-chain', chain(40), { output: { last: '${ nodes.step39.output }', started: '${ run.startedAt }' } }),
    );
    const result = await run.result();
    expect(result.status).toBe('SUCCEEDED');
    expect(result.output).toMatchObject({ last: 39 });
    expect(Object.values(result.nodes).every((n) => n.status === 'SUCCEEDED' && n.attempts === 1)).toBe(true);
    // run.startedAt is the chain's start, not the last run's.
    expect((result.output as { started: string }).started).toBe(result.nodes.step0.startedAt);

    // Visibility lags the history a little on a loaded machine: wait until it shows the last run closed.
    let runs = await runsOf(run.workflowId);
    for (let i = 0; i < 50 && runs[runs.length - 1]?.status !== 'COMPLETED'; i++) {
      await new Promise((r) => setTimeout(r, 200));
      runs = await runsOf(run.workflowId);
    }
    expect(runs.length).toBeGreaterThanOrEqual(3);
    expect(runs.slice(0, -1).every((r) => r.status === 'CONTINUED_AS_NEW')).toBe(true);
    expect(runs[runs.length - 1]).toMatchObject({ status: 'COMPLETED', runId: result.runId });
    // Every run stays findable by DAG in the Web UI; the last one tells how the DAG ended.
    expect(runs.every((r) => r.dag === 'long-chain')).toBe(true);
    expect(runs[runs.length - 1].weftStatus).toBe('SUCCEEDED');
    // The limit is checked between nodes: a run ends a few events past it, never far.
    for (const r of runs) expect(r.historyLength).toBeLessThan(60 + 15);
  });

  it('carries a waiting approval and a sleep over; the approval is answered in a later run', async () => {
    const run = await start(
      doc('carried-waits', [
        ...chain(30),
        { id: 'gate', type: 'approval' },
        { id: 'nap', type: 'sleep', duration: '5s' },
        {
          id: 'after',
          dependsOn: ['gate', 'nap', 'step29'],
          activity: 'weft.echo',
          input: { by: '${ nodes.gate.output.by }' },
        },
      ]),
      30, // hands over within the first second or so, well before the nap ends, even on a loaded machine
    );
    // The chain forces hand-overs while the gate waits.
    await waitFor(run, (v) => v.nodes.step29.status === 'SUCCEEDED', 'the chain');
    const view = await run.state();
    expect(view.runId).not.toBe(run.runId);
    expect(view.nodes.gate.status).toBe('WAITING');
    expect(view.waiting?.map((w) => w.nodeId)).toEqual(['gate']);

    expect(await run.approve('gate', { by: 'ana' })).toBe('node "gate" approved');
    const result = await run.result();
    expect(result.status).toBe('SUCCEEDED');
    expect(result.nodes.after.output).toEqual({ by: 'ana' });

    // The sleep was not restarted by the hand-over: a later run's timer holds only what was left of it.
    const runs = await runsOf(run.workflowId);
    const timers: number[] = [];
    for (const r of runs) {
      const history = await env.client.workflow.getHandle(run.workflowId, r.runId).fetchHistory();
      for (const e of history.events ?? []) {
        const t = e.timerStartedEventAttributes;
        if (t && e.userMetadata?.summary)
          timers.push(
            Number(t.startToFireTimeout?.seconds ?? 0) * 1000 + Math.round((t.startToFireTimeout?.nanos ?? 0) / 1e6),
          );
      }
    }
    if (process.env.WEFT_RECORD_HISTORIES && _mode === 'cached') {
      // For the replay guard: the first run (it hands over) and the last (it resumes carried nodes).
      const label = process.env.WEFT_RECORD_HISTORIES;
      for (const [name, r] of [
        ['handover-first', runs[0]],
        ['handover-last', runs[runs.length - 1]],
      ] as const) {
        const history = await env.client.workflow.getHandle(run.workflowId, r.runId).fetchHistory();
        writeFileSync(join(__dirname, '../histories', `${name}@${label}.json`), historyToJSON(history));
      }
    }
    expect(timers[0]).toBe(5000);
    expect(timers.length).toBeGreaterThanOrEqual(2);
    expect(timers[timers.length - 1]).toBeLessThan(5000);
    const nap = result.nodes.nap;
    expect(Date.parse(nap.endedAt!) - Date.parse(nap.startedAt!)).toBeGreaterThanOrEqual(5000);
  });

  it('a failed node waiting for an operator is skipped in a later run; downstream sees the output', async () => {
    const run = await start(
      doc('carried-failure', [
        {
          id: 'flaky',
          activity: 'weft.fail',
          input: { message: 'down' },
          retry: { maxAttempts: 1 },
          onFailure: 'wait',
        },
        ...chain(30),
        { id: 'use', dependsOn: ['flaky', 'step29'], activity: 'weft.echo', input: '${ nodes.flaky.output.rows }' },
      ]),
    );
    await waitFor(
      run,
      (v) => v.nodes.step29.status === 'SUCCEEDED' && v.nodes.flaky.status === 'WAITING',
      'the chain and the failure',
    );
    expect((await runsOf(run.workflowId)).length).toBeGreaterThanOrEqual(2);
    expect(await run.skip('flaky', { rows: 7 })).toBe('node "flaky" skipped');
    const result = await run.result();
    expect(result.status).toBe('SUCCEEDED');
    expect(result.nodes.flaky).toMatchObject({ status: 'SKIPPED', attempts: 1, output: { rows: 7 } });
    expect(result.nodes.use.output).toBe(7);
  });

  it('counts the DAG timeout from the first run: a later run arms only what is left of it', async () => {
    const run = await start(
      doc('carried-deadline', [...chain(30), { id: 'gate', type: 'approval' }], { timeout: '6s' }),
      30,
    );
    const result = await run.result();
    expect(result).toMatchObject({ status: 'FAILED', error: { type: 'DagTimeout' } });
    expect(result.nodes.gate.status).toBe('CANCELLED');
    const runs = await runsOf(run.workflowId);
    expect(runs.length).toBeGreaterThanOrEqual(2);
    const last = await env.client.workflow.getHandle(run.workflowId, runs[runs.length - 1].runId).fetchHistory();
    const timer = last.events!.find((e) => e.timerStartedEventAttributes)!.timerStartedEventAttributes!
      .startToFireTimeout!;
    expect(Number(timer.seconds ?? 0) * 1000 + Math.round((timer.nanos ?? 0) / 1e6)).toBeLessThan(6000);
  });

  it('compensates nodes completed in earlier runs, newest first, when a later node fails', async () => {
    const steps = chain(25).map((n) => ({ ...n, compensate: { activity: 'weft.echo' } }));
    const run = await start(
      doc('carried-saga', [
        ...steps,
        {
          id: 'boom',
          dependsOn: ['step24'],
          activity: 'weft.fail',
          input: { message: 'no' },
          retry: { maxAttempts: 1 },
        },
      ]),
    );
    const result = await run.result();
    expect(result.status).toBe('FAILED');
    expect(result.error).toMatchObject({ nodeId: 'boom' });
    expect(result.compensation?.compensated).toEqual(steps.map((s) => s.id).reverse());
    expect(result.compensation?.failed).toEqual([]);
    expect((await runsOf(run.workflowId)).length).toBeGreaterThanOrEqual(2);
  });
});

describe('historyLimit', () => {
  let weft: WeftClient;
  useWeft({}, (_env, w) => {
    weft = w;
  });

  it('is refused unless it is a whole number >= 1', async () => {
    await expect(weft.start(doc('bad-limit', chain(1)), { historyLimit: 0 })).rejects.toThrow(
      'historyLimit must be a whole number of events >= 1, got 0.',
    );
  });

  it('a run whose state would not fit one payload goes on in its own history, and its result leaves the largest outputs out', async () => {
    // Nodes holding 150 kB outputs: when the history reaches 80 events (about six a node in a chain), some 13
    // of them (2 MB) would have to be carried, over the 1.5 MB bound.
    const nodes = chain(30).map((n) => ({ ...n, activity: 'weft.echo', input: '${ input.blob }' }));
    const run = await weft.start(doc('too-large', nodes), {
      workflowId: `too-large-${Date.now()}`,
      historyLimit: 80,
      input: { blob: 'x'.repeat(150_000) },
    });
    const result = await run.result();
    expect(result.status).toBe('SUCCEEDED');
    expect(result.runId).toBe(run.runId);
    // 4.5 MB of outputs would not fit the result either: the largest are left out, and marked so.
    const omitted = Object.values(result.nodes).filter((n) => n.outputOmitted !== undefined);
    expect(omitted.length).toBeGreaterThanOrEqual(10);
    expect(omitted.every((n) => n.output === null && n.outputOmitted === 150_002)).toBe(true);
    expect(result.nodes.step29.status).toBe('SUCCEEDED');
    const metadata = (await run.handle.query('__temporal_workflow_metadata')) as { currentDetails: string };
    expect(metadata.currentDetails).toContain('Too large to hand over to a new run');
  });

  it('a short DAG never hands over by default', async () => {
    const run = await weft.start(doc('short', chain(5)), { workflowId: `short-${Date.now()}` });
    const result = await run.result();
    expect(result.runId).toBe(run.runId);
  });
});
