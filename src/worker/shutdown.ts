/**
 * One place that turns Ctrl-C / SIGTERM / SIGHUP into an orderly stop: the first signal runs the
 * cleanup (worker drain, then server stop); a second one forces the exit after killing children.
 */
const SIGNALS: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

export function onShutdownSignal(cleanup: (signal: NodeJS.Signals) => Promise<void> | void): () => void {
  let stopping = false;
  const handler = (signal: NodeJS.Signals) => {
    if (stopping) {
      process.stderr.write('Forced exit.\n');
      process.exit(130);
    }
    stopping = true;
    Promise.resolve(cleanup(signal)).catch((err) => {
      process.stderr.write(`Error while shutting down: ${(err as Error).message}\n`);
      process.exitCode = 1;
    });
  };
  for (const s of SIGNALS) process.on(s, handler);
  return () => SIGNALS.forEach((s) => process.off(s, handler));
}
