/**
 * OpenTelemetry tracing, off unless asked for: Temporal's own interceptors (@temporalio/interceptors-opentelemetry)
 * put the run's workflow task, each node's activity and each child run (sub-DAG, map batch, exit handlers) into
 * one trace, and a client that starts runs with the same setup becomes that trace's root.
 *
 * Spans from inside the workflow leave the sandbox through a sink, which the SDK does not call on replay: a
 * worker that replays a run after a crash does not emit its spans twice.
 *
 * Outside the sandbox the interceptors use OpenTelemetry's process-wide context and propagation (a trace reaches
 * an activity through its headers), so `weftTracing()` registers its provider as the process's, as
 * OpenTelemetry's NodeSDK does. A process with its own OpenTelemetry setup uses Temporal's OpenTelemetryPlugin
 * directly instead (docs/tracing.md).
 */
import { OpenTelemetryPlugin, OpenTelemetryWorkflowClientInterceptor } from '@temporalio/interceptors-opentelemetry';
import type { WorkflowClientInterceptor } from '@temporalio/client';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { Resource } from '@opentelemetry/resources';
import { BatchSpanProcessor, type SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';

export interface WeftTracingOptions {
  /**
   * The service the spans belong to; default `OTEL_SERVICE_NAME`, else `weft`. Give workers and the
   * API different names to tell them apart in a tracing backend.
   */
  serviceName?: string;
  /**
   * Where spans go. Default: batched, over OTLP/HTTP (JSON) to `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`, or
   * `OTEL_EXPORTER_OTLP_ENDPOINT` + `/v1/traces`, or `http://localhost:4318/v1/traces`, with the headers of
   * `OTEL_EXPORTER_OTLP_HEADERS` (the OpenTelemetry exporter reads these variables itself).
   */
  spanProcessor?: SpanProcessor;
}

export interface WeftTracing {
  /** For `createWeftWorker({ tracing })` (or a worker's `plugins`): workflow, activity and child-run spans. */
  readonly plugin: OpenTelemetryPlugin;
  /** For `WeftClient.connect({}, { interceptors })`: a span for each start, signal, update and query. */
  readonly clientInterceptors: WorkflowClientInterceptor[];
  /** Sends what is still buffered and stops; call it after the worker has shut down. */
  shutdown(): Promise<void>;
}

/** True when the environment asks for traces the way OpenTelemetry's SDKs read it (`OTEL_TRACES_EXPORTER=otlp`). */
export function tracingRequestedByEnv(env: NodeJS.ProcessEnv = process.env): boolean {
  return (env.OTEL_TRACES_EXPORTER ?? '')
    .split(',')
    .map((name) => name.trim())
    .includes('otlp');
}

export function weftTracing(options: WeftTracingOptions = {}): WeftTracing {
  const serviceName = options.serviceName ?? (process.env.OTEL_SERVICE_NAME || 'weft');
  const spanProcessor = options.spanProcessor ?? new BatchSpanProcessor(new OTLPTraceExporter());
  const resource = new Resource({ 'service.name': serviceName });
  const provider = new NodeTracerProvider({ resource, spanProcessors: [spanProcessor] });
  provider.register(); // AsyncLocalStorage context and W3C trace-context propagation
  const tracer = provider.getTracer('weft');
  return {
    plugin: new OpenTelemetryPlugin({ resource, spanProcessor, tracer }),
    clientInterceptors: [new OpenTelemetryWorkflowClientInterceptor({ tracer })],
    shutdown: () => provider.shutdown(),
  };
}
