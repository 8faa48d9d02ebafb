/**
 * Opening connections with errors a person can act on: an unreachable server is a setup problem
 * (exit 2), not a stack trace.
 */
import { Client, Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { WeftSetupError } from '../errors';
import type { WeftConnectionConfig } from '../connection';

function unreachable(config: WeftConnectionConfig, err: unknown): WeftSetupError {
  const reason = (err as Error)?.message?.split('\n')[0] ?? String(err);
  return new WeftSetupError(
    `Cannot reach the Temporal server at ${config.address} (${reason}); start one with \`weft server\` or \`weft dev\`, ` +
      'or set TEMPORAL_ADDRESS to a server that is running.',
  );
}

export async function connectClient(config: WeftConnectionConfig): Promise<Client> {
  try {
    const connection = await Connection.connect({
      address: config.address,
      tls: config.tls,
      apiKey: config.apiKey,
      connectTimeout: '5s',
    });
    return new Client({ connection, namespace: config.namespace, dataConverter: config.dataConverter });
  } catch (err) {
    throw unreachable(config, err);
  }
}

export async function connectWorker(config: WeftConnectionConfig): Promise<NativeConnection> {
  try {
    const connection = await NativeConnection.connect({ address: config.address, tls: config.tls, apiKey: config.apiKey });
    // NativeConnection connects lazily on some paths; one call proves the server answers.
    await connection.workflowService.getSystemInfo({});
    return connection;
  } catch (err) {
    throw unreachable(config, err);
  }
}
