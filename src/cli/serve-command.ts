/** `weft serve`: the HTTP API in front of Temporal. */
import type { Command } from 'commander';
import { DEFAULT_API_PORT, startApi } from '../server/api/serve';
import { onShutdownSignal } from '../worker/shutdown';
import { WeftClient } from '../client/weft-client';
import { OTEL_OPTION, tracingFor } from './tracing-option';
import type { Output } from './output';

const toPort = (value: string) => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new Error(`"${value}" is not a port number`);
  return n;
};

export function registerServeCommand(program: Command, io: Output): void {
  program
    .command('serve')
    .description('the HTTP API (docs/http-api.md); beyond loopback only with WEFT_API_TOKEN')
    .option('--port <n>', 'port to listen on', toPort, DEFAULT_API_PORT)
    .option('--host <host>', 'address to bind', '127.0.0.1')
    .option(...OTEL_OPTION)
    .addHelpText('after', '\nExamples:\n  weft serve\n  WEFT_API_TOKEN=s3cret weft serve --host 0.0.0.0 --port 8088')
    .action(async (flags: { port: number; host: string; otel?: boolean }) => {
      const tracing = tracingFor(flags.otel, 'api');
      const weft = await WeftClient.connect({}, { interceptors: tracing?.clientInterceptors });
      try {
        const api = await startApi(weft, {
          host: flags.host,
          port: flags.port,
          token: process.env.WEFT_API_TOKEN || undefined,
        });
        weft.config.consoleUrl ??= api.url; // runs started here link to their console page
        io.err(
          `Weft console on ${api.url}/, API on ${api.url}/api (OpenAPI at ${api.url}/api/openapi.json)${process.env.WEFT_API_TOKEN ? ', token required' : ''}.`,
        );
        io.err('Press Ctrl-C to stop.');
        await new Promise<void>((resolve) => onShutdownSignal(() => void api.close().then(resolve)));
      } finally {
        await weft.close();
        await tracing?.shutdown();
      }
    });
}
