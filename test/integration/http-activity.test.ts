import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { WeftClient } from '../../src/client/weft-client';
import { createTestEnv, type TestEnv } from './env';
import { doc, runDoc, weftFor } from './dag-helpers';

let env: TestEnv;
let weft: WeftClient;
let server: Server;
let base: string;
const hits = new Map<string, number>();

beforeAll(async () => {
  // A local server only: tests never reach other hosts.
  server = createServer((req, res) => {
    const count = (hits.get(req.url!) ?? 0) + 1;
    hits.set(req.url!, count);
    if (req.url === '/ok') {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ method: req.method, received: body ? JSON.parse(body) : null }));
      });
    } else if (req.url === '/flaky') {
      res.writeHead(count < 3 ? 503 : 200, { 'content-type': 'text/plain' });
      res.end(count < 3 ? 'busy' : 'finally');
    } else {
      res.writeHead(404);
      res.end('no such thing');
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  env = await createTestEnv();
  weft = await weftFor(env);
});
afterAll(async () => {
  await weft?.close();
  await env?.close();
  server?.close();
});

const fast = { initialInterval: '100ms', backoffCoefficient: 1 };

it('calls an allowed host and returns status, headers and the parsed JSON body', async () => {
  const result = await runDoc(
    weft,
    doc('http-ok', [
      { id: 'call', activity: 'weft.http', input: { url: `${base}/ok`, method: 'post', body: { a: 1 } } },
    ]),
  );
  expect(result.nodes.call.output).toMatchObject({ status: 200, body: { method: 'POST', received: { a: 1 } } });
});

it('retries 5xx answers', async () => {
  const result = await runDoc(
    weft,
    doc('http-flaky', [
      { id: 'call', activity: 'weft.http', input: { url: `${base}/flaky` }, retry: { maxAttempts: 3, ...fast } },
    ]),
  );
  expect(result.nodes.call).toMatchObject({
    status: 'SUCCEEDED',
    attempts: 3,
    output: { status: 200, body: 'finally' },
  });
});

it('does not retry 4xx answers', async () => {
  const result = await runDoc(
    weft,
    doc('http-404', [
      { id: 'call', activity: 'weft.http', input: { url: `${base}/missing` }, retry: { maxAttempts: 5, ...fast } },
    ]),
  );
  expect(result.nodes.call).toMatchObject({ status: 'FAILED', attempts: 1, error: { type: 'HttpClientError' } });
  expect(hits.get('/missing')).toBe(1);
});

it('refuses hosts the operator did not allow, without retrying', async () => {
  const result = await runDoc(
    weft,
    doc('http-denied', [
      { id: 'call', activity: 'weft.http', input: { url: 'http://metadata.internal.invalid/secrets' } },
    ]),
  );
  expect(result.nodes.call).toMatchObject({ status: 'FAILED', attempts: 1, error: { type: 'WeftHostNotAllowed' } });
  expect(result.nodes.call.error!.message).toMatch(/WEFT_HTTP_ALLOW=metadata\.internal\.invalid/);
});
