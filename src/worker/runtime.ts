import { DefaultLogger, Runtime, type LogLevel } from '@temporalio/worker';
import { WeftSetupError } from '../errors';
import { formatLogEntry, logFormatFromEnv } from './log-format';

let installed = false;

/**
 * Installs Temporal's runtime once for a CLI process: quiet logs (warnings and errors, `WEFT_LOG_LEVEL` for more;
 * one line each, JSON with `WEFT_LOG_FORMAT=json`: src/worker/log-format.ts), and no signal
 * handlers of its own, because `onShutdownSignal` orders the shutdown (worker first, then the server).
 * With `metricsPort`, the runtime serves Prometheus metrics at `http://127.0.0.1:<port>/metrics`: the SDK's
 * own and those Weft's workflows emit (src/workflows/run-metrics.ts).
 */
export function installQuietRuntime(options: { level?: LogLevel; metricsPort?: number } = {}): void {
  if (installed) return;
  installed = true;
  const level = options.level ?? logLevelFromEnv();
  const format = logFormatFromEnv();
  Runtime.install({
    logger: new DefaultLogger(level, (entry) => process.stderr.write(`${formatLogEntry(entry, format)}\n`)),
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

const LEVELS: readonly LogLevel[] = ['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR'];

/** `WEFT_LOG_LEVEL` (any case), default WARN; a level Weft does not know is refused with the list. */
export function logLevelFromEnv(env: NodeJS.ProcessEnv = process.env): LogLevel {
  const wanted = env.WEFT_LOG_LEVEL?.trim().toUpperCase();
  if (!wanted) return 'WARN';
  if (!(LEVELS as readonly string[]).includes(wanted))
    throw new WeftSetupError(`WEFT_LOG_LEVEL must be one of ${LEVELS.join(', ')}; got "${env.WEFT_LOG_LEVEL}".`);
  return wanted as LogLevel;
}
