/**
 * `weft worker --metrics-port`: the SDK's metrics and Weft's own, scraped from the real endpoint of a real
 * worker process (its own Temporal runtime: a process installs one) by a real Prometheus server (Debian's
 * `prometheus`, which `npm test` installs), whose query API must give the counts the run produced.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { WeftClient } from '../../src/client/weft-client';
import { DAG_WORKFLOW_TYPE } from '../../src/protocol/names';
import { doc, weftFor } from './dag-helpers';
import { createTestEnv, type TestEnv } from './env';
import { freePort, spawnWorker, stopWorker } from './worker-process';

let env: TestEnv;
let weft: WeftClient;
let worker: ChildProcess;
let port: number;
let prometheus: ChildProcess | undefined;
let workerLog = '';
let prometheusUrl: string;
let prometheusDir: string;
const taskQueue = `metrics-${Date.now()}`;

/** A Prometheus server scraping the worker every 500 ms, with its data in a temporary folder. */
async function startPrometheus(target: string): Promise<void> {
  prometheusDir = mkdtempSync(join(tmpdir(), 'weft-prometheus-'));
  const config = join(prometheusDir, 'prometheus.yml');
  writeFileSync(
    config,
    `global:\n  scrape_interval: 500ms\n  scrape_timeout: 400ms\nscrape_configs:\n  - job_name: weft\n    static_configs:\n      - targets: ['${target}']\n`,
  );
  const listen = `127.0.0.1:${await freePort()}`;
  prometheusUrl = `http://${listen}`;
  const server = spawn(
    'prometheus',
    [`--config.file=${config}`, `--storage.tsdb.path=${join(prometheusDir, 'data')}`, `--web.listen-address=${listen}`],
    { stdio: 'ignore' },
  );
  prometheus = server;
  await new Promise<void>((resolve, reject) => {
    server.once('error', (err) => reject(new Error(`prometheus did not start (${err.message}); npm test installs it`)));
    server.once('spawn', () => resolve());
  });
  for (let i = 0; i < 100; i++) {
    const ready = await fetch(`${prometheusUrl}/-/ready`).then(
      (r) => r.ok,
      () => false,
    );
    if (ready) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('prometheus did not become ready in 10 s');
}

/** The value of a PromQL instant query with exactly one series, once Prometheus has scraped it (up to 15 s). */
async function queryOne(promql: string, ready: (value: number) => boolean = () => true): Promise<number> {
  let last = 'no answer';
  for (let i = 0; i < 75; i++) {
    const answer = (await (
      await fetch(`${prometheusUrl}/api/v1/query?query=${encodeURIComponent(promql)}`)
    ).json()) as {
      data: { result: Array<{ value: [number, string] }> };
    };
    const result = answer.data.result;
    last = JSON.stringify(result);
    if (result.length === 1 && ready(Number(result[0].value[1]))) return Number(result[0].value[1]);
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${promql}: ${last}`);
}

beforeAll(async () => {
  env = await createTestEnv(); // for the client; the runs go to the spawned worker's queue
  weft = await weftFor(env);
  port = await freePort();
  worker = await spawnWorker(['--task-queue', taskQueue, '--metrics-port', String(port)]);
  worker.stderr!.on('data', (chunk: Buffer) => (workerLog += chunk.toString()));
  await startPrometheus(`127.0.0.1:${port}`);
}, 60_000);
afterAll(async () => {
  prometheus?.kill('SIGTERM');
  if (prometheusDir) rmSync(prometheusDir, { recursive: true, force: true });
  await stopWorker(worker);
  await weft?.close();
  await env?.close();
});

it("exports Temporal's SDK metrics and Weft's runs, nodes, durations, retries, waits and schedule delay", async () => {
  const document = doc('metrics-dag', [
    {
      id: 'flaky',
      activity: 'weft.fail',
      input: { failTimes: 1 },
      retry: { maxAttempts: 3, initialInterval: '100ms' },
    },
    { id: 'gate', type: 'approval', dependsOn: ['flaky'], timeout: '1s', onTimeout: 'approve' },
  ]);
  // As a trigger starts it: due 1.5 s before it starts.
  const handle = await weft.temporal.workflow.start(DAG_WORKFLOW_TYPE, {
    args: [{ document, trigger: { id: 'nightly', scheduledAt: new Date(Date.now() - 1500).toISOString() } }],
    taskQueue,
    workflowId: `metrics-${Date.now()}`,
  });
  await handle.result();

  // What Prometheus made of the exposition: the run's counts, by the DAG's label.
  const dag = 'dag="metrics-dag"';
  expect(await queryOne(`weft_runs_completed_total{${dag},status="SUCCEEDED"}`, (v) => v >= 1)).toBe(1);
  expect(await queryOne(`weft_nodes_completed_total{${dag},type="activity",status="SUCCEEDED"}`)).toBe(1);
  expect(await queryOne(`weft_node_retries_total{${dag},type="activity"}`)).toBe(1);
  expect(await queryOne(`weft_node_attempts_total{${dag},type="activity"}`)).toBe(2);
  expect(await queryOne(`weft_node_duration_count{${dag},type="approval"}`)).toBe(1);
  expect(await queryOne(`weft_waits_started_total{${dag}} - weft_waits_ended_total{${dag}}`)).toBe(0);
  expect(await queryOne(`weft_waits_started_total{${dag}}`)).toBe(1);
  expect(await queryOne(`weft_schedule_delay_sum{${dag},trigger="nightly"}`)).toBeGreaterThanOrEqual(1500);
  // The flaky node's first failure, which its retry handled: one line in the worker's log, no stack, no task token.
  expect(workerLog).toMatch(
    /\[WARN\] Activity failed \(weft\.fail, node flaky, metrics-\d+\): WeftFail: weft\.fail failed on attempt 1/,
  );
  expect(workerLog).not.toMatch(/^\s+at /m);
  expect(workerLog).not.toContain('taskToken');
  // The SDK's own, through the same endpoint.
  expect(await queryOne('sum(temporal_workflow_completed_total)', (v) => v >= 1)).toBeGreaterThanOrEqual(1);
  expect(await queryOne('sum(temporal_activity_execution_latency_count)', (v) => v >= 2)).toBeGreaterThanOrEqual(2);

  const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  // The Grafana dashboard charts only series this endpoint has (the SDK's failure counter appears once an activity fails).
  const dashboard = JSON.parse(readFileSync(join(__dirname, '../../ops/grafana/weft-dashboard.json'), 'utf8')) as {
    panels: Array<{ targets: Array<{ expr: string }> }>;
  };
  const charted = new Set(
    dashboard.panels.flatMap((p) => p.targets.flatMap((t) => t.expr.match(/\b(weft|temporal)_[a-z_]+/g) ?? [])),
  );
  for (const name of charted) expect([name, text.includes(`\n${name}{`)]).toEqual([name, true]);
}, 60_000);
