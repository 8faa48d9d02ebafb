/**
 * The codec server over real sockets on 127.0.0.1, with a real EncryptionCodec: what it decodes, and what
 * it refuses (token, Host header, origin, body size, malformed bodies).
 */
import { randomBytes } from 'node:crypto';
import { request, type Server } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { defaultPayloadConverter, type Payload } from '@temporalio/common';
import { DEFAULT_CODEC_MAX_BODY_BYTES, startCodecServer, type CodecServerOptions } from '../../src/codec/codec-server';
import { EncryptionCodec, encryptionKeysFromEnv } from '../../src/codec/encryption-codec';

const codec = new EncryptionCodec(encryptionKeysFromEnv({ WEFT_ENCRYPTION_KEY: randomBytes(32).toString('base64') })!);
const SECRET = 's3cr3t-value';
const UI = 'http://127.0.0.1:8233';

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
}

/** One request over a fresh connection; resolves with the answer even if the server closes early. */
function send(
  port: number,
  options: {
    method?: string;
    path?: string;
    headers?: Record<string, string>;
    body?: string | Buffer;
    chunks?: Buffer[];
  },
): Promise<Reply> {
  return new Promise((resolve, reject) => {
    let answered = false;
    const req = request(
      {
        host: '127.0.0.1',
        port,
        method: options.method ?? 'POST',
        path: options.path ?? '/decode',
        headers: options.headers,
        agent: false,
      },
      (res) => {
        answered = true;
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(chunks).toString('utf8') }),
        );
        res.on('error', reject);
      },
    );
    // A server that answers before reading the whole body may close while we still write: not our failure.
    req.on('error', (err) => (answered ? undefined : reject(err)));
    if (options.chunks) {
      for (const chunk of options.chunks) req.write(chunk);
      req.end();
    } else req.end(options.body);
  });
}

const json = (value: unknown) => JSON.stringify(value);
const toWire = (p: Payload) => ({
  metadata: Object.fromEntries(
    Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v!).toString('base64')]),
  ),
  data: Buffer.from(p.data ?? new Uint8Array()).toString('base64'),
});
const fromWire = (p: { metadata: Record<string, string>; data: string }): Payload => ({
  metadata: Object.fromEntries(Object.entries(p.metadata).map(([k, v]) => [k, Buffer.from(v, 'base64')])),
  data: Buffer.from(p.data, 'base64'),
});

async function sealedBody(): Promise<string> {
  const sealed = await codec.encode([defaultPayloadConverter.toPayload({ password: SECRET })]);
  return json({ payloads: sealed.map(toWire) });
}

describe('codec server', () => {
  const servers: Server[] = [];
  const savedToken = process.env.WEFT_CODEC_TOKEN;
  beforeEach(() => delete process.env.WEFT_CODEC_TOKEN);
  afterAll(() => {
    if (savedToken === undefined) delete process.env.WEFT_CODEC_TOKEN;
    else process.env.WEFT_CODEC_TOKEN = savedToken;
  });
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
  });

  async function start(extra: Partial<CodecServerOptions> = {}): Promise<{ port: number; host: string }> {
    const server = await startCodecServer({ codec, port: 0, origins: [UI], ...extra });
    servers.push(server);
    const { port } = server.address() as AddressInfo;
    return { port, host: `127.0.0.1:${port}` };
  }

  it('decodes what the codec sealed, and encodes too', async () => {
    const { port, host } = await start();
    const sealed = await sealedBody();
    expect(sealed).not.toContain(SECRET);
    const reply = await send(port, { headers: { host, 'content-type': 'application/json' }, body: sealed });
    expect(reply.status).toBe(200);
    expect(reply.headers['content-type']).toBe('application/json');
    const [opened] = (JSON.parse(reply.text) as { payloads: Array<{ metadata: Record<string, string>; data: string }> })
      .payloads;
    expect(defaultPayloadConverter.fromPayload(fromWire(opened))).toEqual({ password: SECRET });

    const plain = json({ payloads: [toWire(defaultPayloadConverter.toPayload({ n: 1 }))] });
    const encoded = await send(port, { path: '/encode', headers: { host }, body: plain });
    expect(encoded.status).toBe(200);
    const [again] = (
      JSON.parse(encoded.text) as { payloads: Array<{ metadata: Record<string, string>; data: string }> }
    ).payloads;
    expect(Buffer.from(again.metadata.encoding, 'base64').toString()).toBe('binary/encrypted');
    expect(defaultPayloadConverter.fromPayload((await codec.decode([fromWire(again)]))[0])).toEqual({ n: 1 });
  });

  it('answers only POST /decode and POST /encode', async () => {
    const { port, host } = await start();
    const get = await send(port, { method: 'GET', headers: { host } });
    expect(get.status).toBe(404);
    expect(get.text).toBe('This codec server answers POST /decode and POST /encode.');
    expect((await send(port, { path: '/other', headers: { host }, body: '{}' })).status).toBe(404);
  });

  describe('with a token', () => {
    const token = 'a-long-random-token-0123456789';

    it('refuses requests without the token, or with a wrong one, with 401 and no payload data', async () => {
      const { port, host } = await start({ token });
      const body = await sealedBody();
      for (const authorization of [
        undefined,
        'Bearer wrong-token',
        `Bearer ${token}x`,
        `Basic ${token}`,
        token,
        'Bearer ',
      ]) {
        const headers: Record<string, string> = { host };
        if (authorization !== undefined) headers.authorization = authorization;
        const reply = await send(port, { headers, body });
        expect(reply.status).toBe(401);
        expect(reply.headers['www-authenticate']).toBe('Bearer');
        expect(reply.text).toBe(
          'This codec server needs the token it was started with, as "Authorization: Bearer <token>".',
        );
        expect(reply.text).not.toContain(SECRET);
        expect(reply.text).not.toContain('payloads');
      }
    });

    it('decodes with the right token', async () => {
      const { port, host } = await start({ token });
      const reply = await send(port, { headers: { host, authorization: `Bearer ${token}` }, body: await sealedBody() });
      expect(reply.status).toBe(200);
      const [opened] = JSON.parse(reply.text).payloads;
      expect(defaultPayloadConverter.fromPayload(fromWire(opened))).toEqual({ password: SECRET });
      // the scheme is case-insensitive, as RFC 7235 says
      expect(
        (await send(port, { headers: { host, authorization: `bearer ${token}` }, body: await sealedBody() })).status,
      ).toBe(200);
    });

    it('takes the token from WEFT_CODEC_TOKEN when the option is not given', async () => {
      process.env.WEFT_CODEC_TOKEN = 'from-the-environment';
      const { port, host } = await start();
      const body = await sealedBody();
      expect((await send(port, { headers: { host }, body })).status).toBe(401);
      expect((await send(port, { headers: { host, authorization: 'Bearer from-the-environment' }, body })).status).toBe(
        200,
      );
    });

    it('lets CORS preflights through without the token (browsers never send it there)', async () => {
      const { port, host } = await start({ token });
      const reply = await send(port, {
        method: 'OPTIONS',
        headers: {
          host,
          origin: UI,
          'access-control-request-method': 'POST',
          'access-control-request-headers': 'authorization, content-type',
        },
      });
      expect(reply.status).toBe(204);
      expect(reply.headers['access-control-allow-origin']).toBe(UI);
      expect(String(reply.headers['access-control-allow-headers'])).toContain('authorization');
    });
  });

  describe('the Host header (DNS rebinding)', () => {
    it('refuses a request addressed to another name, and answers loopback names', async () => {
      const { port } = await start();
      const body = await sealedBody();
      for (const host of [
        'evil.example:1234',
        `evil.example:${port}`,
        'localhost.evil.example',
        '127.0.0.1.evil.example',
        '[::1',
      ]) {
        const reply = await send(port, { headers: { host }, body });
        expect(reply.status).toBe(403);
        expect(reply.text).toMatch(
          /^This codec server answers only requests addressed to localhost, 127\.0\.0\.1, ::1, not to ".*"; add the name with the allowedHosts option if a proxy forwards it\.$/,
        );
        expect(reply.text).not.toContain(SECRET);
      }
      for (const host of [
        `localhost:${port}`,
        `127.0.0.1:${port}`,
        `[::1]:${port}`,
        `LOCALHOST:${port}`,
        `localhost.:${port}`,
        'localhost',
      ]) {
        expect({ host, status: (await send(port, { headers: { host }, body })).status }).toEqual({ host, status: 200 });
      }
    });

    it('refuses a request without a Host header (HTTP/1.0)', async () => {
      const { port } = await start();
      const raw = await new Promise<string>((resolve, reject) => {
        const socket = connect(port, '127.0.0.1', () =>
          socket.end('POST /decode HTTP/1.0\r\ncontent-length: 15\r\n\r\n{"payloads":[]}'),
        );
        let text = '';
        socket.on('data', (c: Buffer) => (text += c.toString()));
        socket.on('end', () => resolve(text));
        socket.on('error', reject);
      });
      expect(raw).toMatch(/^HTTP\/1\.1 403 /);
      expect(raw).toContain('not to ""');
    });

    it('answers the names in allowedHosts too (with or without a port, IPv6 with or without brackets)', async () => {
      const { port } = await start({ allowedHosts: ['Codec.Proxy.Example', 'other.example:443', 'fd00::1'] });
      const body = await sealedBody();
      for (const host of [
        'codec.proxy.example',
        `codec.proxy.example:${port}`,
        'other.example',
        '[fd00::1]:8080',
        `127.0.0.1:${port}`,
      ]) {
        expect({ host, status: (await send(port, { headers: { host }, body })).status }).toEqual({ host, status: 200 });
      }
      const refused = await send(port, { headers: { host: 'evil.example' }, body });
      expect(refused.status).toBe(403);
      expect(refused.text).toContain('codec.proxy.example');
    });
  });

  describe('body size', () => {
    it('refuses a body over maxBodyBytes with 413, declared or streamed', async () => {
      const { port, host } = await start({ maxBodyBytes: 1024 });
      const big = json({ payloads: [{ data: 'A'.repeat(2000) }] });
      const declared = await send(port, { headers: { host, 'content-type': 'application/json' }, body: big });
      expect(declared.status).toBe(413);
      expect(declared.text).toBe(
        'The request body is larger than this codec server accepts (1024 bytes); decode fewer payloads at a time.',
      );

      // chunked, so the server only learns the size while reading
      const chunks = Array.from({ length: 8 }, () => Buffer.from('A'.repeat(512)));
      const streamed = await send(port, { headers: { host, 'transfer-encoding': 'chunked' }, chunks });
      expect(streamed.status).toBe(413);

      const small = await send(port, { headers: { host }, body: json({ payloads: [] }) });
      expect(small.status).toBe(200);
      expect(JSON.parse(small.text)).toEqual({ payloads: [] });
    });

    it('caps bodies at 4 MiB by default', async () => {
      expect(DEFAULT_CODEC_MAX_BODY_BYTES).toBe(4 * 1024 * 1024);
      const { port, host } = await start();
      const reply = await send(port, { headers: { host }, body: Buffer.alloc(DEFAULT_CODEC_MAX_BODY_BYTES + 1, 0x41) });
      expect(reply.status).toBe(413);
      expect(reply.text).toContain(`(${DEFAULT_CODEC_MAX_BODY_BYTES} bytes)`);
    });
  });

  describe('CORS', () => {
    it('gives an allowed origin the CORS headers, and refuses other origins', async () => {
      const { port, host } = await start();
      const body = await sealedBody();
      const allowed = await send(port, { headers: { host, origin: UI }, body });
      expect(allowed.status).toBe(200);
      expect(allowed.headers['access-control-allow-origin']).toBe(UI);
      expect(allowed.headers.vary).toBe('origin');

      for (const origin of ['https://evil.example', 'http://127.0.0.1:8234', 'null']) {
        const refused = await send(port, { headers: { host, origin }, body });
        expect(refused.status).toBe(403);
        expect(refused.headers['access-control-allow-origin']).toBeUndefined();
        expect(refused.text).toBe(
          `The origin ${origin} may not call this codec server; allow the Web UI's origin with --ui-origin.`,
        );
        const preflight = await send(port, {
          method: 'OPTIONS',
          headers: { host, origin, 'access-control-request-method': 'POST' },
        });
        expect(preflight.status).toBe(403);
        expect(preflight.headers['access-control-allow-origin']).toBeUndefined();
      }
    });

    it('needs no origin from clients that are not browsers', async () => {
      const { port, host } = await start();
      const reply = await send(port, { headers: { host }, body: await sealedBody() });
      expect(reply.status).toBe(200);
      expect(reply.headers['access-control-allow-origin']).toBeUndefined();
    });
  });

  describe('malformed bodies', () => {
    it('answers 400 with a sentence for a body that is not JSON', async () => {
      const { port, host } = await start();
      const reply = await send(port, { headers: { host }, body: '{"payloads": [' });
      expect(reply.status).toBe(400);
      expect(reply.text).toMatch(
        /^The request body is not JSON \(.+\); send JSON of the form \{"payloads": \[.*\]\}\.$/,
      );
    });

    it('answers 400 with a sentence for JSON of the wrong shape', async () => {
      const { port, host } = await start();
      for (const body of ['{}', 'null', '[]', '{"payloads": {}}']) {
        const reply = await send(port, { headers: { host }, body });
        expect({ body, status: reply.status }).toEqual({ body, status: 400 });
        expect(reply.text).toMatch(/^The request body has no "payloads" list; send JSON of the form/);
      }
      for (const body of [
        '{"payloads": [null]}',
        '{"payloads": [{"data": 1}]}',
        '{"payloads": [{"metadata": {"encoding": 5}}]}',
      ]) {
        const reply = await send(port, { headers: { host }, body });
        expect({ body, status: reply.status }).toEqual({ body, status: 400 });
        expect(reply.text).toMatch(
          /^Payload 0 of the request body is not \{"metadata": \{"key": "base64"\}, "data": "base64"\}; send JSON/,
        );
      }
    });

    it('answers 400 with a sentence for payloads the codec cannot open', async () => {
      const { port, host } = await start();
      const [sealed] = await codec.encode([defaultPayloadConverter.toPayload({ password: SECRET })]);
      const tampered = Buffer.from(sealed.data!);
      tampered[tampered.length - 1] ^= 1;
      const reply = await send(port, {
        headers: { host },
        body: json({ payloads: [toWire({ ...sealed, data: tampered })] }),
      });
      expect(reply.status).toBe(400);
      expect(reply.text).toMatch(/^The payloads cannot be decoded: /);
      expect(reply.text).not.toContain(SECRET);
    });
  });
});
