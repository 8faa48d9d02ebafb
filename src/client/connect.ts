/**
 * Opening connections, and turning what Temporal's client throws into errors a person can act on: an
 * unreachable server, refused credentials, an unknown namespace, a payload over the size limit or
 * encrypted payloads without their key are setup or usage problems (exit 2, one sentence), not stacks.
 */
import {
  Client,
  Connection,
  NamespaceNotFoundError,
  isGrpcServiceError,
  type DataConverter,
  type WorkflowClientInterceptor,
} from '@temporalio/client';
import { ValueError, type PayloadCodec } from '@temporalio/common';
import { NativeConnection } from '@temporalio/worker';
import { WeftPayloadTooLargeError, WeftSetupError, WeftUsageError } from '../errors';
import { DEFAULT_ADDRESS, type WeftConnectionConfig } from '../connection';

/** The gRPC status codes (grpc/status.h) that say something a person can act on. */
export const GRPC_STATUS = {
  INVALID_ARGUMENT: 3,
  DEADLINE_EXCEEDED: 4,
  NOT_FOUND: 5,
  PERMISSION_DENIED: 7,
  RESOURCE_EXHAUSTED: 8,
  FAILED_PRECONDITION: 9,
  UNAVAILABLE: 14,
  UNAUTHENTICATED: 16,
} as const;

/** Temporal's default limit on one payload (limit.blobSize.error); Temporal Cloud's too. */
export const PAYLOAD_LIMIT_BYTES = 2 * 1024 * 1024;

type Where = Pick<WeftConnectionConfig, 'address' | 'namespace'>;

/** The gRPC status of a failed call: the error itself, or the one a Temporal ServiceError wraps. */
export function grpcStatusOf(err: unknown): { code: number; details: string } | undefined {
  let e: unknown = err;
  for (let depth = 0; e && depth < 4; depth++, e = (e as { cause?: unknown }).cause) {
    if (isGrpcServiceError(e)) return { code: e.code, details: e.details || e.message };
  }
  return undefined;
}

/** "3.1 MB", "812 KB", "4 bytes": sizes as a person reads them (rounded up, so a refused size never reads as the limit). */
export function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${Math.ceil((bytes / (1024 * 1024)) * 10) / 10} MB`;
  if (bytes >= 1024) return `${Math.ceil(bytes / 1024)} KB`;
  return `${bytes} bytes`;
}

function firstLine(err: unknown): string {
  return ((err as Error)?.message ?? String(err)).split('\n')[0];
}

function unreachable(config: Where, reason: string, cause?: unknown): WeftSetupError {
  return new WeftSetupError(
    `Cannot reach the Temporal server at ${config.address} (${reason}); start one with \`weft server\` or \`weft dev\`, ` +
      'or set TEMPORAL_ADDRESS to a server that is running.',
    { cause },
  );
}

export function namespaceMissing(namespace: string, config: Where, cause?: unknown): WeftSetupError {
  return new WeftSetupError(
    `Namespace "${namespace}" does not exist on ${config.address}; create it with \`temporal operator namespace create ` +
      `--namespace ${namespace}${config.address === DEFAULT_ADDRESS ? '' : ` --address ${config.address}`}\` or set TEMPORAL_NAMESPACE to one that exists.`,
    { cause },
  );
}

/** The message Temporal's server and gRPC give a request or payload over their size limits. */
function isSizeRefusal(code: number, details: string): boolean {
  return (
    (code === GRPC_STATUS.INVALID_ARGUMENT && /size exceeds (the )?limit/i.test(details)) ||
    (code === GRPC_STATUS.RESOURCE_EXHAUSTED && /larger than max/i.test(details))
  );
}

/**
 * The sentence for an error from Temporal's client or server, or undefined when it is not one a person
 * can act on (a bug: let it keep its stack). Weft's own errors are already sentences and pass as they are.
 */
export function explainError(err: unknown, config: Where): Error | undefined {
  if (err instanceof WeftSetupError || err instanceof WeftUsageError) return undefined;
  if (err instanceof NamespaceNotFoundError) return namespaceMissing(err.namespace || config.namespace, config, err);
  if (err instanceof ValueError && /binary\/encrypted/.test(err.message)) {
    return new WeftSetupError(
      "The run's payloads are encrypted and WEFT_ENCRYPTION_KEY is not set; set it to the key the run's clients " +
        'and workers use (see docs/security.md) and try again.',
      { cause: err },
    );
  }
  const status = grpcStatusOf(err);
  if (!status) return undefined;
  const { code, details } = status;
  if (code === GRPC_STATUS.UNAUTHENTICATED) {
    return new WeftSetupError(
      `Authentication with the Temporal server at ${config.address} failed (${details}); check TEMPORAL_API_KEY, ` +
        'or TEMPORAL_TLS_CERT and TEMPORAL_TLS_KEY for a client certificate.',
      { cause: err },
    );
  }
  if (code === GRPC_STATUS.PERMISSION_DENIED) {
    return new WeftSetupError(
      `Authentication with the Temporal server at ${config.address} failed: the credentials may not use namespace ` +
        `"${config.namespace}" (${details}); check TEMPORAL_API_KEY (or the client certificate) and TEMPORAL_NAMESPACE.`,
      { cause: err },
    );
  }
  if (code === GRPC_STATUS.UNAVAILABLE) return unreachable(config, details, err);
  if (isSizeRefusal(code, details)) {
    return new WeftPayloadTooLargeError(
      `The Temporal server refused the request as too large (${details}); it accepts at most 2 MB per payload and ` +
        '4 MB per request: pass large data by reference (a URL or object key).',
      undefined,
      PAYLOAD_LIMIT_BYTES,
      { cause: err },
    );
  }
  return undefined;
}

/**
 * Payload codecs whose decode failures say what to do: a codec that cannot open a payload (the wrong
 * WEFT_ENCRYPTION_KEY) throws a sentence instead of a crypto library's message.
 */
function explainedCodecs(dataConverter: DataConverter | undefined): DataConverter | undefined {
  if (!dataConverter?.payloadCodecs?.length) return dataConverter;
  const wrap = (codec: PayloadCodec): PayloadCodec => ({
    encode: (payloads, context) => codec.encode(payloads, context),
    decode: async (payloads, context) => {
      try {
        return await codec.decode(payloads, context);
      } catch (err) {
        if (err instanceof WeftSetupError || err instanceof WeftUsageError) throw err;
        throw new WeftSetupError(
          `The run's payloads cannot be decrypted (${firstLine(err)}): WEFT_ENCRYPTION_KEY is not the key they were ` +
            'encrypted with; set it to that key, or add that key to WEFT_DECRYPTION_KEYS as id:base64 (see docs/security.md).',
          { cause: err },
        );
      }
    },
  });
  return { ...dataConverter, payloadCodecs: dataConverter.payloadCodecs.map(wrap) };
}

export interface ClientConnectOptions {
  /** Temporal client interceptors for workflow calls, e.g. `weftTracing().clientInterceptors` (docs/tracing.md). */
  interceptors?: WorkflowClientInterceptor[];
}

export async function connectClient(config: WeftConnectionConfig, options: ClientConnectOptions = {}): Promise<Client> {
  let connection: Connection;
  try {
    connection = await Connection.connect({
      address: config.address,
      tls: config.tls,
      apiKey: config.apiKey,
      metadata: config.metadata,
      connectTimeout: '5s',
    });
  } catch (err) {
    throw explainError(err, config) ?? unreachable(config, firstLine(err), err);
  }
  return new Client({
    connection,
    namespace: config.namespace,
    dataConverter: explainedCodecs(config.dataConverter),
    interceptors: options.interceptors ? { workflow: options.interceptors } : undefined,
  });
}

export async function connectWorker(config: WeftConnectionConfig): Promise<NativeConnection> {
  let connection: NativeConnection;
  try {
    connection = await NativeConnection.connect({
      address: config.address,
      tls: config.tls,
      apiKey: config.apiKey,
      metadata: config.metadata,
    });
    // NativeConnection connects lazily on some paths; one call proves the server answers.
    await connection.workflowService.getSystemInfo({});
  } catch (err) {
    throw explainError(err, config) ?? unreachable(config, firstLine(err), err);
  }
  try {
    // The worker would fail on an unknown namespace with a transport error; say it plainly first.
    await connection.workflowService.describeNamespace({ namespace: config.namespace });
  } catch (err) {
    await connection.close().catch(() => undefined);
    if (grpcStatusOf(err)?.code === GRPC_STATUS.NOT_FOUND) throw namespaceMissing(config.namespace, config, err);
    throw explainError(err, config) ?? err;
  }
  return connection;
}
