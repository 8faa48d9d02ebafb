import { DefaultLogger, Runtime, type LogLevel } from '@temporalio/worker';

let installed = false;

/**
 * Installs Temporal's runtime once for a CLI process: quiet logs (warnings and errors), and no signal
 * handlers of its own, because `onShutdownSignal` orders the shutdown (worker first, then the server).
 */
export function installQuietRuntime(level: LogLevel = (process.env.WEFT_LOG_LEVEL as LogLevel) || 'WARN'): void {
  if (installed) return;
  installed = true;
  Runtime.install({ logger: new DefaultLogger(level), shutdownSignals: [] });
}
