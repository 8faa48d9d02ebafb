/** Secrets need not appear in history in the clear: a run with payload encryption, on the real server. */
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { defaultPayloadConverter } from '@temporalio/common';
import { WeftClient } from '../../src/client/weft-client';
import { dataConverterFromEnv, EncryptionCodec, encryptionKeysFromEnv } from '../../src/codec/encryption-codec';
import { startCodecServer } from '../../src/codec/codec-server';
import { doc } from './dag-helpers';
import { createTestEnv, testAddress, type TestEnv } from './env';

const keyEnv = { WEFT_ENCRYPTION_KEY: randomBytes(32).toString('base64') };
const dataConverter = dataConverterFromEnv(keyEnv)!;
let env: TestEnv;
let weft: WeftClient;

beforeAll(async () => {
  env = await createTestEnv({ temporal: { dataConverter } });
  weft = await WeftClient.connect({
    address: testAddress(),
    namespace: 'default',
    taskQueue: env.taskQueue,
    dataConverter,
  });
});
afterAll(async () => {
  await weft?.close();
  await env?.close();
});

it('runs a DAG whose document, input and outputs never reach the server in the clear', async () => {
  const workflowId = `encrypted-${Date.now()}`;
  const result = await weft.run(
    doc('encrypted', [{ id: 'call', activity: 'weft.echo', input: { authorization: 'Bearer ${ input.token }' } }], {
      output: '${ nodes.call.output }',
    }),
    { input: { token: 'tok-7f3a9-secret' }, workflowId },
  );
  expect(result.output).toEqual({ authorization: 'Bearer tok-7f3a9-secret' });

  // Read the history as the server stores it: with a client that has no key.
  const plain = await WeftClient.connect({
    address: testAddress(),
    namespace: 'default',
    taskQueue: env.taskQueue,
    dataConverter: undefined,
  });
  const history = await plain.temporal.workflow.getHandle(workflowId).fetchHistory();
  await plain.close();
  const raw = JSON.stringify(history);
  expect(raw).not.toContain('tok-7f3a9-secret');
  expect(raw).not.toContain(Buffer.from('tok-7f3a9-secret').toString('base64'));
  const input = history.events![0].workflowExecutionStartedEventAttributes!.input!.payloads![0];
  expect(Buffer.from(input.metadata!.encoding!).toString()).toBe('binary/encrypted');
});

it('serves the Web UI a codec endpoint that decodes for allowed origins', async () => {
  const codec = new EncryptionCodec(encryptionKeysFromEnv(keyEnv)!);
  const server = await startCodecServer({ codec, port: 0, origins: ['http://127.0.0.1:8233'] });
  try {
    const [sealed] = await codec.encode([defaultPayloadConverter.toPayload({ secret: 42 })]);
    const body = {
      payloads: [
        {
          metadata: {
            encoding: Buffer.from(sealed.metadata!.encoding!).toString('base64'),
            'encryption-key-id': Buffer.from(sealed.metadata!['encryption-key-id']!).toString('base64'),
          },
          data: Buffer.from(sealed.data!).toString('base64'),
        },
      ],
    };
    const res = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/decode`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: 'http://127.0.0.1:8233' },
      body: JSON.stringify(body),
    });
    expect(res.headers.get('access-control-allow-origin')).toBe('http://127.0.0.1:8233');
    const { payloads } = (await res.json()) as { payloads: Array<{ data: string }> };
    expect(JSON.parse(Buffer.from(payloads[0].data, 'base64').toString())).toEqual({ secret: 42 });
  } finally {
    server.close();
  }
});
