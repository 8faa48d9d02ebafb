/** The CLI contract (docs/cli.md) against the real server, through the exported main(). */
import { weft } from '../cli-harness';
import { createTestEnv, testAddress, type TestEnv } from './env';

let env: TestEnv;
let cliEnv: Record<string, string>;
beforeAll(async () => {
  env = await createTestEnv();
  cliEnv = { TEMPORAL_ADDRESS: testAddress(), WEFT_TASK_QUEUE: env.taskQueue, WEFT_UI_URL: 'http://ui.test' };
});
afterAll(() => env?.close());

it('weft run --json prints the result object and exits 0', async () => {
  const { code, stdout, stderr } = await weft(
    ['run', 'examples/etl-diamond.json', '--json', '--id', `cli-json-${Date.now()}`],
    cliEnv,
  );
  expect(code).toBe(0);
  const result = JSON.parse(stdout);
  expect(result).toMatchObject({
    status: 'SUCCEEDED',
    output: { loaded: 1176 },
    nodes: { load: { status: 'SUCCEEDED', attempts: 1 } },
  });
  expect(stderr).toMatch(/Web UI: http:\/\/ui\.test\/namespaces\/default\/workflows\/cli-json-/);
});

it('weft run --json still prints the result of a failed run, and exits 1', async () => {
  const { code, stdout } = await weft(
    ['run', 'examples/order-saga.json', '--input', '{"failShipping": true}', '--json'],
    cliEnv,
  );
  expect(code).toBe(1);
  expect(JSON.parse(stdout)).toMatchObject({
    status: 'FAILED',
    compensation: { compensated: ['charge', 'reserve'], failed: [] },
  });
});

it('weft run without --wait prints the workflow id; weft status shows the node table', async () => {
  const id = `cli-status-${Date.now()}`;
  const started = await weft(['run', 'examples/fan-out-fan-in.json', '--id', id], cliEnv);
  expect(started).toMatchObject({ code: 0, stdout: id });
  const running = await weft(['status', id, '--json'], cliEnv);
  expect(running.code).toBe(0);
  expect(Object.keys(JSON.parse(running.stdout).nodes)).toContain('report');
  await weft(['run', 'examples/etl-diamond.json', '--json'], cliEnv); // give the first run time to finish
  let status = await weft(['status', id], cliEnv);
  for (let i = 0; i < 20 && !status.stdout.includes('SUCCEEDED\n'); i++) {
    await new Promise((r) => setTimeout(r, 250));
    status = await weft(['status', id], cliEnv);
  }
  expect(status.stdout).toMatch(new RegExp(`^fan-out-fan-in run ${id}: SUCCEEDED`));
  expect(status.stdout).toMatch(/publish_us\s+SKIPPED\s+"when" is false/);
});

it('weft run --wait prints node progress and the summary', async () => {
  const { code, stdout, stderr } = await weft(['run', 'examples/etl-diamond.json', '--wait'], cliEnv);
  expect(code).toBe(0);
  expect(stdout).toMatch(/^NODE\s+STATUS\s+ATTEMPTS/);
  expect(stdout).toMatch(/etl-diamond run .*: SUCCEEDED/);
  expect(stderr).toMatch(/extract: (RUNNING|SUCCEEDED)/);
});

it('exits 2 with a sentence for an unknown run and for an invalid document', async () => {
  const unknown = await weft(['status', 'no-such-run'], cliEnv);
  expect(unknown).toMatchObject({
    code: 2,
    stderr: 'weft: No run with workflow id "no-such-run" in namespace "default".',
  });
  const invalid = await weft(['run', 'test/fixtures/four-problems.json'], cliEnv);
  expect(invalid.code).toBe(2);
  expect(invalid.stderr).toContain('nodes[3].dependsOn[0]: unknown node "ghost"');
});

it('weft run --history-limit hands a run over to new runs of the same id; a bad limit exits 2', async () => {
  const id = `cli-limit-${Date.now()}`;
  const { code, stdout } = await weft(
    ['run', 'examples/fan-out-fan-in.json', '--id', id, '--history-limit', '20', '--json'],
    cliEnv,
  );
  expect(code).toBe(0);
  const result = JSON.parse(stdout);
  expect(result.status).toBe('SUCCEEDED');
  const runs = [];
  for await (const wf of env.client.workflow.list({ query: `WorkflowId = '${id}'` })) runs.push(wf.status.name);
  expect(runs.length).toBeGreaterThanOrEqual(2);
  expect(runs).toContain('CONTINUED_AS_NEW');

  const bad = await weft(['run', 'examples/fan-out-fan-in.json', '--history-limit', '1e3'], cliEnv);
  expect(bad).toMatchObject({
    code: 2,
    stderr: 'weft: --history-limit must be a whole number of events >= 1, got "1e3".',
  });
});

it('refuses to start a second run with the id of a running one', async () => {
  const id = `cli-dup-${Date.now()}`;
  await weft(['run', 'examples/fan-out-fan-in.json', '--id', id], cliEnv);
  const again = await weft(['run', 'examples/fan-out-fan-in.json', '--id', id], cliEnv);
  expect(again.code).toBe(2);
  expect(again.stderr).toMatch(/already running/);
});
