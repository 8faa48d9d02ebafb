/**
 * Connection settings: a profile of a `temporal.toml` file (read by Temporal's own @temporalio/envconfig, so
 * the file the Temporal CLI and SDKs share works here too), overridden by the environment variables Weft has
 * always read, which follow the Temporal CLI's names. The same commands then run against the dev server, a
 * self-hosted cluster or Temporal Cloud.
 */
import { readFileSync } from 'node:fs';
import type { ConnectionOptions, DataConverter } from '@temporalio/client';
import { loadClientConfigProfile, type ClientConfigProfile, type ConfigDataSource } from '@temporalio/envconfig';
import { dataConverterFromEnv } from './codec/encryption-codec';
import { WeftSetupError } from './errors';

export interface WeftConnectionConfig {
  address: string;
  namespace: string;
  taskQueue: string;
  tls?: ConnectionOptions['tls'];
  apiKey?: string;
  /** gRPC metadata sent with every request (a profile's `grpc_meta`). */
  metadata?: Record<string, string>;
  /** Web UI base URL used to print links to runs. */
  uiUrl?: string;
  /**
   * Weft's console (`weft serve`), e.g. http://weft.internal:8088: runs this client starts link to their page
   * there from their details in the Temporal Web UI (WEFT_CONSOLE_URL; `weft serve` and `weft dev` set their own).
   */
  consoleUrl?: string;
  /** Payload encryption (WEFT_ENCRYPTION_KEY); see src/codec/encryption-codec.ts. */
  dataConverter?: DataConverter;
}

export const DEFAULT_ADDRESS = 'localhost:7233';
export const DEFAULT_NAMESPACE = 'default';
export const DEFAULT_TASK_QUEUE = 'weft';

/** Empty variables count as unset, as they always have here (envconfig would let `TEMPORAL_ADDRESS=` win). */
function setVariables(env: NodeJS.ProcessEnv): Record<string, string> {
  return Object.fromEntries(Object.entries(env).filter((entry): entry is [string, string] => Boolean(entry[1])));
}

/**
 * The profile of the Temporal config file: the one TEMPORAL_PROFILE names (else "default") in
 * TEMPORAL_CONFIG_FILE (else the platform's default, ~/.config/temporalio/temporal.toml on Linux). No file is
 * no profile. Only the file is read here: the variables are Weft's to read (below), with their documented
 * meaning (envconfig reads TEMPORAL_TLS differently: any value but 1 or true turns TLS off).
 */
function fileProfile(env: Record<string, string>): ClientConfigProfile {
  try {
    return loadClientConfigProfile({ disableEnv: true, overrideEnvVars: env });
  } catch (err) {
    const file = env.TEMPORAL_CONFIG_FILE ?? 'the Temporal config file (temporal.toml)';
    const what = env.TEMPORAL_PROFILE ? `profile "${env.TEMPORAL_PROFILE}" of ${file}` : file;
    const reason = (err as Error).message.split('\n')[0]; // a TOML error goes on to draw the line it failed at
    throw new WeftSetupError(
      `Cannot use ${what} (${reason}); fix the file, or set TEMPORAL_CONFIG_FILE and TEMPORAL_PROFILE to a file and profile that exist.`,
      { cause: err },
    );
  }
}

function readPemOrData(env: Record<string, string>, pathVar: string, dataVar: string): Buffer | undefined {
  if (env[dataVar]) return Buffer.from(env[dataVar]);
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

function readProfileData(source: ConfigDataSource | undefined, field: string): Buffer | undefined {
  if (!source) return undefined;
  if ('data' in source) return Buffer.from(source.data);
  try {
    return readFileSync(source.path);
  } catch (err) {
    throw new WeftSetupError(
      `The profile's tls.${field}_path points at "${source.path}", which cannot be read: ${(err as Error).message}.`,
      { cause: err },
    );
  }
}

/** TEMPORAL_TLS as Weft reads it: true/1 on, false/0 off (any case); anything else says nothing. */
function tlsSwitch(value: string | undefined): boolean | undefined {
  if (/^(1|true)$/i.test(value ?? '')) return true;
  if (/^(0|false)$/i.test(value ?? '')) return false;
  return undefined;
}

/** Each setting from the variable when it is set, else from the profile. */
export function connectionConfigFromEnv(processEnv: NodeJS.ProcessEnv = process.env): WeftConnectionConfig {
  const env = setVariables(processEnv);
  const profile = fileProfile(env);
  const fileTls = profile.tls;
  const cert =
    readPemOrData(env, 'TEMPORAL_TLS_CERT', 'TEMPORAL_TLS_CERT_DATA') ??
    readProfileData(fileTls?.clientCert, 'client_cert');
  const key =
    readPemOrData(env, 'TEMPORAL_TLS_KEY', 'TEMPORAL_TLS_KEY_DATA') ??
    readProfileData(fileTls?.clientKey, 'client_key');
  const ca =
    readPemOrData(env, 'TEMPORAL_TLS_CA', 'TEMPORAL_TLS_CA_DATA') ??
    readProfileData(fileTls?.serverCACert, 'server_ca_cert');
  if (Boolean(cert) !== Boolean(key)) {
    throw new WeftSetupError(
      'Set both TEMPORAL_TLS_CERT and TEMPORAL_TLS_KEY for mutual TLS, or neither' +
        (fileTls?.clientCert || fileTls?.clientKey
          ? " (or both in the profile's tls: client_cert and client_key)."
          : '.'),
    );
  }
  const apiKey = env.TEMPORAL_API_KEY || profile.apiKey || undefined;
  // As Temporal's CLI: TLS is on with an API key or any TLS setting, unless TEMPORAL_TLS=false says otherwise.
  // A profile's `tls` table turns it on too (`disabled = true` off), as it does for Temporal's own clients.
  const switchedByEnv = tlsSwitch(env.TEMPORAL_TLS);
  const switched = switchedByEnv ?? (fileTls ? !fileTls.disabled : undefined);
  const tlsOff = switched === false;
  if (tlsOff && (cert || ca))
    throw new WeftSetupError(
      `${switchedByEnv === false ? 'TEMPORAL_TLS=false' : "The profile's tls.disabled"} contradicts the TLS certificates ` +
        "set in TEMPORAL_TLS_* (or the profile's tls); unset one or the other.",
    );
  const tlsWanted = !tlsOff && (cert || ca || apiKey || switched === true);
  const serverName = env.TEMPORAL_TLS_SERVER_NAME || fileTls?.serverName;
  const tls: ConnectionOptions['tls'] = tlsOff
    ? false
    : tlsWanted
      ? {
          ...(cert && key ? { clientCertPair: { crt: cert, key } } : {}),
          ...(ca ? { serverRootCACertificate: ca } : {}),
          ...(serverName ? { serverNameOverride: serverName } : {}),
        }
      : undefined;
  const address = env.TEMPORAL_ADDRESS || profile.address || DEFAULT_ADDRESS;
  checkAddress(address, env.TEMPORAL_ADDRESS ? 'TEMPORAL_ADDRESS' : "The profile's address");
  return {
    address,
    namespace: env.TEMPORAL_NAMESPACE || profile.namespace || DEFAULT_NAMESPACE,
    taskQueue: env.WEFT_TASK_QUEUE || DEFAULT_TASK_QUEUE,
    tls,
    apiKey,
    ...(profile.grpcMeta && Object.keys(profile.grpcMeta).length ? { metadata: profile.grpcMeta } : {}),
    uiUrl: env.WEFT_UI_URL || undefined,
    consoleUrl: env.WEFT_CONSOLE_URL || undefined,
    dataConverter: dataConverterFromEnv(processEnv),
  };
}

/** Refuses an address that is not host:port (a URL with a scheme or a path), which gRPC cannot dial. */
export function checkAddress(address: string, source = 'TEMPORAL_ADDRESS'): void {
  if (!/^(\[[0-9a-fA-F:.]+\]|[^\s:/\[\]]+)(:\d{1,5})?$/.test(address)) {
    throw new WeftSetupError(
      `${source} is "${address}", which is not host:port; write it as e.g. localhost:7233 or my-ns.a1b2c.tmprl.cloud:7233 (no scheme, no path).`,
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
