/** `--otel` of `weft worker`, `weft dev` and `weft serve`: OpenTelemetry tracing over OTLP (docs/tracing.md). */
import { tracingRequestedByEnv, weftTracing, type WeftTracing } from '../worker/tracing';

export const OTEL_OPTION = [
  '--otel',
  'send OpenTelemetry traces over OTLP (also OTEL_TRACES_EXPORTER=otlp; docs/tracing.md)',
] as const;

/** Tracing when the flag or the environment asks for it; `weft-<role>` unless OTEL_SERVICE_NAME names the service. */
export function tracingFor(flag: boolean | undefined, role: 'worker' | 'dev' | 'api'): WeftTracing | undefined {
  if (!flag && !tracingRequestedByEnv()) return undefined;
  return weftTracing({ serviceName: process.env.OTEL_SERVICE_NAME || `weft-${role}` });
}
