import { DefaultLogger, Runtime, type LogLevel } from '@temporalio/worker';

let installed = false;

/**
 * Installs Temporal's runtime once for a CLI process: quiet logs (warnings and errors), and no signal
 * handlers of its own, because `onShutdownSignal` orders the shutdown (worker first, then the server).
 * With `metricsPort`, the runtime serves Prometheus metrics at `http://127.0.0.1:<port>/metrics`: the SDK's
 * own and those Weft's workflows emit (src/workflows/run-metrics.ts).
 */
export function installQuietRuntime(options: { level?: LogLevel; metricsPort?: number } = {}): void {
  if (installed) return;
  installed = true;
  const level = options.level ?? ((process.env.WEFT_LOG_LEVEL as LogLevel) || 'WARN');
  Runtime.install({
    logger: new DefaultLogger(level),
    shutdownSignals: [],
    ...(options.metricsPort !== undefined
      ? {
          telemetryOptions: {
            metrics: { prometheus: { bindAddress: `127.0.0.1:${options.metricsPort}`, countersTotalSuffix: true } },
          },
        }
      : {}),
  });
}
