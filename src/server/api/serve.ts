/** Starting the HTTP API on a host and port: beyond loopback only with a token. */
import type { FastifyInstance } from 'fastify';
import type { WeftClient } from '../../client/weft-client';
import { WeftSetupError, WeftUsageError } from '../../errors';
import { buildApi, type ApiOptions } from './app';
import { isLoopback } from './auth';

export const DEFAULT_API_PORT = 8088;

export interface RunningApi {
  url: string;
  app: FastifyInstance;
  close(): Promise<void>;
}

export async function startApi(
  weft: WeftClient,
  options: ApiOptions & { host?: string; port?: number } = {},
): Promise<RunningApi> {
  const host = options.host ?? '127.0.0.1';
  if (!isLoopback(host) && !options.token) {
    throw new WeftUsageError(
      `Refusing to serve the API on ${host} without a token: anyone who reaches it could start and cancel runs. Set WEFT_API_TOKEN, or bind to 127.0.0.1.`,
    );
  }
  const app = await buildApi(weft, options);
  try {
    await app.listen({ host, port: options.port ?? DEFAULT_API_PORT });
  } catch (err) {
    await app.close();
    if ((err as NodeJS.ErrnoException).code === 'EADDRINUSE')
      throw new WeftSetupError(
        `Port ${options.port ?? DEFAULT_API_PORT} on ${host} is in use; choose another with --port.`,
        {
          cause: err,
        },
      );
    throw err;
  }
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  const shown = host.includes(':') ? `[${host}]` : host;
  return { url: `http://${shown}:${port}`, app, close: () => app.close() };
}
