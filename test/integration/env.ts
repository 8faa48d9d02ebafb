/**
 * Per-test-file access to the shared server: a client, and a Weft worker on a task queue of its own so
 * test files never steal each other's tasks.
 */
import { randomUUID } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Runtime, DefaultLogger, type Worker } from '@temporalio/worker';
import { createWeftWorker, type WeftWorkerOptions } from '../../src/worker/create-worker';

let runtimeInstalled = false;

export interface TestEnv {
  client: Client;
  taskQueue: string;
  worker: Worker;
  /** Shuts the worker down (it polls from creation until then) and closes the connections. */
  close(): Promise<void>;
}

export function testAddress(): string {
  const address = process.env.WEFT_TEST_ADDRESS;
  if (!address)
    throw new Error(
      'WEFT_TEST_ADDRESS is not set: run integration tests through jest (global setup starts the server).',
    );
  return address;
}

export async function createTestEnv(options: Partial<WeftWorkerOptions> = {}): Promise<TestEnv> {
  if (!runtimeInstalled) {
    runtimeInstalled = true;
    Runtime.install({
      logger: new DefaultLogger((process.env.WEFT_TEST_LOG_LEVEL as 'ERROR') ?? 'ERROR'),
      shutdownSignals: [],
    });
  }
  const address = testAddress();
  const taskQueue = options.taskQueue ?? `test-${randomUUID()}`;
  const connection = await Connection.connect({ address });
  const client = new Client({ connection });
  const nativeConnection = await NativeConnection.connect({ address });
  const worker = await createWeftWorker({
    connection: nativeConnection,
    taskQueue,
    workflowBundle: { codePath: process.env.WEFT_TEST_BUNDLE! },
    http: { allow: ['127.0.0.1:*', 'localhost:*'] },
    ...options,
  });
  const running = worker.run();
  return {
    client,
    taskQueue,
    worker,
    async close() {
      worker.shutdown();
      await running;
      await connection.close();
      await nativeConnection.close();
    },
  };
}
