/**
 * `weft worker --metrics-port`: the SDK's metrics and Weft's own, scraped from the real endpoint of a real
 * worker process (its own Temporal runtime: a process installs one).
 */
import type { ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
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
const taskQueue = `metrics-${Date.now()}`;

beforeAll(async () => {
  env = await createTestEnv(); // for the client; the runs go to the spawned worker's queue
  weft = await weftFor(env);
  port = await freePort();
  worker = await spawnWorker(['--task-queue', taskQueue, '--metrics-port', String(port)]);
}, 60_000);
afterAll(async () => {
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

  let text = '';
  for (let i = 0; i < 50; i++) {
    text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
    if (/weft_runs_completed_total\{[^}]*\} 1/.test(text)) break; // the exporter publishes once a second
    await new Promise((r) => setTimeout(r, 200));
  }
  const line = (name: string, ...labels: string[]) =>
    text.split('\n').find((l) => l.startsWith(`${name}{`) && labels.every((label) => l.includes(label)));
  expect(line('weft_runs_completed_total', 'dag="metrics-dag"', 'status="SUCCEEDED"')).toMatch(/ 1$/);
  expect(line('weft_nodes_completed_total', 'dag="metrics-dag"', 'type="activity"', 'status="SUCCEEDED"')).toMatch(
    / 1$/,
  );
  expect(line('weft_node_retries_total', 'dag="metrics-dag"', 'type="activity"')).toMatch(/ 1$/);
  expect(line('weft_node_attempts_total', 'dag="metrics-dag"', 'type="activity"')).toMatch(/ 2$/);
  expect(line('weft_node_duration_count', 'dag="metrics-dag"', 'type="approval"')).toMatch(/ 1$/);
  expect(line('weft_waits_started_total', 'dag="metrics-dag"')).toMatch(/ 1$/);
  expect(line('weft_waits_ended_total', 'dag="metrics-dag"')).toMatch(/ 1$/);
  const delay = line('weft_schedule_delay_sum', 'dag="metrics-dag"', 'trigger="nightly"');
  expect(Number(delay!.split(' ').pop())).toBeGreaterThanOrEqual(1500);
  // The SDK's own, through the same endpoint.
  expect(text).toMatch(/^temporal_workflow_completed_total\{/m);
  expect(text).toMatch(/^temporal_activity_execution_latency_(bucket|count)\{/m);

  // The Grafana dashboard charts only series this endpoint has (the SDK's failure counter appears once an activity fails).
  const dashboard = JSON.parse(readFileSync(join(__dirname, '../../ops/grafana/weft-dashboard.json'), 'utf8')) as {
    panels: Array<{ targets: Array<{ expr: string }> }>;
  };
  const charted = new Set(
    dashboard.panels.flatMap((p) => p.targets.flatMap((t) => t.expr.match(/\b(weft|temporal)_[a-z_]+/g) ?? [])),
  );
  for (const name of charted) expect([name, text.includes(`\n${name}{`)]).toEqual([name, true]);
}, 60_000);
