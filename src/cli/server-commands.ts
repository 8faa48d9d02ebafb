/** `weft server`, `weft worker` and `weft dev`: the long-running processes. */
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { connectionConfigFromEnv, guessUiUrl, type WeftConnectionConfig } from '../connection';
import { startDevServer, type DevServer } from '../server/dev-server';
import { createWeftWorker } from '../worker/create-worker';
import { installQuietRuntime } from '../worker/runtime';
import type { WeftTracing } from '../worker/tracing';
import { OTEL_OPTION, tracingFor } from './tracing-option';
import { onShutdownSignal } from '../worker/shutdown';
import { connectClient, connectWorker } from '../client/connect';
import { WeftClient } from '../client/weft-client';
import { DEFAULT_API_PORT, startApi } from '../server/api/serve';
import { parseAllowList } from '../activities/http';
import type { Output } from './output';
import type { Server } from 'node:http';
import { EncryptionCodec, encryptionKeysFromEnv } from '../codec/encryption-codec';
import { startCodecServer } from '../codec/codec-server';
import { WeftExit, WeftSetupError } from '../errors';

const collect = (value: string, previous: string[] = []) => [...previous, value];
const toPort = (value: string) => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new Error(`"${value}" is not a port number`);
  return n;
};

interface ServerFlags {
  port: number;
  uiPort?: number;
  db: string;
  headless?: boolean;
  ip: string;
  codecEndpoint?: string;
  /** `--namespace`: created besides "default" (weft dev: the namespace its worker and client use). */
  namespace?: string;
}

function addServerFlags(cmd: Command): Command {
  return cmd
    .option('--port <n>', 'gRPC port of the Temporal frontend', toPort, 7233)
    .option('--ui-port <n>', 'Web UI port (default: port + 1000)', toPort)
    .option('--db <file>', 'SQLite file that keeps runs across restarts', '.weft/temporal.db')
    .option('--headless', 'run without the Web UI')
    .option('--ip <ip>', 'address to bind', '127.0.0.1')
    .option(
      '--codec-endpoint <url>',
      'a codec server the Web UI uses to show encrypted payloads (see `weft codec-server`)',
    );
}

interface WorkerFlags {
  taskQueue?: string;
  activities: string[];
  allowHttp: string[];
  metricsPort?: number;
  otel?: boolean;
}

function addWorkerFlags(cmd: Command): Command {
  return cmd
    .option('--task-queue <queue>', 'task queue to poll (default: $WEFT_TASK_QUEUE or "weft")')
    .option('--activities <module>', 'a module whose exported functions become activities (repeatable)', collect, [])
    .option(
      '--allow-http <host>',
      'a host weft.http may call, e.g. api.example.com or *.corp (repeatable)',
      collect,
      [],
    )
    .option('--metrics-port <n>', 'serve Prometheus metrics at http://127.0.0.1:<n>/metrics', toPort)
    .option(...OTEL_OPTION);
}

async function startServer(flags: ServerFlags, io: Output): Promise<DevServer> {
  return startDevServer({
    port: flags.port,
    uiPort: flags.uiPort,
    dbFile: resolve(flags.db),
    headless: flags.headless,
    ip: flags.ip,
    codecEndpoint: flags.codecEndpoint,
    namespaces: flags.namespace && flags.namespace !== 'default' ? [flags.namespace] : [],
    log: io.err,
  });
}

/** With WEFT_ENCRYPTION_KEY set, a codec server so the Web UI can show the encrypted payloads. */
async function startCodec(port: number, origins: string[], io: Output): Promise<Server> {
  const keys = encryptionKeysFromEnv();
  if (!keys)
    throw new WeftSetupError(
      'weft codec-server needs WEFT_ENCRYPTION_KEY (the key the workers and clients encrypt with).',
    );
  const server = await startCodecServer({ codec: new EncryptionCodec(keys), port, origins }).catch((err: Error) => {
    throw new WeftSetupError(`The codec server cannot listen on port ${port} (${err.message}); choose another port.`, {
      cause: err,
    });
  });
  io.err(`Codec server for the Web UI on http://127.0.0.1:${port} (key "${keys.current.id}").`);
  return server;
}

async function startWorker(config: WeftConnectionConfig, flags: WorkerFlags, tracing?: WeftTracing) {
  installQuietRuntime({ metricsPort: flags.metricsPort });
  const connection = await connectWorker(config);
  const allow = [...flags.allowHttp, ...parseAllowList(process.env.WEFT_HTTP_ALLOW)];
  const worker = await createWeftWorker({
    connection,
    namespace: config.namespace,
    taskQueue: flags.taskQueue ?? config.taskQueue,
    modules: flags.activities,
    http: { allow },
    tracing,
  });
  return { worker, connection };
}

export function registerCodecCommand(program: Command, io: Output): void {
  program
    .command('codec-server')
    .description('decode encrypted payloads for the Temporal Web UI (needs WEFT_ENCRYPTION_KEY)')
    .option('--port <n>', 'port to listen on (loopback only)', toPort, 8888)
    .option('--ui-origin <url>', 'the Web UI origin allowed to call it (repeatable)', collect, [])
    .addHelpText(
      'after',
      '\nExample:\n  WEFT_ENCRYPTION_KEY=... weft codec-server --port 8888 --ui-origin http://127.0.0.1:8233\n  weft server --codec-endpoint http://127.0.0.1:8888',
    )
    .action(async (flags: { port: number; uiOrigin: string[] }) => {
      const origins = flags.uiOrigin.length ? flags.uiOrigin : ['http://127.0.0.1:8233', 'http://localhost:8233'];
      const codec = await startCodec(flags.port, origins, io);
      io.err('Press Ctrl-C to stop.');
      await new Promise<void>((resolve) => {
        onShutdownSignal(() => {
          codec.close(() => resolve());
        });
      });
    });
}

export interface DevHooks {
  /** Runs once the worker polls; `weft dev --example` submits a document and prints its result. */
  afterStart?: (config: WeftConnectionConfig, exampleFile: string) => Promise<number | void>;
}

export function registerServerCommands(program: Command, io: Output, hooks: DevHooks = {}): void {
  addServerFlags(
    program.command('server').description('run the Temporal dev server with the Web UI and Weft search attributes'),
  )
    .addHelpText('after', '\nExample:\n  weft server --port 7233 --db .weft/temporal.db')
    .action(async (flags: ServerFlags) => {
      const server = await startServer(flags, io);
      io.err(
        `Temporal dev server on ${server.address}${server.uiUrl ? `, Web UI at ${server.uiUrl}` : ''}; data in ${resolve(flags.db)}.`,
      );
      io.err('Press Ctrl-C to stop.');
      onShutdownSignal(() => server.stop());
      const code = await server.exited;
      if (code !== 0 && code !== null) throw new Error(`The Temporal dev server exited with code ${code}.`);
    });

  addWorkerFlags(program.command('worker').description('run a worker with the built-in activities plus your modules'))
    .addHelpText(
      'after',
      '\nExample:\n  weft worker --task-queue weft --activities ./dist/activities.js --allow-http api.example.com',
    )
    .action(async (flags: WorkerFlags) => {
      const config = connectionConfigFromEnv();
      const tracing = tracingFor(flags.otel, 'worker');
      const { worker, connection } = await startWorker(config, flags, tracing);
      io.err(
        `Worker polling task queue "${flags.taskQueue ?? config.taskQueue}" on ${config.address}` +
          `${flags.metricsPort !== undefined ? `, metrics at http://127.0.0.1:${flags.metricsPort}/metrics` : ''}` +
          `${tracing ? ', tracing over OTLP' : ''}. Press Ctrl-C to stop.`,
      );
      onShutdownSignal(() => worker.shutdown());
      await worker.run();
      await connection.close();
      await tracing?.shutdown();
    });

  addWorkerFlags(
    addServerFlags(
      program.command('dev').description('the embedded default: dev server, Web UI and a worker together'),
    ),
  )
    .option('--example <file>', 'run this DAG document once everything is up and print its result')
    .option('--exit', 'exit after the example instead of serving (default when CI=true)')
    .option('--api-port <n>', `the HTTP API's port (weft serve; default ${DEFAULT_API_PORT})`, toPort, DEFAULT_API_PORT)
    .addHelpText('after', '\nExample:\n  weft dev --example examples/etl-diamond.json')
    .action(async (flags: ServerFlags & WorkerFlags & { example?: string; exit?: boolean; apiPort: number }) => {
      const base = connectionConfigFromEnv();
      let server: DevServer | undefined;
      let codec: Server | undefined;
      if (base.dataConverter && !process.env.TEMPORAL_ADDRESS && !flags.headless && !flags.codecEndpoint) {
        const uiPort = flags.uiPort ?? flags.port + 1000;
        codec = await startCodec(
          uiPort + 1,
          [`http://${flags.ip}:${uiPort}`, `http://localhost:${uiPort}`, `http://127.0.0.1:${uiPort}`],
          io,
        );
        // The codec server listens on loopback only and answers loopback names: with --ip 0.0.0.0 the UI's
        // browser must still call it as 127.0.0.1 (it decrypts, so it stays off the network).
        const codecHost = flags.ip === '0.0.0.0' || flags.ip === '::' ? '127.0.0.1' : flags.ip;
        flags.codecEndpoint = `http://${codecHost}:${uiPort + 1}`;
      }
      if (!process.env.TEMPORAL_ADDRESS)
        server = await startServer(flags, io).catch((err) => {
          codec?.close();
          throw err;
        });
      const uiUrl = base.uiUrl ?? server?.uiUrl ?? guessUiUrl(base.address);
      const config: WeftConnectionConfig = { ...base, address: server?.address ?? base.address, uiUrl };
      const tracing = tracingFor(flags.otel, 'dev');
      let started: Awaited<ReturnType<typeof startWorker>>;
      try {
        started = await startWorker(config, flags, tracing);
      } catch (err) {
        await server?.stop();
        codec?.close();
        throw err;
      }
      const { worker, connection } = started;
      // The HTTP API too, as `weft serve` would: a busy port leaves the rest running.
      const client = new WeftClient(await connectClient(config, { interceptors: tracing?.clientInterceptors }), config);
      const api = await startApi(client, { port: flags.apiPort, token: process.env.WEFT_API_TOKEN || undefined }).catch(
        (err: Error) => {
          io.err(`weft: note: the HTTP API did not start: ${err.message}`);
          return undefined;
        },
      );
      if (api) config.consoleUrl ??= api.url; // the example's run links to its console page
      const stopAll = async () => {
        if (worker.getState() === 'RUNNING') worker.shutdown();
      };
      onShutdownSignal(stopAll);
      const running = worker.run().finally(async () => {
        await api?.close();
        await client.close();
        await connection.close();
        await server?.stop();
        codec?.close();
        await tracing?.shutdown();
      });
      io.err(
        [
          `Weft is up: Temporal ${config.address}${server ? ' (dev server, data in ' + resolve(flags.db) + ')' : ''}, ` +
            `task queue "${flags.taskQueue ?? config.taskQueue}".`,
          uiUrl ? `Web UI: ${uiUrl}` : '',
          api ? `Console: ${api.url}/  API: ${api.url}/api (docs/http-api.md)` : '',
          flags.metricsPort !== undefined ? `Metrics: http://127.0.0.1:${flags.metricsPort}/metrics` : '',
          `Try: TEMPORAL_ADDRESS=${config.address} npx weft run examples/etl-diamond.json --wait`,
        ]
          .filter(Boolean)
          .join('\n'),
      );
      let exitCode: number | void = 0;
      if (flags.example && hooks.afterStart) {
        exitCode = await hooks
          .afterStart({ ...config, taskQueue: flags.taskQueue ?? config.taskQueue }, flags.example)
          .catch(async (err) => {
            await stopAll();
            await running;
            throw err;
          });
      }
      if (flags.exit || process.env.CI === 'true' || process.env.CI === '1') {
        await stopAll();
      } else {
        io.err('Serving until Ctrl-C.');
      }
      await running;
      if (exitCode) throw new WeftExit(exitCode, 'the example run did not succeed');
    });
}
