/** A `weft worker` in a process of its own (a process installs one Temporal runtime, with its own telemetry). */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { testAddress } from './env';

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port: free } = server.address() as { port: number };
  await new Promise((r) => server.close(r));
  return free;
}

/** Starts `weft worker <args>` on the test server and resolves once it polls. */
export async function spawnWorker(args: string[], env: Record<string, string> = {}): Promise<ChildProcess> {
  const worker = spawn(process.execPath, [join(__dirname, '../../bin/weft.js'), 'worker', ...args], {
    env: { ...process.env, TEMPORAL_ADDRESS: testAddress(), ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  await new Promise<void>((resolve, reject) => {
    let seen = '';
    worker.stderr!.on('data', (chunk: Buffer) => {
      seen += chunk.toString();
      if (seen.includes('Worker polling')) resolve();
    });
    worker.on('exit', (code) => reject(new Error(`the worker exited (${code}): ${seen}`)));
  });
  return worker;
}

/** Stops a worker as Ctrl-C would and waits until it has exited (its last spans or metrics sent). */
export async function stopWorker(worker: ChildProcess | undefined): Promise<void> {
  if (!worker || worker.exitCode !== null) return;
  const exited = new Promise((r) => worker.once('exit', r));
  worker.kill('SIGTERM');
  await exited;
}
