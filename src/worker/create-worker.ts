/**
 * Builds a Temporal worker that runs Weft: the DAG interpreter (and any extra workflows) plus the
 * built-in and user activities, on one task queue.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { type NativeConnection, Worker, type WorkerOptions } from '@temporalio/worker';
import { buildActivityRegistry, type RegistryOptions } from '../activities/registry';
import { parseAllowList } from '../activities/http';
import { connectWorker } from '../client/connect';
import { connectionConfigFromEnv, type WeftConnectionConfig } from '../connection';
import { attemptInterceptor } from './attempt-interceptor';
import type { WeftTracing } from './tracing';

export interface WeftWorkerOptions extends RegistryOptions {
  /**
   * A connection you made and close yourself. Without one, the worker connects with the environment's
   * settings (as `WeftClient.connect`: TEMPORAL_ADDRESS, TLS, API key or a temporal.toml profile), so a project
   * needs no @temporalio/worker import of its own; that connection closes once `run()` (or `runUntil`) ends.
   */
  connection?: NativeConnection;
  namespace?: string;
  taskQueue?: string;
  /**
   * Your workflows module (e.g. `require.resolve('./workflows')`), hosted next to Weft's own (the DAG
   * interpreter and the fixed-delay driver), so DAG nodes can run your workflows and yours can run DAGs.
   */
  workflowsPath?: string;
  /** A bundle made once with `bundleWorkflowCode`, to skip bundling on every worker start (tests, benchmarks). */
  workflowBundle?: WorkerOptions['workflowBundle'];
  /**
   * OpenTelemetry tracing (`weftTracing()`, docs/tracing.md): a span for each run's workflow, each node's
   * activity and each child run. Its workflow half is bundled with the workflows, so with `workflowBundle`
   * the bundle must have been made with `plugins: [tracing.plugin]`.
   */
  tracing?: WeftTracing;
  /** Anything else Temporal's Worker.create accepts (concurrency, cache size, interceptors...). */
  temporal?: Partial<WorkerOptions>;
}

/** The module holding Weft's workflows, as .ts under jest and as .js in the built package. */
export const WEFT_WORKFLOWS_PATH = require.resolve('../workflows');

/**
 * Weft's payload converter: a DAG node's activity result travels as the output the activity returned, with
 * the attempt in the payload's metadata (src/protocol/attempt-payload-converter.ts). A prebuilt
 * `workflowBundle` gets it with `bundleWorkflowCode({ workflowsPath, payloadConverterPath: WEFT_PAYLOAD_CONVERTER_PATH })`.
 */
export const WEFT_PAYLOAD_CONVERTER_PATH = require.resolve('../protocol/attempt-payload-converter');

export async function createWeftWorker(options: WeftWorkerOptions): Promise<Worker> {
  const env = connectionConfigFromEnv();
  const namespace = options.namespace ?? env.namespace;
  // Connecting first turns an unreachable server or an unknown namespace into one sentence (WeftSetupError).
  const ownConnection = options.connection ? undefined : await connectWorker({ ...env, namespace });
  const connection = options.connection ?? ownConnection!;
  let worker: Worker;
  try {
    worker = await createWorker(options, env, {
      connection,
      namespace,
      taskQueue: options.taskQueue ?? env.taskQueue,
    });
  } catch (err) {
    await ownConnection?.close().catch(() => undefined);
    throw err;
  }
  if (ownConnection) closeAfterRun(worker, ownConnection);
  return worker;
}

/** runUntil runs through run(), so wrapping run() covers both. */
function closeAfterRun(worker: Worker, connection: NativeConnection): void {
  const run = worker.run.bind(worker);
  worker.run = async () => {
    try {
      return await run();
    } finally {
      await connection.close().catch(() => undefined);
    }
  };
}

function createWorker(
  options: WeftWorkerOptions,
  env: WeftConnectionConfig,
  where: { connection: NativeConnection; namespace: string; taskQueue: string },
): Promise<Worker> {
  const activities = buildActivityRegistry({
    ...options,
    http: options.http ?? { allow: parseAllowList(process.env.WEFT_HTTP_ALLOW) },
  });
  const workflowSource = options.workflowBundle
    ? { workflowBundle: options.workflowBundle }
    : options.workflowsPath
      ? {
          workflowsPath: combinedWorkflowsEntry(options.workflowsPath),
          bundlerOptions: { webpackConfigHook: resolveFromWeft },
        }
      : { workflowsPath: WEFT_WORKFLOWS_PATH };
  return Worker.create({
    ...where,
    activities,
    ...workflowSource,
    dataConverter: { ...env.dataConverter, payloadConverterPath: WEFT_PAYLOAD_CONVERTER_PATH },
    // Cancellation reaches an activity only with a heartbeat's answer; the SDK's default throttles
    // heartbeats of activities without a heartbeat timeout to one per 30s, so cancelling a run would
    // wait that long for weft.sleep or weft.http to notice.
    defaultHeartbeatThrottleInterval: '2s',
    ...options.temporal,
    plugins: [...(options.temporal?.plugins ?? []), ...(options.tracing ? [options.tracing.plugin] : [])],
    interceptors: {
      ...options.temporal?.interceptors,
      activity: [attemptInterceptor, ...(options.temporal?.interceptors?.activity ?? [])],
    },
  });
}

/**
 * The combined entry lives in a temporary folder, where webpack would not find @temporalio/workflow;
 * it is told to look where Weft's own copy is (the same copy the worker runs, as Temporal requires).
 */
function resolveFromWeft(config: any): any {
  const workflowPackage = dirname(require.resolve('@temporalio/workflow/package.json'));
  const modules = dirname(dirname(workflowPackage));
  // The entry lives in the temp directory, so the SDK's generated entrypoint would resolve
  // @temporalio/workflow by walking up from there: a stray node_modules above it (/tmp/node_modules) then
  // brings a second copy into the bundle, and two copies of CancellationScope break at the first scope.
  // The alias pins every import of it to the copy this worker runs with.
  config.resolve = {
    ...config.resolve,
    modules: [...(config.resolve?.modules ?? ['node_modules']), modules],
    alias: { ...config.resolve?.alias, '@temporalio/workflow': workflowPackage },
  };
  return config;
}

/** An entry module re-exporting Weft's workflows and the user's, for the bundler (one entry per worker). */
export function combinedWorkflowsEntry(userWorkflowsPath: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'weft-workflows-'));
  const entry = join(dir, 'index.js');
  writeFileSync(
    entry,
    // `export *` leaves default exports out: name Weft's catch-all for unregistered workflow types again.
    `export * from ${JSON.stringify(WEFT_WORKFLOWS_PATH)};\nexport * from ${JSON.stringify(resolve(userWorkflowsPath))};\n` +
      `export { weftUnknownWorkflow as default } from ${JSON.stringify(WEFT_WORKFLOWS_PATH)};\n`,
  );
  return entry;
}
