/** `weft serve`'s HTTP API over real sockets against the real Temporal server (docs/http-api.md). */
import { createHmac } from 'node:crypto';
import type { WeftClient } from '../../src/client/weft-client';
import { startApi, type RunningApi } from '../../src/server/api/serve';
import { doc, useWeft } from './dag-helpers';

let weft: WeftClient;
let api: RunningApi;
const calls = new Map<string, number>();
useWeft(
  {
    activities: {
      // Fails the first call for each key: an outage an operator waits out, then retries.
      async flakyOnce(input: { key: string }) {
        const n = (calls.get(input.key) ?? 0) + 1;
        calls.set(input.key, n);
        if (n === 1) throw new Error('the warehouse is down');
        return { call: n };
      },
    },
  },
  (_env, w) => {
    weft = w;
  },
);
beforeAll(async () => {
  api = await startApi(weft, { port: 0, watchIntervalMs: 100 });
});
afterAll(async () => {
  await api?.close();
});

let seq = 0;
const idOf = (name: string) => `${name}-${Date.now()}-${++seq}`;

async function call(method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
  const response = await fetch(`${api.url}${path}`, {
    method,
    headers: body === undefined ? headers : { 'content-type': 'application/json', ...headers },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, body: text ? (JSON.parse(text) as Record<string, any>) : undefined };
}

const gated = (name: string) =>
  doc(name, [
    { id: 'build', activity: 'weft.echo', input: { v: 1 } },
    { id: 'go_live', type: 'approval', dependsOn: ['build'] },
  ]);

it('answers health and its OpenAPI 3.1 description', async () => {
  expect(await call('GET', '/api/health')).toEqual({ status: 200, body: { ok: true } });
  const { body } = await call('GET', '/api/openapi.json');
  expect(body!.openapi).toBe('3.1.0');
  expect(Object.keys(body!.paths)).toEqual(
    expect.arrayContaining(['/api/validate', '/api/runs', '/api/runs/{workflowId}', '/api/runs/{workflowId}/rerun']),
  );
});

it('validates documents: 200 when valid, 422 with every issue at its path when not', async () => {
  expect(await call('POST', '/api/validate', gated('valid'))).toEqual({ status: 200, body: { valid: true } });
  const invalid = await call(
    'POST',
    '/api/validate',
    doc('bad', [{ id: 'a', dependsOn: ['x'], activity: 'weft.echo' }]),
  );
  expect(invalid).toEqual({
    status: 422,
    body: {
      valid: false,
      issues: [{ path: 'nodes[0].dependsOn[0]', code: 'WEFT_UNKNOWN_NODE', message: 'unknown node "x"' }],
    },
  });
});

it('starts runs; an Idempotency-Key never starts two, even after the first ended', async () => {
  const plain = await call('POST', '/api/runs', { document: doc('http-plain', [{ id: 'a', activity: 'weft.echo' }]) });
  expect(plain).toMatchObject({
    status: 201,
    body: { workflowId: expect.stringMatching(/^http-plain-/), runId: expect.any(String) },
  });

  const key = { 'idempotency-key': `order-${Date.now()}` };
  const document = doc('http-once', [{ id: 'a', activity: 'weft.echo', input: '${ input.n }' }]);
  const first = await call('POST', '/api/runs', { document, input: { n: 1 } }, key);
  const again = await call('POST', '/api/runs', { document, input: { n: 2 } }, key);
  expect(first.status).toBe(201);
  expect(again).toEqual({ status: 200, body: first.body });
  await weft.getRun(first.body!.workflowId).result();
  expect(await call('POST', '/api/runs', { document, input: { n: 3 } }, key)).toEqual({
    status: 200,
    body: first.body,
  });
  let runs = 0;
  for await (const _ of weft.temporal.workflow.list({ query: `WorkflowId = '${first.body!.workflowId}'` })) runs++;
  expect(runs).toBe(1);

  const invalid = await call('POST', '/api/runs', { document: { dsl: 'weft/v1' } });
  expect(invalid.status).toBe(422);
  expect(invalid.body!.error).toMatch(/^The document is invalid: /);
});

it('lists runs, shows a run, and streams its views as Server-Sent Events until it ends', async () => {
  const workflowId = idOf('http-events');
  const document = doc('http-events', [
    { id: 'wait', type: 'sleep', duration: '1s' },
    { id: 'done', dependsOn: ['wait'], activity: 'weft.echo', input: 'ok' },
  ]);
  expect((await call('POST', '/api/runs', { document, id: workflowId })).status).toBe(201);
  const response = await fetch(`${api.url}/api/runs/${workflowId}/events`);
  expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
  const text = await response.text(); // the stream ends when the run does
  const views = [...text.matchAll(/event: view\ndata: (.*)\n\n/g)].map((m) => JSON.parse(m[1]!) as { status: string });
  expect(views[0]!.status).toBe('RUNNING');
  expect(views[views.length - 1]!.status).toBe('SUCCEEDED');
  expect(text.trimEnd().endsWith('event: end\ndata: {}')).toBe(true);

  const view = await call('GET', `/api/runs/${workflowId}`);
  expect(view).toMatchObject({
    status: 200,
    body: { workflowId, status: 'SUCCEEDED', nodes: { done: { output: 'ok' } } },
  });
  let listed: any[] = [];
  for (let i = 0; i < 50 && listed.length === 0; i++) {
    listed = (await call('GET', '/api/runs?dag=http-events&limit=5')).body!.runs;
    if (listed.length === 0) await new Promise((r) => setTimeout(r, 200));
  }
  expect(listed[0]).toMatchObject({ workflowId, dag: 'http-events', status: 'SUCCEEDED' });
  expect(await call('GET', '/api/runs/no-such-run')).toEqual({
    status: 404,
    body: { error: 'No run with workflow id "no-such-run" in namespace "default".' },
  });
});

it('takes every action, answers a refusal with 409, and reruns', async () => {
  const workflowId = idOf('http-actions');
  await call('POST', '/api/runs', { document: gated('http-actions'), id: workflowId });
  for (let i = 0; i < 100 && (await weft.getRun(workflowId).state()).nodes.go_live!.status !== 'WAITING'; i++)
    await new Promise((r) => setTimeout(r, 100));
  expect(await call('POST', `/api/runs/${workflowId}/pause`)).toMatchObject({
    status: 200,
    body: { message: expect.stringMatching(/^paused/) },
  });
  expect(await call('POST', `/api/runs/${workflowId}/pause`)).toEqual({
    status: 409,
    body: { error: `${workflowId}: the run is already paused.` },
  });
  expect((await call('POST', `/api/runs/${workflowId}/resume`, {})).status).toBe(200);
  expect((await call('POST', `/api/runs/${workflowId}/approve`, { nodeId: 'nope' })).status).toBe(409);
  expect(await call('POST', `/api/runs/${workflowId}/frobnicate`, {})).toMatchObject({ status: 404 });
  expect(await call('POST', `/api/runs/${workflowId}/approve`, { nodeId: 'go_live', data: { by: 'api' } })).toEqual({
    status: 200,
    body: { message: 'node "go_live" approved' },
  });
  const result = await weft.getRun(workflowId).result();
  expect(result.nodes.go_live!.output).toEqual({ by: 'api' });

  const rerun = await call('POST', `/api/runs/${workflowId}/rerun`, { from: ['go_live'] });
  expect(rerun).toEqual({ status: 201, body: { workflowId: `${workflowId}-rerun-1`, runId: expect.any(String) } });
  expect((await call('POST', `/api/runs/${workflowId}-rerun-1/cancel`)).status).toBe(200);
  const cancelled = await weft.getRun(`${workflowId}-rerun-1`).result();
  expect(cancelled).toMatchObject({ status: 'CANCELLED', nodes: { build: { reusedFrom: workflowId } } });
});

it('refuses bad JSON (400), a body over 2 MB (413), and bad fields with a sentence', async () => {
  const bad = await call('POST', '/api/validate', '{"dsl": ');
  expect(bad.status).toBe(400);
  expect(bad.body!.error).toBe('The request body is not valid JSON.');
  const big = await call('POST', '/api/runs', { document: gated('big'), input: { blob: 'x'.repeat(3 * 1024 * 1024) } });
  expect(big).toEqual({ status: 413, body: { error: 'The request body is larger than the 2 MB this API accepts.' } });
  const field = await call('POST', '/api/runs', { document: gated('f'), input: 'not an object' });
  expect(field.status).toBe(400);
  expect(field.body!.error).toMatch(/^body\.input: /);
});

it('needs a bearer token when one is set, and refuses to bind beyond loopback without one', async () => {
  const guarded = await startApi(weft, { port: 0, token: 's3cret' });
  try {
    const without = await fetch(`${guarded.url}/api/health`);
    expect(without.status).toBe(401);
    expect(await without.json()).toEqual({ error: expect.stringMatching(/needs "Authorization: Bearer <token>"/) });
    const wrong = await fetch(`${guarded.url}/api/health`, { headers: { authorization: 'Bearer nope' } });
    expect(wrong.status).toBe(401);
    const right = await fetch(`${guarded.url}/api/health`, { headers: { authorization: 'Bearer s3cret' } });
    expect(await right.json()).toEqual({ ok: true });
  } finally {
    await guarded.close();
  }
  await expect(startApi(weft, { host: '0.0.0.0', port: 0 })).rejects.toThrow(
    /Refusing to serve the API on 0\.0\.0\.0 without a token/,
  );
});

it('creates, lists, describes, pauses, unpauses, triggers and deletes schedules', async () => {
  const id = idOf('http-sched');
  const document = doc('http-sched', [{ id: 'a', activity: 'weft.echo' }]);
  const created = await call('POST', '/api/schedules', { id, document, cron: '0 3 * * *', timezone: 'Europe/Paris' });
  expect(created).toMatchObject({ status: 201, body: { id, kind: 'cron', paused: false } });
  expect(await call('POST', '/api/schedules', { id, document, every: '1h' })).toMatchObject({ status: 409 });
  expect(await call('POST', '/api/schedules', { id: `${id}-x`, document, every: '1h', cron: '* * * * *' })).toEqual({
    status: 400,
    body: { error: 'Give exactly one of "cron", "every", "fixedDelay" or "webhook".' },
  });
  const listed = await call('GET', '/api/schedules');
  expect((listed.body as unknown as Array<{ id: string }>).map((t) => t.id)).toContain(id);
  expect((await call('POST', `/api/schedules/${id}/pause`)).status).toBe(200);
  expect(await call('GET', `/api/schedules/${id}`)).toMatchObject({ status: 200, body: { id, paused: true } });
  expect((await call('POST', `/api/schedules/${id}/unpause`)).status).toBe(200);
  expect((await call('POST', `/api/schedules/${id}/trigger`)).status).toBe(200);
  expect((await call('DELETE', `/api/schedules/${id}`)).status).toBe(200);
  expect(await call('GET', `/api/schedules/${id}`)).toMatchObject({ status: 404 });
});

describe('webhook triggers', () => {
  const sign = (body: string, secret: string) => `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
  const hook = (id: string, body: string, headers: Record<string, string> = {}) =>
    fetch(`${api.url}/hooks/${id}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body,
    });
  const document = doc('http-hook', [
    { id: 'echo', activity: 'weft.echo', input: { order: '${ input.order }', from: '${ run.trigger }' } },
  ]);

  it('a signed delivery starts a run with the body as input; a bad signature starts none; a key starts one', async () => {
    const id = idOf('orders-in');
    const secret = 'a-secret-of-sixteen-or-more';
    const created = await call('POST', '/api/schedules', { id, document, webhook: true, secret, input: { order: 0 } });
    expect(created).toMatchObject({ status: 201, body: { id, kind: 'webhook', spec: 'webhook (signed)' } });
    // The secret is not in the memo the Web UI shows.
    expect(JSON.stringify((await weft.temporal.schedule.getHandle(id).describe()).memo)).not.toContain(secret);

    const body = JSON.stringify({ order: 42 });
    const ok = await hook(id, body, { 'x-weft-signature': sign(body, secret), 'idempotency-key': `evt-${id}` });
    expect(ok.status).toBe(202);
    const { workflowId } = (await ok.json()) as { workflowId: string };
    const result = await weft.getRun(workflowId).result();
    expect(result.nodes.echo!.output).toEqual({ order: 42, from: id });

    // Stored in Temporal: a restarted `weft serve` takes the hook's deliveries as the first did.
    const restarted = await startApi(weft, { port: 0 });
    try {
      const later = JSON.stringify({ order: 43 });
      const delivered = await fetch(`${restarted.url}/hooks/${id}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-weft-signature': sign(later, secret) },
        body: later,
      });
      expect(delivered.status).toBe(202);
      const second = (await delivered.json()) as { workflowId: string };
      expect((await weft.getRun(second.workflowId).result()).nodes.echo!.output).toEqual({ order: 43, from: id });
    } finally {
      await restarted.close();
    }

    const again = await hook(id, body, { 'x-weft-signature': sign(body, secret), 'idempotency-key': `evt-${id}` });
    expect(again.status).toBe(202);
    expect(await again.json()).toEqual({ workflowId });
    const bad = await hook(id, body, { 'x-weft-signature': sign(body, 'another-secret-entirely') });
    expect(bad.status).toBe(401);
    expect(await hook(id, body)).toMatchObject({ status: 401 });
    let runs = 0;
    for await (const _ of weft.temporal.workflow.list({ query: `WorkflowId STARTS_WITH '${id}-'` })) runs++;
    expect(runs).toBe(2); // the keyed delivery once, and the one after the restart

    expect((await call('POST', `/api/schedules/${id}/pause`)).status).toBe(200);
    const paused = await hook(id, body, { 'x-weft-signature': sign(body, secret) });
    expect(paused.status).toBe(409);
    expect(await paused.json()).toEqual({ error: `The webhook trigger "${id}" is paused; no run was started.` });
    expect((await hook('no-such-hook', '{}')).status).toBe(404);
    await call('DELETE', `/api/schedules/${id}`);
  });
});

it('rejects an approval, and retries, skips and fails nodes that wait after failing', async () => {
  const waitingOn = async (workflowId: string, nodeId: string) => {
    for (let i = 0; i < 100 && (await weft.getRun(workflowId).state()).nodes[nodeId]!.status !== 'WAITING'; i++)
      await new Promise((r) => setTimeout(r, 100));
  };
  const approval = idOf('http-reject');
  await call('POST', '/api/runs', { document: gated('http-reject'), id: approval });
  await waitingOn(approval, 'go_live');
  expect(await call('POST', `/api/runs/${approval}/reject`, { nodeId: 'go_live', reason: 'freeze' })).toMatchObject({
    status: 200,
  });
  expect((await weft.getRun(approval).result()).nodes.go_live!.error).toMatchObject({ type: 'Rejected' });

  const flaky = (name: string) =>
    doc(name, [
      { id: 'load', activity: 'flakyOnce', input: { key: name }, retry: { maxAttempts: 1 }, onFailure: 'wait' },
    ]);
  const outcomes: Record<string, string> = {};
  for (const [action, body] of [
    ['retry', { nodeId: 'load' }],
    ['skip', { nodeId: 'load', output: { rows: 0 } }],
    ['fail', { nodeId: 'load', reason: 'bad data' }],
  ] as const) {
    const workflowId = idOf(`http-${action}`);
    await call('POST', '/api/runs', { document: flaky(workflowId), id: workflowId });
    await waitingOn(workflowId, 'load');
    expect((await call('POST', `/api/runs/${workflowId}/${action}`, body)).status).toBe(200);
    const result = await weft.getRun(workflowId).result();
    outcomes[action] = `${result.status} ${result.nodes.load!.status}`;
  }
  expect(outcomes).toEqual({ retry: 'SUCCEEDED SUCCEEDED', skip: 'SUCCEEDED SKIPPED', fail: 'FAILED FAILED' });
});

it("draws documents and runs as graphs, reads a node's input from the history, and pages runs back by time", async () => {
  expect(await call('GET', '/api/info')).toEqual({
    status: 200,
    body: { namespace: 'default', taskQueue: weft.config.taskQueue, temporalUiUrl: weft.config.uiUrl ?? null },
  });
  const document = doc('graphed', [
    { id: 'extract', activity: 'weft.echo', input: { table: 'orders' } },
    {
      id: 'each',
      type: 'map',
      dependsOn: ['extract'],
      items: [1, 2],
      node: { activity: 'weft.echo', input: '${ item }' },
    },
    { id: 'report', type: 'dag', dependsOn: ['each'], dag: { nodes: [{ id: 'render', activity: 'weft.echo' }] } },
  ]);
  const graph = await call('POST', '/api/graph', document);
  expect(graph.status).toBe(200);
  expect(graph.body).toEqual({
    name: 'graphed',
    nodes: [
      { id: 'extract', type: 'activity', label: 'weft.echo', dependsOn: [] },
      {
        id: 'each',
        type: 'map',
        label: 'map: weft.echo',
        dependsOn: ['extract'],
        map: { template: 'activity', label: 'weft.echo' },
      },
      {
        id: 'report',
        type: 'dag',
        label: 'sub-DAG, 1 node',
        dependsOn: ['each'],
        dag: { nodes: [{ id: 'render', type: 'activity', label: 'weft.echo', dependsOn: [] }] },
      },
    ],
  });
  const invalid = await call('POST', '/api/graph', doc('bad', [{ id: 'a', activity: 'weft.echo', dependsOn: ['x'] }]));
  expect(invalid.status).toBe(422);
  expect(invalid.body!.issues[0].path).toBe('nodes[0].dependsOn[0]');

  const started = await call('POST', '/api/runs', { document, id: idOf('graphed') });
  const workflowId = started.body!.workflowId as string;
  await weft.getRun(workflowId).result();
  expect((await call('GET', `/api/runs/${workflowId}/graph`)).body).toEqual(graph.body);
  expect((await call('GET', `/api/runs/${workflowId}/nodes/extract/input`)).body).toEqual({
    recorded: true,
    input: { table: 'orders' },
  });
  expect((await call('GET', `/api/runs/${workflowId}/nodes/report/input`)).body).toMatchObject({ recorded: true });
  expect((await call('GET', `/api/runs/${workflowId}/nodes/each/input`)).body).toEqual({ recorded: false });
  expect((await call('GET', '/api/runs/no-such-run/graph')).status).toBe(404);

  // Paging: runs started before the newest one's start leave it out.
  const newest = (await call('GET', '/api/runs?dag=graphed&limit=1')).body!.runs[0];
  expect(newest.workflowId).toBe(workflowId);
  const older = await call('GET', `/api/runs?dag=graphed&before=${encodeURIComponent(newest.startTime)}`);
  expect(older.body!.runs.map((r: { workflowId: string }) => r.workflowId)).not.toContain(workflowId);
  expect((await call('GET', '/api/runs?before=yesterday')).status).toBe(400);
});

it('serves the console: its pages answer the same index.html, its assets are cached for good', async () => {
  for (const path of ['/', '/runs/some-run', '/schedules', '/documents']) {
    const response = await fetch(`${api.url}${path}`);
    expect([path, response.status, response.headers.get('content-type')]).toEqual([
      path,
      200,
      'text/html; charset=utf-8',
    ]);
    expect(await response.text()).toContain('<div id="app"></div>');
  }
  const page = await (await fetch(`${api.url}/`)).text();
  const script = /src="(\/assets\/[^"]+\.js)"/.exec(page)![1];
  const asset = await fetch(`${api.url}${script}`);
  expect(asset.status).toBe(200);
  expect(asset.headers.get('cache-control')).toContain('immutable');
  expect((await call('GET', '/nowhere')).status).toBe(404);
  expect((await call('GET', '/api/nowhere')).body).toEqual({ error: 'There is no GET /api/nowhere in this API.' });
});

it('changes a schedule in place with PATCH: what is given changes, the id and paused state stay', async () => {
  const id = idOf('http-patch');
  const document = doc('http-patch', [{ id: 'a', activity: 'weft.echo' }]);
  await call('POST', '/api/schedules', { id, document, cron: '0 3 * * *', paused: true, note: 'hold' });
  try {
    const patched = await call('PATCH', `/api/schedules/${id}`, { timezone: 'Asia/Tokyo', overlap: 'buffer-one' });
    expect(patched).toMatchObject({
      status: 200,
      body: {
        id,
        spec: 'cron 0 3 * * * (Asia/Tokyo)',
        timezone: 'Asia/Tokyo',
        overlap: 'buffer-one',
        paused: true,
        note: 'hold',
        nextRunTimes: [],
      },
    });
    expect(await call('PATCH', `/api/schedules/${id}`, { cron: '61 * * * *' })).toEqual({
      status: 400,
      body: { error: '--cron "61 * * * *": minute 61 is out of range (0-59).' },
    });
    expect(await call('PATCH', `/api/schedules/${id}`, { fixedDelay: '1m' })).toMatchObject({ status: 400 });
    expect(await call('PATCH', `/api/schedules/${id}-none`, { every: '1h' })).toMatchObject({ status: 404 });
    expect(await call('GET', `/api/schedules/${id}`)).toMatchObject({ body: { spec: 'cron 0 3 * * * (Asia/Tokyo)' } });
  } finally {
    await call('DELETE', `/api/schedules/${id}`);
  }
});
