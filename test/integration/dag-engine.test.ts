import { WorkflowFailedError } from '@temporalio/client';
import { type ApplicationFailure } from '@temporalio/common';
import type { WeftClient } from '../../src/client/weft-client';
import type { TestEnv } from './env';
import { doc, maxConcurrency, overlapped, runDoc, useWeft } from './dag-helpers';

// Each scenario runs twice: with the worker's workflow cache, and without it, so that every workflow
// task replays the history from the start (what happens after a worker restart).
describe.each([
  ['cached', {}],
  ['always replaying', { maxCachedWorkflows: 0 }],
] as const)('DAG engine (%s)', (_mode, workerOptions) => {
  let env: TestEnv;
  let weft: WeftClient;
  useWeft({ temporal: workerOptions }, (e, w) => {
    env = e;
    weft = w;
  });

  const fast = { initialInterval: '100ms', backoffCoefficient: 1 };

  describe('data passing and concurrency', () => {
    it('runs a diamond: D receives the outputs of B and C, which ran concurrently', async () => {
      const result = await runDoc(
        weft,
        doc('diamond', [
          { id: 'A', activity: 'weft.echo', input: { n: '${ input.n }' } },
          { id: 'B', dependsOn: ['A'], activity: 'weft.sleep', input: { ms: '${ nodes.A.output.n * 100 }' } },
          { id: 'C', dependsOn: ['A'], activity: 'weft.sleep', input: { ms: 600 } },
          {
            id: 'D',
            dependsOn: ['B', 'C'],
            activity: 'weft.echo',
            input: {
              b: '${ nodes.B.output }',
              c: '${ nodes.C.output }',
              text: 'B slept ${ nodes.B.output.sleptMs }ms',
            },
          },
        ]),
        { n: 6 },
      );
      expect(result.status).toBe('SUCCEEDED');
      expect(result.nodes.D.output).toEqual({ b: { sleptMs: 600 }, c: { sleptMs: 600 }, text: 'B slept 600ms' });
      expect(overlapped(result.nodes.B, result.nodes.C)).toBe(true);
      expect(result.nodes.A.attempts).toBe(1);
    });

    it('evaluates the document output and merges the run input over the defaults', async () => {
      const result = await runDoc(
        weft,
        doc('output', [{ id: 'only', activity: 'weft.echo', input: { a: '${ input.a }', b: '${ input.b }' } }], {
          input: { a: 1, b: 2 },
          output: { sum: '${ nodes.only.output.a + nodes.only.output.b }' },
        }),
        { b: 40 },
      );
      expect(result.output).toEqual({ sum: 41 });
    });

    it('honours maxParallelism', async () => {
      const sleeper = (id: string) => ({ id, activity: 'weft.sleep', input: { ms: 400 } });
      const result = await runDoc(weft, doc('parallelism', ['a', 'b', 'c', 'd'].map(sleeper), { maxParallelism: 2 }));
      expect(maxConcurrency(Object.values(result.nodes))).toBe(2);
    });
  });

  describe('retry and timeouts map onto Temporal', () => {
    it('succeeds on attempt 3 when failTimes is 2 and maxAttempts is 3', async () => {
      const result = await runDoc(
        weft,
        doc('retry-ok', [
          { id: 'flaky', activity: 'weft.fail', input: { failTimes: 2 }, retry: { maxAttempts: 3, ...fast } },
        ]),
      );
      expect(result.status).toBe('SUCCEEDED');
      expect(result.nodes.flaky).toMatchObject({ status: 'SUCCEEDED', attempts: 3, output: { attempt: 3 } });
    });

    it('fails the run when maxAttempts is 2', async () => {
      const result = await runDoc(
        weft,
        doc('retry-fail', [
          { id: 'flaky', activity: 'weft.fail', input: { failTimes: 2 }, retry: { maxAttempts: 2, ...fast } },
        ]),
      );
      expect(result.status).toBe('FAILED');
      expect(result.nodes.flaky).toMatchObject({
        status: 'FAILED',
        attempts: 2,
        error: { type: 'WeftFail', retryState: 'MAXIMUM_ATTEMPTS_REACHED' },
      });
      expect(result.error).toMatchObject({ nodeId: 'flaky' });
    });

    it('fails at once on an error type listed in nonRetryable', async () => {
      const result = await runDoc(
        weft,
        doc('non-retryable', [
          {
            id: 'bad',
            activity: 'weft.fail',
            input: { type: 'BadCard' },
            retry: { maxAttempts: 10, ...fast, nonRetryable: ['BadCard'] },
          },
        ]),
      );
      expect(result.nodes.bad).toMatchObject({
        status: 'FAILED',
        attempts: 1,
        error: { type: 'BadCard', retryState: 'NON_RETRYABLE_FAILURE' },
      });
    });

    it('fails a 5 s sleep with startToClose 1s as a start-to-close timeout', async () => {
      const result = await runDoc(
        weft,
        doc('timeout', [
          {
            id: 'slow',
            activity: 'weft.sleep',
            input: { ms: 5000 },
            timeout: { startToClose: '1s' },
            retry: { maxAttempts: 1 },
          },
        ]),
      );
      expect(result.status).toBe('FAILED');
      expect(result.nodes.slow.error).toMatchObject({ type: 'StartToCloseTimeout' });
    });

    it('fails early and clearly, naming the node, when no worker registers the activity', async () => {
      const result = await runDoc(weft, doc('unregistered', [{ id: 'mystery', activity: 'no.such.activity' }]));
      expect(result.status).toBe('FAILED');
      expect(result.nodes.mystery).toMatchObject({ attempts: 1, error: { type: 'NotFoundError' } });
      expect(result.nodes.mystery.error!.message).toMatch(/node "mystery".*no\.such\.activity.*not registered/);
    });
  });

  describe('the DAG timeout', () => {
    it('cancels what runs, compensates what succeeded, skips the rest and fails with DagTimeout', async () => {
      const result = await runDoc(
        weft,
        doc(
          'dag-timeout',
          [
            { id: 'reserve', activity: 'weft.echo', input: 'r-1', compensate: { activity: 'weft.echo' } },
            { id: 'slow', dependsOn: ['reserve'], activity: 'weft.sleep', input: { ms: 10_000 } },
            { id: 'gate', type: 'approval' },
            { id: 'after', dependsOn: ['slow'], activity: 'weft.echo' },
          ],
          { timeout: '1500ms' },
        ),
      );
      expect(result.status).toBe('FAILED');
      expect(result.error).toEqual({ message: 'the DAG did not end within 1500ms', type: 'DagTimeout' });
      expect(result.nodes.slow.status).toBe('CANCELLED');
      expect(result.nodes.gate.status).toBe('CANCELLED');
      expect(result.nodes.reserve.status).toBe('COMPENSATED');
      expect(result.nodes.after).toMatchObject({ status: 'SKIPPED', reason: 'the DAG timed out before it could run' });
      expect(result.compensation).toEqual({ compensated: ['reserve'], failed: [] });
    });

    it('does not matter to a DAG that ends in time', async () => {
      const result = await runDoc(
        weft,
        doc('dag-in-time', [{ id: 'a', activity: 'weft.echo', input: 1 }], { timeout: '1m' }),
      );
      expect(result.status).toBe('SUCCEEDED');
    });
  });

  describe('saga compensation', () => {
    const step = (
      id: string,
      deps: string[],
      compensate: Record<string, unknown> = { activity: 'weft.echo', input: { undo: id } },
    ) => ({
      id,
      dependsOn: deps,
      activity: 'weft.echo',
      input: { did: id },
      compensate,
    });

    it('undoes C, B, A in that order when D fails', async () => {
      const run = doc('saga', [
        step('A', []),
        step('B', ['A']),
        step('C', ['B']),
        { id: 'D', dependsOn: ['C'], activity: 'weft.fail', input: { nonRetryable: true } },
      ]);
      const workflowId = `saga-order-${Date.now()}`;
      const result = await weft.run(run, { workflowId });
      expect(result.status).toBe('FAILED');
      expect(result.compensation).toEqual({ compensated: ['C', 'B', 'A'], failed: [] });
      expect(['A', 'B', 'C'].map((id) => result.nodes[id].status)).toEqual([
        'COMPENSATED',
        'COMPENSATED',
        'COMPENSATED',
      ]);
      // The history shows the compensations themselves, in order, with their inputs.
      const history = await weft.temporal.workflow.getHandle(workflowId).fetchHistory();
      const scheduled = history
        .events!.filter((e) => e.activityTaskScheduledEventAttributes)
        .map((e) => e.userMetadata?.summary);
      expect(scheduled.length).toBe(7);
    });

    it('records a failing compensation and still runs the others', async () => {
      const run = doc('saga-comp-fail', [
        step('A', []),
        step('B', ['A'], { activity: 'weft.fail', input: { message: 'refund service down', nonRetryable: true } }),
        step('C', ['B']),
        { id: 'D', dependsOn: ['C'], activity: 'weft.fail', input: { nonRetryable: true } },
      ]);
      const result = await runDoc(weft, run);
      expect(result.compensation).toEqual({ compensated: ['C', 'A'], failed: ['B'] });
      expect(result.nodes.B.status).toBe('COMPENSATION_FAILED');
      expect(result.nodes.B.compensation?.error?.message).toMatch(/refund service down/);
    });

    it('carries the result in the failure details, so the Web UI shows why', async () => {
      const workflowId = `saga-details-${Date.now()}`;
      await weft.start(
        doc('saga-details', [{ id: 'x', activity: 'weft.fail', input: { nonRetryable: true, message: 'nope' } }]),
        { workflowId },
      );
      const err = await weft.temporal.workflow
        .getHandle(workflowId)
        .result()
        .catch((e) => e);
      expect(err).toBeInstanceOf(WorkflowFailedError);
      const cause = (err as WorkflowFailedError).cause as ApplicationFailure;
      expect(cause.type).toBe('WeftDagFailed');
      expect(cause.message).toBe('node "x" failed: nope');
      expect(cause.details?.[0]).toMatchObject({ status: 'FAILED', nodes: { x: { status: 'FAILED' } } });
    });

    it('with failFast (the default) cancels running nodes when one fails', async () => {
      const result = await runDoc(
        weft,
        doc('fail-fast', [
          { id: 'slow', activity: 'weft.sleep', input: { ms: 20000 }, timeout: { heartbeat: '5s' } },
          { id: 'boom', activity: 'weft.fail', input: { nonRetryable: true } },
        ]),
      );
      expect(result.status).toBe('FAILED');
      expect(result.nodes.slow.status).toBe('CANCELLED');
    });

    it('without failFast lets running nodes finish, then compensates them too', async () => {
      const result = await runDoc(
        weft,
        doc(
          'no-fail-fast',
          [
            { id: 'slow', activity: 'weft.sleep', input: { ms: 800 }, compensate: { activity: 'weft.echo' } },
            { id: 'boom', activity: 'weft.fail', input: { nonRetryable: true } },
            { id: 'after', dependsOn: ['slow'], activity: 'weft.echo' },
          ],
          { failFast: false },
        ),
      );
      expect(result.nodes.slow.status).toBe('COMPENSATED');
      expect(result.nodes.after.status).toBe('SKIPPED');
    });
  });

  describe('trigger rules and when', () => {
    const base = [
      { id: 'ok', activity: 'weft.echo', input: 'fine' },
      { id: 'bad', activity: 'weft.fail', input: { nonRetryable: true }, onFailure: 'continue' },
    ];
    const rules = ['allSuccess', 'allDone', 'oneSuccess', 'oneFailed', 'allFailed', 'noneFailed'];

    it('applies each rule to one succeeded and one failed upstream node', async () => {
      const result = await runDoc(
        weft,
        doc('rules-mixed', [
          ...base,
          ...rules.map((trigger) => ({ id: trigger, dependsOn: ['ok', 'bad'], trigger, activity: 'weft.echo' })),
        ]),
      );
      expect(result.status).toBe('SUCCEEDED'); // a node with onFailure "continue" does not fail the run
      expect(Object.fromEntries(rules.map((r) => [r, result.nodes[r].status]))).toEqual({
        allSuccess: 'SKIPPED',
        allDone: 'SUCCEEDED',
        oneSuccess: 'SUCCEEDED',
        oneFailed: 'SUCCEEDED',
        allFailed: 'SKIPPED',
        noneFailed: 'SKIPPED',
      });
    });

    it('runs allFailed when every upstream failed and noneFailed when none did', async () => {
      const result = await runDoc(
        weft,
        doc('rules-pure', [
          ...base,
          { id: 'cleanup', dependsOn: ['bad'], trigger: 'allFailed', activity: 'weft.echo' },
          { id: 'proceed', dependsOn: ['ok'], trigger: 'noneFailed', activity: 'weft.echo' },
          { id: 'alert', dependsOn: ['ok'], trigger: 'oneFailed', activity: 'weft.echo' },
        ]),
      );
      expect(result.nodes.cleanup.status).toBe('SUCCEEDED');
      expect(result.nodes.proceed.status).toBe('SUCCEEDED');
      expect(result.nodes.alert.status).toBe('SKIPPED');
    });

    it('skips a node whose when is false, and skips propagate per rule', async () => {
      const result = await runDoc(
        weft,
        doc('when', [
          { id: 'check', activity: 'weft.echo', input: { region: 'eu' } },
          { id: 'eu', dependsOn: ['check'], when: "nodes.check.output.region = 'eu'", activity: 'weft.echo' },
          { id: 'us', dependsOn: ['check'], when: "nodes.check.output.region = 'us'", activity: 'weft.echo' },
          { id: 'us_followup', dependsOn: ['us'], activity: 'weft.echo' },
          { id: 'us_deeper', dependsOn: ['us_followup'], activity: 'weft.echo' },
          { id: 'report', dependsOn: ['eu', 'us'], trigger: 'noneFailed', activity: 'weft.echo' },
          { id: 'strict', dependsOn: ['eu', 'us'], activity: 'weft.echo' },
        ]),
      );
      expect(result.status).toBe('SUCCEEDED');
      expect(result.nodes.eu.status).toBe('SUCCEEDED');
      expect(result.nodes.us).toMatchObject({ status: 'SKIPPED', reason: expect.stringContaining('when') });
      expect(result.nodes.us_followup.status).toBe('SKIPPED');
      expect(result.nodes.us_deeper.status).toBe('SKIPPED');
      expect(result.nodes.report.status).toBe('SUCCEEDED');
      expect(result.nodes.strict.status).toBe('SKIPPED');
    });
  });

  describe('bad input', () => {
    it('fails non-retryably, with the validation messages, when an invalid document is started directly', async () => {
      const workflowId = `invalid-${Date.now()}`;
      const handle = await weft.temporal.workflow.start('weftDag', {
        taskQueue: env.taskQueue,
        workflowId,
        args: [
          {
            document: {
              dsl: 'weft/v1',
              name: 'bad',
              nodes: [{ id: 'a', activity: 'weft.echo', dependsOn: ['ghost'] }],
            },
          },
        ],
      });
      const err = await handle.result().catch((e) => e);
      expect(err).toBeInstanceOf(WorkflowFailedError);
      expect((err.cause as ApplicationFailure).type).toBe('WeftInvalidDocument');
      expect(err.cause.message).toContain('nodes[0].dependsOn[0]: unknown node "ghost"');
    });
  });
});
