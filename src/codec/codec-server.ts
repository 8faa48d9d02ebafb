/**
 * A codec server for the Temporal Web UI (and `temporal --codec-endpoint`): it decodes encrypted payloads
 * for whoever may read them, so the UI shows runs' inputs and outputs again. It listens on loopback by
 * default and decrypts on request, so it guards itself:
 * - with a token (option `token`, else WEFT_CODEC_TOKEN), requests must carry `Authorization: Bearer <token>`;
 * - it answers only requests addressed to the names it serves (the Host header: loopback names by
 *   default), so a web page cannot reach it by pointing its own name at 127.0.0.1 (DNS rebinding);
 * - browsers may call it only from the listed origins (CORS), and requests from other origins are refused;
 * - request bodies are capped (4 MiB by default; larger ones get 413).
 * Protocol: POST /decode and /encode with `{ "payloads": [{ "metadata": {k: base64}, "data": base64 }] }`.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { isIPv6 } from 'node:net';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
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
  metadata: Object.fromEntries(
    Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v ?? new Uint8Array()).toString('base64')]),
  ),
  data: Buffer.from(p.data ?? new Uint8Array()).toString('base64'),
});

export const DEFAULT_CODEC_MAX_BODY_BYTES = 4 * 1024 * 1024;

export interface CodecServerOptions {
  codec: PayloadCodec;
  port: number;
  host?: string;
  /** Origins allowed by CORS: the Web UI's, e.g. http://127.0.0.1:8233. */
  origins: string[];
  /**
   * A secret callers must send as `Authorization: Bearer <token>`. Default: WEFT_CODEC_TOKEN from the
   * environment; without either, no token is asked for (the server is then as open as its address).
   */
  token?: string;
  /**
   * Host names (as in the Host header, without port) the server answers besides `localhost`, `127.0.0.1`,
   * `::1` and the address it listens on; e.g. the name a reverse proxy forwards under.
   */
  allowedHosts?: string[];
  /** The largest request body accepted, in bytes (default 4 MiB). */
  maxBodyBytes?: number;
}

/** The host name of a Host header value, lower case, without port, brackets or final dot. */
function hostOf(header: string): string {
  const value = header.trim().toLowerCase();
  if (value.startsWith('[') && !value.includes(']')) return ''; // "[::1" names nothing
  const name = value.startsWith('[') ? value.slice(1, value.indexOf(']')) : value.replace(/:\d*$/, '');
  return name.replace(/\.$/, '');
}

/** A host name or address as configured (an IPv6 address may come without brackets). */
const configuredHost = (h: string) => hostOf(isIPv6(h.trim()) ? `[${h.trim()}]` : h);

const SHAPE = 'JSON of the form {"payloads": [{"metadata": {"key": "base64"}, "data": "base64"}]}';

/** The payloads of a request body, or a sentence saying what is wrong with it. */
function readPayloads(body: string): JsonPayload[] | string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch (err) {
    return `The request body is not JSON (${(err as Error).message}); send ${SHAPE}.`;
  }
  const payloads = (parsed as { payloads?: unknown } | null)?.payloads;
  if (!Array.isArray(payloads)) return `The request body has no "payloads" list; send ${SHAPE}.`;
  for (const [i, p] of payloads.entries()) {
    const ok =
      !!p &&
      typeof p === 'object' &&
      (p.data === undefined || typeof p.data === 'string') &&
      (p.metadata === undefined ||
        (!!p.metadata &&
          typeof p.metadata === 'object' &&
          Object.values(p.metadata as object).every((v) => typeof v === 'string')));
    if (!ok)
      return `Payload ${i} of the request body is not {"metadata": {"key": "base64"}, "data": "base64"}; send ${SHAPE}.`;
  }
  return payloads as JsonPayload[];
}

const digest = (value: string) => createHash('sha256').update(value).digest();

export function startCodecServer(options: CodecServerOptions): Promise<Server> {
  const listenHost = options.host ?? '127.0.0.1';
  const token = options.token ?? (process.env.WEFT_CODEC_TOKEN || undefined);
  const tokenDigest = token ? digest(token) : undefined;
  const maxBody = options.maxBodyBytes ?? DEFAULT_CODEC_MAX_BODY_BYTES;
  const hosts = new Set(['localhost', '127.0.0.1', '::1', ...(options.allowedHosts ?? [])].map(configuredHost));
  if (listenHost !== '0.0.0.0' && listenHost !== '::') hosts.add(configuredHost(listenHost));
  hosts.delete('');

  const answer = (res: ServerResponse, status: number, message: string, headers: Record<string, string> = {}) =>
    void res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', ...headers }).end(message);

  // Equal-length digests, compared in constant time: neither the token nor its length leaks.
  const authorized = (req: IncomingMessage) => {
    if (!tokenDigest) return true;
    const match = /^Bearer[ ]+(\S+)\s*$/i.exec(req.headers.authorization ?? '');
    return !!match && timingSafeEqual(digest(match[1]), tokenDigest);
  };

  const server = createServer((req, res) => {
    const host = req.headers.host;
    if (!host || !hosts.has(hostOf(host))) {
      return answer(
        res,
        403,
        `This codec server answers only requests addressed to ${[...hosts].join(', ')}, not to "${host ?? ''}"; ` +
          'add the name with the allowedHosts option if a proxy forwards it.',
      );
    }
    const origin = req.headers.origin;
    if (origin && !options.origins.includes(origin)) {
      return answer(
        res,
        403,
        `The origin ${origin} may not call this codec server; allow the Web UI's origin with --ui-origin.`,
      );
    }
    if (origin) {
      res.setHeader('access-control-allow-origin', origin);
      res.setHeader('vary', 'origin');
      res.setHeader('access-control-allow-methods', 'POST, OPTIONS');
      res.setHeader('access-control-allow-headers', 'content-type, x-namespace, authorization');
      res.setHeader('access-control-allow-credentials', 'true');
    }
    if (req.method === 'OPTIONS') return void res.writeHead(204).end(); // preflights carry no credentials
    if (!authorized(req)) {
      return answer(
        res,
        401,
        'This codec server needs the token it was started with, as "Authorization: Bearer <token>".',
        {
          'www-authenticate': 'Bearer',
        },
      );
    }
    const action = req.url?.endsWith('/decode') ? 'decode' : req.url?.endsWith('/encode') ? 'encode' : undefined;
    if (req.method !== 'POST' || !action)
      return answer(res, 404, 'This codec server answers POST /decode and POST /encode.');
    const tooLarge = () =>
      answer(
        res,
        413,
        `The request body is larger than this codec server accepts (${maxBody} bytes); decode fewer payloads at a time.`,
        {
          connection: 'close',
        },
      );
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > maxBody) {
      req.resume(); // read and drop the body, so the client sees the answer rather than a reset
      return tooLarge();
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let refused = false;
    req.on('data', (chunk: Buffer) => {
      if (refused) return;
      size += chunk.length;
      if (size > maxBody) {
        refused = true;
        chunks.length = 0;
        tooLarge();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', async () => {
      if (refused) return;
      const payloads = readPayloads(Buffer.concat(chunks).toString('utf8'));
      if (typeof payloads === 'string') return answer(res, 400, payloads);
      try {
        const result = await options.codec[action](payloads.map(fromJson));
        res
          .writeHead(200, { 'content-type': 'application/json' })
          .end(JSON.stringify({ payloads: result.map(toJson) }));
      } catch (err) {
        answer(res, 400, `The payloads cannot be ${action}d: ${(err as Error).message}`);
      }
    });
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, listenHost, () => resolve(server));
  });
}
