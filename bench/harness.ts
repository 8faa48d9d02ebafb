/** What every benchmark needs: a server (its own dev server unless TEMPORAL_ADDRESS is set), a Weft worker and a client. */
import { DefaultLogger, NativeConnection, Runtime } from '@temporalio/worker';
import { WeftClient } from '../src/client/weft-client';
import { startDevServer } from '../src/server/dev-server';
import { createWeftWorker, type WeftWorkerOptions } from '../src/worker/create-worker';

export function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
}

/** Runs `bench` with a worker polling a task queue of its own, then shuts everything down and prints what it returned. */
export function runBenchmark(
  name: string,
  workerOptions: Partial<WeftWorkerOptions>,
  bench: (weft: WeftClient, taskQueue: string) => Promise<unknown>,
): void {
  const main = async () => {
    Runtime.install({ logger: new DefaultLogger('ERROR'), shutdownSignals: [] });
    const server = process.env.TEMPORAL_ADDRESS ? undefined : await startDevServer({ port: 0, headless: true });
    const address = server?.address ?? process.env.TEMPORAL_ADDRESS!;
    const taskQueue = `${name}-${Date.now()}`;
    try {
      const worker = await createWeftWorker({
        ...workerOptions,
        connection: await NativeConnection.connect({ address }),
        taskQueue,
      });
      const running = worker.run();
      const weft = await WeftClient.connect({ address, taskQueue, namespace: 'default' });
      try {
        console.log(JSON.stringify(await bench(weft, taskQueue), null, 2));
      } finally {
        await weft.close();
        worker.shutdown();
        await running;
      }
    } finally {
      await server?.stop();
    }
  };
  main().catch((err) => {
    console.error(err);
    process.exit(1);
  });
}
