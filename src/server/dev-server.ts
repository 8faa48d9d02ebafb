/**
 * Runs the Temporal dev server (`temporal server start-dev`) as a child process: SQLite persistence,
 * the Web UI, Weft's search attributes registered. The child is always stopped with us: on stop(), on
 * SIGINT/SIGTERM/SIGHUP, and on process exit, so no server is left behind.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { Connection } from '@temporalio/client';
import { WeftSetupError } from '../errors';
import { isPortFree, freePort } from './ports';
import { WEFT_SEARCH_ATTRIBUTES } from '../protocol/names';
import { locateTemporal } from './temporal-binary';

export interface DevServerOptions {
  /** gRPC port of the frontend; default 7233. 0 picks a free one. */
  port?: number;
  /** Web UI port; default port + 1000. 0 picks a free one. */
  uiPort?: number;
  /** SQLite file; runs survive restarts. Omit for an in-memory server (tests). */
  dbFile?: string;
  headless?: boolean;
  ip?: string;
  /** Extra namespaces to create besides "default". */
  namespaces?: string[];
  /** A codec server the Web UI asks to decode payloads (see `weft codec-server`). */
  codecEndpoint?: string;
  log?: (line: string) => void;
  /** How long to wait for the frontend to answer. The first start of a new SQLite file takes longest. */
  startTimeoutMs?: number;
}

export interface DevServer {
  /** host:port for clients and workers. */
  address: string;
  /** The Web UI's base URL, when it runs. */
  uiUrl?: string;
  pid: number;
  /** Resolves with the exit code when the server process ends, for whatever reason. */
  exited: Promise<number | null>;
  stop(): Promise<void>;
}

/** Runs `temporal` and stops it when its stdin (our pipe) closes or when told to by SIGTERM. */
const GUARDIAN = `
const { spawn } = require('node:child_process');
const [bin, ...args] = JSON.parse(process.argv[1]);
const child = spawn(bin, args, { stdio: ['ignore', 'ignore', 'inherit'] });
let stopping = false;
const stop = () => {
  if (stopping) return;
  stopping = true;
  child.kill('SIGTERM');
  setTimeout(() => child.kill('SIGKILL'), 10000).unref();
};
process.stdin.on('end', stop);
process.stdin.on('error', stop);
process.stdin.resume();
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
process.on('SIGHUP', stop);
child.on('error', (err) => { process.stderr.write(String(err) + '\\n'); process.exit(1); });
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 0 : 1)));
`;

const live = new Set<ChildProcess>();
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  // A last resort for paths that skip stop(): the synchronous 'exit' event can still send a signal.
  process.on('exit', () => {
    for (const child of live) child.kill('SIGKILL');
  });
}

async function choosePort(requested: number | undefined, fallback: number, what: string, flag: string, ip: string) {
  const port = requested === 0 ? await freePort(ip) : (requested ?? fallback);
  if (!(await isPortFree(port, ip))) {
    throw new WeftSetupError(
      `Port ${port} (${what}) is already in use, perhaps by another Temporal server; ` +
        `choose another with ${flag}, stop the other process, or set TEMPORAL_ADDRESS to use the server running there.`,
    );
  }
  return port;
}

export async function startDevServer(options: DevServerOptions = {}): Promise<DevServer> {
  const ip = options.ip ?? '127.0.0.1';
  const log = options.log ?? ((line: string) => process.stderr.write(line + '\n'));
  const port = await choosePort(options.port, 7233, 'Temporal gRPC', '--port', ip);
  const uiPort = options.headless
    ? undefined
    : await choosePort(options.uiPort, port + 1000, 'Web UI', '--ui-port', ip);
  const binary = await locateTemporal({ log });

  const args = ['server', 'start-dev', '--ip', ip, '--port', String(port), '--log-level', 'warn'];
  if (uiPort !== undefined) args.push('--ui-port', String(uiPort));
  else args.push('--headless');
  if (options.dbFile) {
    mkdirSync(dirname(options.dbFile), { recursive: true });
    args.push('--db-filename', options.dbFile);
  }
  for (const ns of options.namespaces ?? []) args.push('--namespace', ns);
  if (options.codecEndpoint) args.push('--ui-codec-endpoint', options.codecEndpoint);
  for (const [name, type] of Object.entries(WEFT_SEARCH_ATTRIBUTES)) args.push('--search-attribute', `${name}=${type}`);

  // The server runs under a tiny guardian that holds a pipe from us: if we die in any way, even by
  // SIGKILL, the kernel closes the pipe and the guardian stops the server. No orphan survives us.
  const child = spawn(process.execPath, ['-e', GUARDIAN, JSON.stringify([binary, ...args])], {
    stdio: ['pipe', 'ignore', 'pipe'],
  });
  live.add(child);
  installExitHook();
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  void exited.then(() => live.delete(child)); // never rejects

  const address = `${ip}:${port}`;
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
  };

  try {
    await waitUntilServing(address, exited, options.startTimeoutMs ?? 60_000, () => stderr);
  } catch (err) {
    await stop();
    throw err;
  }
  return {
    address,
    uiUrl: uiPort !== undefined ? `http://${ip === '0.0.0.0' ? 'localhost' : ip}:${uiPort}` : undefined,
    pid: child.pid!,
    exited,
    stop,
  };
}

async function waitUntilServing(
  address: string,
  exited: Promise<number | null>,
  timeoutMs: number,
  stderr: () => string,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let exitCode: number | null | undefined;
  void exited.then((code) => (exitCode = code)); // never rejects
  while (Date.now() < deadline) {
    if (exitCode !== undefined) {
      const tail = stderr().trim().split('\n').slice(-3).join('\n');
      throw new WeftSetupError(`The Temporal dev server exited (code ${exitCode}) before serving:\n${tail}`);
    }
    try {
      const connection = await Connection.connect({ address, connectTimeout: 1000 });
      try {
        await connection.workflowService.getSystemInfo({});
        return;
      } finally {
        await connection.close();
      }
    } catch {
      await new Promise((r) => setTimeout(r, 250));
    }
  }
  throw new WeftSetupError(`The Temporal dev server at ${address} did not answer within ${timeoutMs / 1000}s.`);
}
