/**
 * The web console in a real Chromium, served by a real `weft serve` (the API in this process, over a socket)
 * on the real Temporal server: a person's clicks, checked by what the page shows. Nodes are found by
 * `data-node-id` and read by `data-status`; buttons by `data-action`.
 *
 * With WEFT_SCREENSHOTS=<dir> it also saves the pictures docs/console.md shows.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import type { WeftClient } from '../../src/client/weft-client';
import { startApi, type RunningApi } from '../../src/server/api/serve';
import { launchBrowser } from './browser';
import { doc, weftFor } from './dag-helpers';
import { createTestEnv, type TestEnv } from './env';

let env: TestEnv;
let weft: WeftClient;
let api: RunningApi;
let browser: Browser;
let page: Page;
let counter = 0;
const shots = process.env.WEFT_SCREENSHOTS;

beforeAll(async () => {
  env = await createTestEnv();
  weft = await weftFor(env);
  api = await startApi(weft, { port: 0, watchIntervalMs: 150, log: false });
  // As `weft serve` does: the runs it starts link to their console page, and the page to the Web UI.
  weft.config.consoleUrl = api.url;
  weft.config.uiUrl = 'http://127.0.0.1:8233';
  browser = await launchBrowser();
}, 60_000);
beforeEach(async () => {
  page = await browser.newPage({ viewport: { width: 1280, height: 820 } });
  page.on('pageerror', (err) => {
    throw err;
  });
});
afterEach(async () => page?.close());
afterAll(async () => {
  await browser?.close();
  await api?.close();
  await weft?.close();
  await env?.close();
});

const id = (name: string) => `console-${name}-${Date.now()}-${++counter}`;
const node = (nodeId: string) => page.locator(`[data-node-id="${nodeId}"]`);
const statusOf = (nodeId: string) => node(nodeId).getAttribute('data-status');
const waitForStatus = (nodeId: string, status: string, timeout = 20_000) =>
  page.waitForSelector(`[data-node-id="${nodeId}"][data-status="${status}"]`, { timeout });
const openNode = (nodeId: string) => node(nodeId).locator('> .hit').click();
/** Browser code, as text: the test's TypeScript has no DOM types. */
const RECORD_STATUSES = `(() => {
  const seen = (window.seen = {});
  const record = (el) => {
    const list = (seen[el.getAttribute('data-node-id')] ??= []);
    const status = el.getAttribute('data-status');
    if (list[list.length - 1] !== status) list.push(status);
  };
  document.querySelectorAll('[data-node-id]').forEach(record);
  new MutationObserver((changes) => changes.forEach((c) => record(c.target))).observe(document.body, {
    subtree: true, attributes: true, attributeFilter: ['data-status'],
  });
})()`;
const screenshot = async (name: string) => {
  if (shots) await page.screenshot({ path: join(shots, `console-${name}.png`) });
};

it("draws the diamond example's four nodes and follows them from RUNNING to SUCCEEDED without a reload", async () => {
  // The example's shape and ids, with nodes slow enough to be seen running.
  const diamond = JSON.parse(readFileSync(join(__dirname, '../../examples/etl-diamond.json'), 'utf8')) as {
    nodes: Array<Record<string, unknown>>;
  };
  const slowDiamond = {
    ...diamond,
    output: undefined,
    nodes: diamond.nodes.map((n) => ({ id: n.id, dependsOn: n.dependsOn, activity: 'weft.sleep', input: { ms: 900 } })),
  };
  const run = await weft.start(slowDiamond, { workflowId: id('diamond'), startDelay: '1s' });
  await page.goto(`${api.url}/runs/${run.workflowId}`);
  await page.waitForSelector('[data-node-id="load"]');
  // Every status each node shows, as the page changes it (kept on window: a reload would lose it).
  await page.evaluate(RECORD_STATUSES);
  expect(await page.locator('[data-node-id]').count()).toBe(4);
  await waitForStatus('clean', 'RUNNING');
  await screenshot('running');
  await waitForStatus('load', 'SUCCEEDED');
  const seen = (await page.evaluate('window.seen')) as Record<string, string[]>;
  for (const nodeId of ['extract', 'clean', 'aggregate', 'load']) {
    expect([nodeId, seen[nodeId]]).toEqual([nodeId, ['PENDING', 'RUNNING', 'SUCCEEDED']]);
  }
  await page.waitForSelector('[data-run-status="SUCCEEDED"]');
});

it('shows a waiting approval as WAITING, and Approve on the page releases it with the data typed', async () => {
  const document = doc('console-approval', [
    { id: 'prepare', activity: 'weft.echo', input: { batch: 7 } },
    { id: 'signoff', type: 'approval', dependsOn: ['prepare'] },
    { id: 'publish', activity: 'weft.echo', dependsOn: ['signoff'], input: '${ nodes.signoff.output }' },
  ]);
  const run = await weft.start(document, { workflowId: id('approval') });
  await page.goto(`${api.url}/runs/${run.workflowId}`);
  await waitForStatus('signoff', 'WAITING');
  // Links both ways: the page to the run in the Temporal Web UI, the run's live details there to the page.
  const { runId } = await run.handle.describe();
  expect(await page.getAttribute('[data-link="temporal-ui"]', 'href')).toBe(
    `http://127.0.0.1:8233/namespaces/default/workflows/${run.workflowId}/${runId}`,
  );
  const metadata = await run.handle.query<{ currentDetails?: string }>('__temporal_workflow_metadata');
  expect(metadata.currentDetails).toContain(`[Open in Weft's console](${api.url}/runs/${run.workflowId})`);
  // By keyboard, as by mouse: the node is a button.
  await node('signoff').locator('> .hit').focus();
  await page.keyboard.press('Enter');
  await page.fill('[data-panel] textarea[name="data"]', '{"approvedBy": "ana"}');
  await screenshot('waiting');
  await page.click('[data-panel] [data-action="approve"]');
  await waitForStatus('publish', 'SUCCEEDED');
  expect(await statusOf('signoff')).toBe('SUCCEEDED');
  expect((await run.result()).nodes.publish!.output).toEqual({ approvedBy: 'ana' });
});

it('skips a failed node that waits for an operator, with the output typed on the page', async () => {
  const document = doc('console-skip', [
    {
      id: 'fetch',
      activity: 'weft.fail',
      input: { message: 'the upstream API answered 503' },
      retry: { maxAttempts: 1 },
      onFailure: 'wait',
    },
    { id: 'report', activity: 'weft.echo', dependsOn: ['fetch'], input: '${ nodes.fetch.output }' },
  ]);
  const run = await weft.start(document, { workflowId: id('skip') });
  await page.goto(`${api.url}/runs/${run.workflowId}`);
  await waitForStatus('fetch', 'WAITING');
  await openNode('fetch');
  await expect(page.locator('[data-panel] [data-field="error"]').textContent()).resolves.toContain(
    'the upstream API answered 503',
  );
  await page.fill('[data-panel] textarea[name="output"]', '{"rows": []}');
  await page.click('[data-panel] [data-action="skip"]');
  await waitForStatus('report', 'SUCCEEDED');
  const result = await run.result();
  expect(result.status).toBe('SUCCEEDED');
  expect(result.nodes.report!.output).toEqual({ rows: [] });
});

it('reruns a failed run from a node, from the page, keeping what succeeded upstream', async () => {
  const document = doc('console-rerun', [
    { id: 'extract', activity: 'weft.echo', input: { rows: 3 } },
    {
      id: 'stage',
      activity: 'weft.echo',
      dependsOn: ['extract'],
      input: { table: 'orders_tmp' },
      compensate: { activity: 'weft.echo', input: { drop: 'orders_tmp' } },
    },
    {
      id: 'load',
      activity: 'weft.fail',
      dependsOn: ['stage'],
      input: { failTimes: '${ input.failTimes }', message: 'the warehouse refused the load' },
      retry: { maxAttempts: 1 },
    },
  ]);
  const run = await weft.start(document, { workflowId: id('rerun'), input: { failTimes: 5 } });
  await page.goto(`${api.url}/runs/${run.workflowId}`);
  await page.waitForSelector('[data-run-status="FAILED"]', { timeout: 20_000 });
  await waitForStatus('stage', 'COMPENSATED');
  expect(await page.textContent('[data-field="compensation"]')).toContain('1 undone (stage)');
  await openNode('load');
  await screenshot('failed');
  await page.fill('[data-panel] textarea[name="input"]', '{"failTimes": 0}');
  await page.click('[data-panel] [data-action="rerun"]');
  await page.waitForURL(`**/runs/${run.workflowId}-rerun-1`);
  await waitForStatus('load', 'SUCCEEDED');
  await page.waitForSelector('[data-run-status="SUCCEEDED"]');
  const rerun = await weft.getRun(`${run.workflowId}-rerun-1`).result();
  expect(rerun.nodes.extract!.reusedFrom).toBe(run.workflowId);
  expect(rerun.nodes.stage!.reusedFrom).toBeUndefined(); // it was compensated: it runs again
  expect(rerun.rerunOf).toBe(run.workflowId);
});

it('draws a 1,000-node DAG, every node a box', async () => {
  const nodes = Array.from({ length: 1000 }, (_, i) => ({
    id: `n${i}`,
    type: 'sleep',
    duration: '1h',
    ...(i >= 10 ? { dependsOn: [`n${i - 10}`] } : {}),
  }));
  const run = await weft.start(doc('console-large', nodes), { workflowId: id('large') });
  try {
    await page.goto(`${api.url}/runs/${run.workflowId}`);
    await page.waitForSelector('[data-node-id="n999"]', { timeout: 30_000 }); // its time: npm run bench:console
    expect(await page.locator('svg [data-node-id]').count()).toBe(1000);
    await waitForStatus('n0', 'RUNNING');
  } finally {
    await run.cancel();
  }
});

it('shows a 100,000-item map as one node with its counts', async () => {
  const document = doc('console-map', [
    {
      id: 'thumbnails',
      type: 'map',
      items: '${ [0..99999] }',
      maxConcurrency: 50,
      node: { activity: 'weft.sleep', input: { ms: 2000 } },
    },
  ]);
  const run = await weft.start(document, { workflowId: id('map') });
  try {
    await page.goto(`${api.url}/runs/${run.workflowId}`);
    const map = await page.waitForSelector('[data-node-id="thumbnails"][data-items="100000"]', { timeout: 30_000 });
    expect(await page.locator('svg [data-node-id]').count()).toBe(1);
    expect(await map.getAttribute('data-status')).toBe('RUNNING');
    expect(await map.textContent()).toMatch(/\/100,000 done/);
    await screenshot('map');
  } finally {
    await run.cancel();
  }
});

it('checks a pasted document on the document page: its issues at their paths, then its DAG, then a run', async () => {
  await page.goto(`${api.url}/documents`);
  const broken = doc('console-doc', [
    { id: 'a', activity: 'weft.echo' },
    { id: 'b', activity: 'weft.echo', dependsOn: ['a', 'nope'] },
  ]);
  await page.fill('#document-text', JSON.stringify(broken));
  await page.click('[data-action="validate"]');
  await page.waitForSelector('[data-issue-path="nodes[1].dependsOn[1]"]');
  expect(await page.textContent('[data-issue-path="nodes[1].dependsOn[1]"]')).toContain('unknown node "nope"');
  expect(await page.isDisabled('[data-action="start"]')).toBe(true);

  const fixed = doc('console-doc', [
    { id: 'a', activity: 'weft.echo' },
    { id: 'b', activity: 'weft.echo', dependsOn: ['a'] },
    { id: 'c', type: 'dag', dependsOn: ['a'], dag: { nodes: [{ id: 'inner', activity: 'weft.echo' }] } },
  ]);
  await page.fill('#document-text', JSON.stringify(fixed));
  await page.click('[data-action="validate"]');
  await page.waitForSelector('svg [data-node-id="c"]');
  expect(await page.locator('svg [data-node-id]').count()).toBe(3);
  await node('c').locator('[data-action="expand"]').click();
  await page.waitForSelector('svg [data-node-id="c.inner"]');
  await page.click('[data-action="start"]');
  await page.waitForURL('**/runs/console-doc-*');
  await page.waitForSelector('[data-run-status="SUCCEEDED"]', { timeout: 20_000 });
});

it('lists runs newest first on the runs page, filtered by DAG and status, and opens one', async () => {
  const dag = `console-list-${Date.now()}`;
  const ok = await weft.start(doc(dag, [{ id: 'a', activity: 'weft.echo' }]), { workflowId: id('list-ok') });
  await ok.result();
  const bad = await weft.start(doc(dag, [{ id: 'a', activity: 'weft.fail', retry: { maxAttempts: 1 } }]), {
    workflowId: id('list-bad'),
  });
  await bad.result();
  await page.goto(`${api.url}/?dag=${dag}`);
  await page.waitForSelector(`[data-run-id="${ok.workflowId}"]`);
  const listed = await page
    .locator('[data-run-id]')
    .evaluateAll((rows) => rows.map((r) => r.getAttribute('data-run-id')));
  expect(listed).toEqual([bad.workflowId, ok.workflowId]);
  await page.selectOption('select[name="status"]', 'FAILED');
  await page.click('form.filters button[type="submit"]');
  await page.waitForURL((url) => url.searchParams.get('status') === 'FAILED' && url.searchParams.get('dag') === dag);
  await page.waitForFunction(`document.querySelectorAll('[data-run-id]').length === 1`);
  await page.click(`[data-run-id="${bad.workflowId}"] a`);
  await page.waitForSelector('[data-run-status="FAILED"]');
  expect(await statusOf('a')).toBe('FAILED');
});

it('shows triggers on the schedules page with their next times, and pauses and triggers one', async () => {
  const trigger = `console-cron-${Date.now()}`;
  await weft.schedules.create(
    doc('console-cron', [{ id: 'a', activity: 'weft.echo' }]),
    { cron: '0 3 * * *' },
    {
      id: trigger,
    },
  );
  try {
    await page.goto(`${api.url}/schedules`);
    const row = page.locator(`[data-schedule-id="${trigger}"]`);
    await row.waitFor();
    expect(await row.getAttribute('data-paused')).toBe('false');
    expect(await row.locator('time').count()).toBeGreaterThan(0);
    await row.locator('[data-action="pause"]').click();
    await page.waitForSelector(`[data-schedule-id="${trigger}"][data-paused="true"]`);
    await row.locator('[data-action="trigger"]').click();
    await page.waitForFunction(
      `document.querySelector('[data-schedule-id="${trigger}"] a[href^="/runs/"]') !== null`,
      null,
      { timeout: 20_000 },
    );
  } finally {
    await weft.schedules.delete(trigger);
  }
});

it('pauses, resumes and cancels a run from its page', async () => {
  const document = doc('console-steer', [
    { id: 'first', type: 'sleep', duration: '1s' },
    { id: 'second', type: 'sleep', duration: '1h', dependsOn: ['first'] },
  ]);
  const run = await weft.start(document, { workflowId: id('steer') });
  await page.goto(`${api.url}/runs/${run.workflowId}`);
  await page.waitForSelector('[data-run-status="RUNNING"]');
  await page.click('[data-action="pause"]');
  await page.waitForSelector('[data-run-status="PAUSED"]');
  await page.click('[data-action="resume"]');
  await waitForStatus('second', 'RUNNING');
  page.once('dialog', (dialog) => void dialog.accept()); // "Cancel the run ...?"
  await page.click('[data-action="cancel"]');
  await page.waitForSelector('[data-run-status="CANCELLED"]', { timeout: 20_000 });
  expect(await statusOf('second')).toBe('CANCELLED');
});
