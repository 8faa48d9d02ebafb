/**
 * Temporal's refusals as one sentence, against a real gRPC server (grpc-js, plaintext) that answers
 * Temporal's method paths with the status a real server or proxy gives: refused credentials must not read
 * as an unreachable server. What the dev server itself can show is in test/integration/cli-errors.test.ts.
 */
import {
  Client as GrpcClient,
  Metadata,
  Server,
  ServerCredentials,
  credentials,
  status,
  type ServiceError,
  type sendUnaryData,
} from '@grpc/grpc-js';
import { ServiceError as TemporalServiceError } from '@temporalio/client';
import { ValueError } from '@temporalio/common';
import { explainError, formatBytes, grpcStatusOf } from '../../src/client/connect';
import { checkAddress, connectionConfigFromEnv } from '../../src/connection';
import { WeftPayloadTooLargeError, WeftSetupError } from '../../src/errors';
import { weft } from '../cli-harness';

type Answer = { code: number; details: string } | 'ok';
type Rule = (method: string, metadata: Metadata) => Answer;

const METHODS = [
  'temporal.api.workflowservice.v1.WorkflowService/GetSystemInfo',
  'temporal.api.workflowservice.v1.WorkflowService/DescribeWorkflowExecution',
  'temporal.api.workflowservice.v1.WorkflowService/StartWorkflowExecution',
  'temporal.api.operatorservice.v1.OperatorService/ListSearchAttributes',
];

/** A gRPC server on a free port answering Temporal's paths by `rule`; 'ok' is an empty (default) response. */
async function fakeTemporal(rule: Rule): Promise<{ address: string; calls: string[]; stop(): Promise<void> }> {
  const server = new Server();
  const calls: string[] = [];
  const raw = (b: Buffer) => b;
  for (const path of METHODS) {
    const name = path.split('/')[1];
    server.addService(
      {
        [name]: {
          path: `/${path}`,
          requestStream: false,
          responseStream: false,
          requestSerialize: raw,
          requestDeserialize: raw,
          responseSerialize: raw,
          responseDeserialize: raw,
        },
      },
      {
        [name]: (call: { metadata: Metadata }, callback: sendUnaryData<Buffer>) => {
          calls.push(name);
          const answer = rule(name, call.metadata);
          if (answer === 'ok') callback(null, Buffer.alloc(0));
          else
            callback({
              code: answer.code,
              details: answer.details,
              metadata: new Metadata(),
            } as Partial<ServiceError> as ServiceError);
        },
      },
    );
  }
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', ServerCredentials.createInsecure(), (err, p) => (err ? reject(err) : resolve(p))),
  );
  return {
    address: `127.0.0.1:${port}`,
    calls,
    stop: () => new Promise<void>((resolve) => server.tryShutdown(() => resolve())),
  };
}

/** The error @grpc/grpc-js gives a call the server answers with `code`, wrapped as Temporal's client wraps it. */
async function grpcError(code: number, details: string): Promise<TemporalServiceError> {
  const server = await fakeTemporal(() => ({ code, details }));
  const client = new GrpcClient(server.address, credentials.createInsecure());
  try {
    const raw = (b: Buffer) => b;
    const cause = await new Promise<ServiceError>((resolve) =>
      client.makeUnaryRequest(`/${METHODS[2]}`, raw, raw, Buffer.alloc(0), (err) => resolve(err!)),
    );
    return new TemporalServiceError('Failed to start Workflow', { cause });
  } finally {
    client.close();
    await server.stop();
  }
}

const where = { address: 'temporal.example:7233', namespace: 'payments' };

describe('refused credentials are not an unreachable server', () => {
  it('weft status: an API key the server does not accept (UNAUTHENTICATED) says authentication failed', async () => {
    const server = await fakeTemporal((_method, metadata) =>
      metadata.get('authorization')[0] === 'Bearer good-key'
        ? 'ok'
        : { code: status.UNAUTHENTICATED, details: 'Request unauthorized.' },
    );
    try {
      const { code, stderr } = await weft(['status', 'some-run'], {
        TEMPORAL_ADDRESS: server.address,
        TEMPORAL_API_KEY: 'bad-key',
        TEMPORAL_TLS: 'false',
      });
      expect(code).toBe(2);
      expect(stderr.split('\n')).toHaveLength(1);
      expect(stderr).toBe(
        `weft: Authentication with the Temporal server at ${server.address} failed (Request unauthorized.); check TEMPORAL_API_KEY, ` +
          'or TEMPORAL_TLS_CERT and TEMPORAL_TLS_KEY for a client certificate.',
      );
      expect(stderr).not.toMatch(/Cannot reach/);
      expect(server.calls).toEqual(['GetSystemInfo']);
    } finally {
      await server.stop();
    }
  });

  it('weft status: a key the namespace does not allow (PERMISSION_DENIED) says so, naming the namespace', async () => {
    const server = await fakeTemporal((method) =>
      method === 'GetSystemInfo' ? 'ok' : { code: status.PERMISSION_DENIED, details: 'Request unauthorized.' },
    );
    try {
      const { code, stderr } = await weft(['status', 'some-run'], {
        TEMPORAL_ADDRESS: server.address,
        TEMPORAL_NAMESPACE: 'payments',
      });
      expect(code).toBe(2);
      expect(stderr.split('\n')).toHaveLength(1);
      expect(stderr).toMatch(
        new RegExp(
          `^weft: Authentication with the Temporal server at ${server.address.replace(/\./g, '\\.')} failed: the credentials may not use namespace "payments"`,
        ),
      );
      expect(server.calls).toEqual(['GetSystemInfo', 'DescribeWorkflowExecution']);
    } finally {
      await server.stop();
    }
  });

  it('weft run: the server refusing the start as too large (BlobSizeLimit) is a sentence', async () => {
    const server = await fakeTemporal((method) =>
      method === 'StartWorkflowExecution'
        ? { code: status.INVALID_ARGUMENT, details: 'Blob data size exceeds limit.' }
        : 'ok',
    );
    try {
      const { code, stderr } = await weft(['run', 'examples/etl-diamond.json'], { TEMPORAL_ADDRESS: server.address });
      expect(code).toBe(2);
      expect(stderr.split('\n').filter((l) => !l.startsWith('weft: note:'))).toEqual([
        'weft: The Temporal server refused the request as too large (Blob data size exceeds limit.); it accepts at most 2 MB per payload ' +
          'and 4 MB per request: pass large data by reference (a URL or object key).',
      ]);
    } finally {
      await server.stop();
    }
  });
});

describe('explainError classifies by class and gRPC status, not by name', () => {
  it('reads the gRPC status a Temporal ServiceError wraps', async () => {
    const err = await grpcError(status.UNAUTHENTICATED, 'Request unauthorized.');
    expect(err.cause).toMatchObject({ code: status.UNAUTHENTICATED, details: 'Request unauthorized.' });
    expect(grpcStatusOf(err)).toEqual({ code: status.UNAUTHENTICATED, details: 'Request unauthorized.' });
    expect(explainError(err, where)).toBeInstanceOf(WeftSetupError);
    expect(explainError(err, where)!.message).toMatch(
      /^Authentication with the Temporal server at temporal\.example:7233 failed/,
    );
  });

  it('tells refused credentials, size refusals and an unavailable server apart', async () => {
    expect(explainError(await grpcError(status.UNAVAILABLE, 'connection refused'), where)!.message).toMatch(
      /^Cannot reach the Temporal server at temporal\.example:7233 \(connection refused\)/,
    );
    const denied = explainError(await grpcError(status.PERMISSION_DENIED, 'Request unauthorized.'), where)!;
    expect(denied.message).toMatch(/failed: the credentials may not use namespace "payments"/);
    const large = explainError(
      await grpcError(status.RESOURCE_EXHAUSTED, 'grpc: received message larger than max (5244623 vs. 4194304)'),
      where,
    )!;
    expect(large).toBeInstanceOf(WeftPayloadTooLargeError);
    const blob = explainError(await grpcError(status.INVALID_ARGUMENT, 'Blob data size exceeds limit.'), where)!;
    expect(blob).toBeInstanceOf(WeftPayloadTooLargeError);
    // Another INVALID_ARGUMENT is not a size problem: no sentence made up for it.
    expect(
      explainError(await grpcError(status.INVALID_ARGUMENT, 'WorkflowId is not set on request.'), where),
    ).toBeUndefined();
  });

  it('says an encrypted payload needs WEFT_ENCRYPTION_KEY', () => {
    const err = explainError(new ValueError('Unknown encoding: binary/encrypted'), where)!;
    expect(err.message).toMatch(
      /^The run's payloads are encrypted and WEFT_ENCRYPTION_KEY is not set; set it to the key/,
    );
  });

  it('leaves bugs alone: an error it cannot explain keeps its stack', () => {
    expect(explainError(new TypeError('x is undefined'), where)).toBeUndefined();
    expect(explainError(new WeftSetupError('already a sentence'), where)).toBeUndefined();
  });
});

describe('connection settings', () => {
  it('refuses a TEMPORAL_ADDRESS with a scheme or a path, and takes host:port forms', () => {
    expect(() => checkAddress('http://localhost:7233')).toThrow(
      /^TEMPORAL_ADDRESS is "http:\/\/localhost:7233", which is not host:port/,
    );
    expect(() => checkAddress('localhost:7233/ns')).toThrow(WeftSetupError);
    for (const ok of ['localhost:7233', 'localhost', '127.0.0.1:7233', '[::1]:7233', 'my-ns.a1b2c.tmprl.cloud:7233'])
      expect(() => checkAddress(ok)).not.toThrow();
  });

  it('TEMPORAL_TLS=false turns TLS off even with an API key, as Temporal CLI does', () => {
    expect(connectionConfigFromEnv({ TEMPORAL_API_KEY: 'k' }).tls).toEqual({});
    expect(connectionConfigFromEnv({ TEMPORAL_API_KEY: 'k', TEMPORAL_TLS: 'false' }).tls).toBe(false);
    expect(connectionConfigFromEnv({}).tls).toBeUndefined();
  });

  it('formats sizes without ever rounding a refused size down to the limit', () => {
    expect(formatBytes(2 * 1024 * 1024 + 1)).toBe('2.1 MB');
    expect(formatBytes(3 * 1024 * 1024 + 200 * 1024)).toBe('3.2 MB');
    expect(formatBytes(1500)).toBe('2 KB');
    expect(formatBytes(4)).toBe('4 bytes');
  });
});
