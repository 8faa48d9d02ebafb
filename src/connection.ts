/**
 * Connection settings from the environment, following the Temporal CLI's own conventions so the same
 * commands run against the dev server, a self-hosted cluster or Temporal Cloud.
 */
import { readFileSync } from 'node:fs';
import type { ConnectionOptions, DataConverter } from '@temporalio/client';
import { dataConverterFromEnv } from './codec/encryption-codec';
import { WeftSetupError } from './errors';

export interface WeftConnectionConfig {
  address: string;
  namespace: string;
  taskQueue: string;
  tls?: ConnectionOptions['tls'];
  apiKey?: string;
  /** Web UI base URL used to print links to runs. */
  uiUrl?: string;
  /** Payload encryption (WEFT_ENCRYPTION_KEY); see src/codec/encryption-codec.ts. */
  dataConverter?: DataConverter;
}

export const DEFAULT_ADDRESS = 'localhost:7233';
export const DEFAULT_NAMESPACE = 'default';
export const DEFAULT_TASK_QUEUE = 'weft';

function readPemOrData(env: NodeJS.ProcessEnv, pathVar: string, dataVar: string): Buffer | undefined {
  if (env[dataVar]) return Buffer.from(env[dataVar]!);
  const path = env[pathVar];
  if (!path) return undefined;
  try {
    return readFileSync(path);
  } catch (err) {
    throw new WeftSetupError(`${pathVar} points at "${path}", which cannot be read: ${(err as Error).message}.`, {
      cause: err,
    });
  }
}

export function connectionConfigFromEnv(env: NodeJS.ProcessEnv = process.env): WeftConnectionConfig {
  const cert = readPemOrData(env, 'TEMPORAL_TLS_CERT', 'TEMPORAL_TLS_CERT_DATA');
  const key = readPemOrData(env, 'TEMPORAL_TLS_KEY', 'TEMPORAL_TLS_KEY_DATA');
  const ca = readPemOrData(env, 'TEMPORAL_TLS_CA', 'TEMPORAL_TLS_CA_DATA');
  if (Boolean(cert) !== Boolean(key)) {
    throw new WeftSetupError('Set both TEMPORAL_TLS_CERT and TEMPORAL_TLS_KEY for mutual TLS, or neither.');
  }
  const apiKey = env.TEMPORAL_API_KEY || undefined;
  // As Temporal's CLI: TLS is on with an API key or any TLS setting, unless TEMPORAL_TLS=false says otherwise.
  const tlsOff = /^(0|false)$/i.test(env.TEMPORAL_TLS ?? '');
  if (tlsOff && (cert || ca))
    throw new WeftSetupError(
      'TEMPORAL_TLS=false contradicts the TLS certificates set in TEMPORAL_TLS_*; unset one or the other.',
    );
  const tlsWanted = !tlsOff && (cert || ca || apiKey || /^(1|true)$/i.test(env.TEMPORAL_TLS ?? ''));
  const tls: ConnectionOptions['tls'] = tlsOff
    ? false
    : tlsWanted
      ? {
          ...(cert && key ? { clientCertPair: { crt: cert, key } } : {}),
          ...(ca ? { serverRootCACertificate: ca } : {}),
          ...(env.TEMPORAL_TLS_SERVER_NAME ? { serverNameOverride: env.TEMPORAL_TLS_SERVER_NAME } : {}),
        }
      : undefined;
  const address = env.TEMPORAL_ADDRESS || DEFAULT_ADDRESS;
  checkAddress(address);
  return {
    address,
    namespace: env.TEMPORAL_NAMESPACE || DEFAULT_NAMESPACE,
    taskQueue: env.WEFT_TASK_QUEUE || DEFAULT_TASK_QUEUE,
    tls,
    apiKey,
    uiUrl: env.WEFT_UI_URL || undefined,
    dataConverter: dataConverterFromEnv(env),
  };
}

/** Refuses an address that is not host:port (a URL with a scheme or a path), which gRPC cannot dial. */
export function checkAddress(address: string): void {
  if (!/^(\[[0-9a-fA-F:.]+\]|[^\s:/\[\]]+)(:\d{1,5})?$/.test(address)) {
    throw new WeftSetupError(
      `TEMPORAL_ADDRESS is "${address}", which is not host:port; write it as e.g. localhost:7233 or my-ns.a1b2c.tmprl.cloud:7233 (no scheme, no path).`,
    );
  }
}

/** The Web UI link to one run, or undefined when we do not know where the UI is. */
export function runUrl(config: Pick<WeftConnectionConfig, 'uiUrl' | 'namespace'>, workflowId: string, runId?: string) {
  if (!config.uiUrl) return undefined;
  const base = `${config.uiUrl.replace(/\/$/, '')}/namespaces/${encodeURIComponent(config.namespace)}/workflows/${encodeURIComponent(workflowId)}`;
  return runId ? `${base}/${encodeURIComponent(runId)}` : base;
}

/** Where the dev server's UI is when the address is a local dev server on its default layout. */
export function guessUiUrl(address: string): string | undefined {
  const match = /^(localhost|127\.0\.0\.1):(\d+)$/.exec(address);
  return match ? `http://${match[1]}:${Number(match[2]) + 1000}` : undefined;
}
