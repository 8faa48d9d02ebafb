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

it('weft run of the YAML example runs the same DAG to the same result as the JSON one', async () => {
  const { code, stdout } = await weft(
    ['run', 'examples/etl-diamond.yaml', '--json', '--id', `cli-yaml-${Date.now()}`],
    cliEnv,
  );
  expect(code).toBe(0);
  expect(JSON.parse(stdout)).toMatchObject({
    status: 'SUCCEEDED',
    output: { loaded: 1176, report: 'orders on 2026-11-20: 1200' },
    nodes: { extract: { status: 'SUCCEEDED' }, load: { status: 'SUCCEEDED' } },
  });
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

it("weft run and weft status link to the run in the Web UI and, when it knows it, in Weft's console", async () => {
  const id = `cli-links-${Date.now()}`;
  const env = { ...cliEnv, WEFT_CONSOLE_URL: 'http://console.test:8088/' };
  const started = await weft(['run', 'examples/etl-diamond.json', '--id', id], env);
  expect(started.stderr).toContain(`Web UI: http://ui.test/namespaces/default/workflows/${id}/`);
  expect(started.stderr).toContain(`Console: http://console.test:8088/runs/${id}`);
  const status = await weft(['status', id], env);
  expect(status.stdout).toContain(`Console: http://console.test:8088/runs/${id}`);
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

describe('one-off and delayed runs', () => {
  it('weft run --delay 5s starts its first node no earlier than 5 s later; weft status says when', async () => {
    const id = `cli-delay-${Date.now()}`;
    const started = Date.now();
    const run = await weft(['run', 'examples/etl-diamond.json', '--delay', '5s', '--id', id], cliEnv);
    expect(run).toMatchObject({ code: 0, stdout: id });
    expect(run.stderr).toMatch(/It starts at \d{4}-\d\d-\d\dT.*Z; until then it is listed as running/);
    const status = await weft(['status', id], cliEnv);
    expect(status.stdout).toMatch(new RegExp(`^etl-diamond run ${id}: RUNNING \\(starts at .*Z\\)`));
    expect(status.stdout).toMatch(/extract\s+PENDING/);
    const result = await weft(['status', id, '--json'], cliEnv);
    expect(JSON.parse(result.stdout)).toMatchObject({ status: 'RUNNING', startsAt: expect.any(String) });

    const { Connection, Client } = await import('@temporalio/client');
    const connection = await Connection.connect({ address: testAddress() });
    try {
      const done = (await new Client({ connection }).workflow.getHandle(id).result()) as {
        nodes: Record<string, { startedAt: string }>;
      };
      expect(Date.parse(done.nodes.extract!.startedAt) - started).toBeGreaterThanOrEqual(5000);
    } finally {
      await connection.close();
    }
  }, 60_000);

  it('a run due later is cancelled like any run; a start time in the past or a bad one exits 2', async () => {
    const id = `cli-at-${Date.now()}`;
    const at = new Date(Date.now() + 3_600_000).toISOString();
    expect((await weft(['run', 'examples/etl-diamond.json', '--at', at, '--id', id], cliEnv)).code).toBe(0);
    expect((await weft(['cancel', id, '--wait'], cliEnv)).code).toBe(0);
    const status = await weft(['status', id, '--json'], cliEnv);
    expect(JSON.parse(status.stdout)).toMatchObject({ status: 'CANCELLED' });

    const past = await weft(['run', 'examples/etl-diamond.json', '--at', '2020-01-01T00:00:00Z'], cliEnv);
    expect(past.code).toBe(2);
    expect(past.stderr).toMatch(/The start time 2020-01-01T00:00:00.000Z has passed; give a time in the future\./);
    const bad = await weft(['run', 'examples/etl-diamond.json', '--delay', 'soonish'], cliEnv);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/The start delay: "soonish" is not a duration/);
  }, 60_000);
});

describe('weft list', () => {
  it('lists recent runs of a DAG newest first, by status and waiting, leaving out children and trigger drivers', async () => {
    const { mkdtempSync, writeFileSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const name = `list-${Date.now()}`;
    const file = join(mkdtempSync(join(tmpdir(), 'weft-list-')), 'doc.json');
    writeFileSync(
      file,
      JSON.stringify({
        dsl: 'weft/v1',
        name,
        nodes: [
          { id: 'gate', type: 'approval', when: 'input.wait = true' },
          { id: 'sub', type: 'dag', dag: { nodes: [{ id: 'x', activity: 'weft.echo' }] } },
          {
            id: 'boom',
            activity: 'weft.fail',
            when: 'input.fail = true',
            input: { failTimes: 9 },
            retry: { maxAttempts: 1 },
          },
        ],
      }),
    );
    const failed = `${name}-failed`;
    const waiting = `${name}-waiting`;
    expect((await weft(['run', file, '--id', failed, '--input', '{"fail": true}', '--json'], cliEnv)).code).toBe(1);
    expect((await weft(['run', file, '--id', waiting, '--input', '{"wait": true}'], cliEnv)).code).toBe(0);
    const trigger = `${name}-trigger`;
    expect(
      (await weft(['schedule', 'create', file, '--fixed-delay', '1h', '--id', trigger, '--paused'], cliEnv)).code,
    ).toBe(0);

    const list = async (...args: string[]) => {
      const { code, stdout } = await weft(['list', '--dag', name, '--json', ...args], cliEnv);
      expect(code).toBe(0);
      return JSON.parse(stdout) as Array<{ workflowId: string; status: string; dag: string }>;
    };
    let all: Awaited<ReturnType<typeof list>> = [];
    for (let i = 0; i < 50; i++) {
      all = await list();
      if (all.length === 2 && all[0]!.status === 'WAITING') break; // visibility catches up
      await new Promise((r) => setTimeout(r, 200));
    }
    expect(all.map((r) => [r.workflowId, r.dag, r.status])).toEqual([
      [waiting, name, 'WAITING'],
      [failed, name, 'FAILED'],
    ]);
    expect((await list('--status', 'FAILED')).map((r) => r.workflowId)).toEqual([failed]);
    expect((await list('--waiting')).map((r) => r.workflowId)).toEqual([waiting]);
    expect((await list('--limit', '1')).map((r) => r.workflowId)).toEqual([waiting]);
    const table = await weft(['list', '--dag', name], cliEnv);
    expect(table.stdout).toMatch(
      new RegExp(`^WORKFLOW ID\\s+DAG\\s+STATUS\\s+STARTED\\s+DURATION\\n${waiting}\\s+${name}\\s+WAITING`),
    );
    const bad = await weft(['list', '--status', 'DONE'], cliEnv);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--status must be one of RUNNING, PAUSED, WAITING, SUCCEEDED, FAILED, CANCELLED/);

    await weft(['cancel', waiting], cliEnv);
    await weft(['schedule', 'delete', trigger], cliEnv);
  }, 60_000);
});

it('weft serve refuses to bind beyond loopback without WEFT_API_TOKEN (exit 2, one sentence)', async () => {
  const { code, stderr } = await weft(['serve', '--host', '0.0.0.0', '--port', '0'], {
    ...cliEnv,
    WEFT_API_TOKEN: undefined,
  });
  expect(code).toBe(2);
  expect(stderr).toMatch(/^weft: Refusing to serve the API on 0\.0\.0\.0 without a token/);
});

it('weft schedule create --webhook makes an event trigger; a short secret exits 2', async () => {
  const id = `cli-hook-${Date.now()}`;
  const short = await weft(
    ['schedule', 'create', 'examples/etl-diamond.json', '--webhook', '--secret', 'short', '--id', id],
    cliEnv,
  );
  expect(short.code).toBe(2);
  expect(short.stderr).toMatch(/--secret must be at least 16 characters/);
  const made = await weft(
    ['schedule', 'create', 'examples/etl-diamond.json', '--webhook', '--secret', 'sixteen-chars-or-more', '--id', id],
    cliEnv,
  );
  expect(made.code).toBe(0);
  expect(made.stdout).toMatch(new RegExp(`^${id}: webhook trigger of DAG "etl-diamond", webhook \\(signed\\)`));
  expect(made.stdout).toContain(`next:     on each POST /hooks/${id} to weft serve`);
  const listed = await weft(['schedule', 'list', '--json'], cliEnv);
  expect((JSON.parse(listed.stdout) as Array<{ id: string }>).map((t) => t.id)).toContain(id);
  expect((await weft(['schedule', 'delete', id], cliEnv)).code).toBe(0);
});

describe('weft graph <workflowId>', () => {
  it("draws a finished run with each node's status: a map's counts, a failure, what it skipped, the exit handler", async () => {
    const { mkdtempSync, writeFileSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const file = join(mkdtempSync(join(tmpdir(), 'weft-graph-')), 'doc.json');
    writeFileSync(
      file,
      JSON.stringify({
        dsl: 'weft/v1',
        name: 'graph-run',
        nodes: [
          { id: 'list', activity: 'weft.echo', input: { items: [1, 2, 3] } },
          {
            id: 'each-item',
            type: 'map',
            dependsOn: ['list'],
            items: '${ nodes.list.output.items }',
            node: { activity: 'weft.echo', input: '${ item }' },
          },
          {
            id: 'boom',
            dependsOn: ['each-item'],
            activity: 'weft.fail',
            input: { failTimes: 9 },
            retry: { maxAttempts: 1 },
          },
          { id: 'after', dependsOn: ['boom'], activity: 'weft.echo' },
        ],
        onExit: [{ id: 'notify', activity: 'weft.echo', input: '${ run.status }' }],
      }),
    );
    const id = `cli-graph-${Date.now()}`;
    expect((await weft(['run', file, '--id', id, '--json'], cliEnv)).code).toBe(1);

    const mermaid = await weft(['graph', id], cliEnv);
    expect(mermaid.code).toBe(0);
    expect(mermaid.stdout.split('\n')).toEqual(
      expect.arrayContaining([
        'flowchart TD',
        '  n0["list<br/>weft.echo<br/>SUCCEEDED"]',
        '  n1["each-item<br/>map: weft.echo<br/>SUCCEEDED<br/>3/3 done"]',
        '  n2["boom<br/>weft.fail<br/>FAILED"]',
        '  n3["after<br/>weft.echo<br/>SKIPPED"]',
        '    x0["notify<br/>weft.echo<br/>SUCCEEDED"]',
        '  class n0,n1,x0 SUCCEEDED',
        '  class n2 FAILED',
      ]),
    );

    const dot = await weft(['graph', id, '--format', 'dot'], cliEnv);
    expect(dot.code).toBe(0);
    expect(dot.stdout).toContain('  "boom" [label="boom\\nweft.fail\\nFAILED", fillcolor="#fee2e2", color="#dc2626"];');
  });

  it('exits 2 with a sentence for a workflow id no run has', async () => {
    const unknown = await weft(['graph', 'no-such-run'], cliEnv);
    expect(unknown).toMatchObject({
      code: 2,
      stdout: '',
      stderr: 'weft: No run with workflow id "no-such-run" in namespace "default".',
    });
  });
});
