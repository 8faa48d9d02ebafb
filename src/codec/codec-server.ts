/**
 * A codec server for the Temporal Web UI (and `temporal --codec-endpoint`): it decodes encrypted payloads
 * for whoever may read them, so the UI shows runs' inputs and outputs again. It listens on loopback by
 * default; put it behind your own authentication before exposing it, since it decrypts on request.
 * Protocol: POST /decode and /encode with `{ "payloads": [{ "metadata": {k: base64}, "data": base64 }] }`.
 */
import { createServer, type Server } from 'node:http';
import type { Payload, PayloadCodec } from '@temporalio/common';

interface JsonPayload {
  metadata?: Record<string, string>;
  data?: string;
}

const fromJson = (p: JsonPayload): Payload => ({
  metadata: Object.fromEntries(Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v, 'base64')])),
  data: Buffer.from(p.data ?? '', 'base64'),
});

const toJson = (p: Payload): JsonPayload => ({
  metadata: Object.fromEntries(Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v ?? new Uint8Array()).toString('base64')])),
  data: Buffer.from(p.data ?? new Uint8Array()).toString('base64'),
});

export interface CodecServerOptions {
  codec: PayloadCodec;
  port: number;
  host?: string;
  /** Origins allowed by CORS: the Web UI's, e.g. http://127.0.0.1:8233. */
  origins: string[];
}

export function startCodecServer(options: CodecServerOptions): Promise<Server> {
  const server = createServer((req, res) => {
    const origin = req.headers.origin;
    if (origin && options.origins.includes(origin)) {
      res.setHeader('access-control-allow-origin', origin);
      res.setHeader('access-control-allow-methods', 'POST, OPTIONS');
      res.setHeader('access-control-allow-headers', 'content-type, x-namespace, authorization');
      res.setHeader('access-control-allow-credentials', 'true');
    }
    if (req.method === 'OPTIONS') return void res.writeHead(204).end();
    const action = req.url?.endsWith('/decode') ? 'decode' : req.url?.endsWith('/encode') ? 'encode' : undefined;
    if (req.method !== 'POST' || !action) return void res.writeHead(404).end();
    let body = '';
    req.on('data', (chunk) => (body += chunk));
    req.on('end', async () => {
      try {
        const { payloads } = JSON.parse(body) as { payloads: JsonPayload[] };
        const result = await options.codec[action](payloads.map(fromJson));
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ payloads: result.map(toJson) }));
      } catch (err) {
        res.writeHead(400, { 'content-type': 'text/plain' }).end(String((err as Error).message));
      }
    });
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host ?? '127.0.0.1', () => resolve(server));
  });
}
