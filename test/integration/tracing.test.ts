/**
 * OpenTelemetry tracing (docs/tracing.md): a client and a `weft worker --otel` process send their spans over
 * OTLP/HTTP to a receiver on loopback, and one run is one trace, from the client's start through the DAG's
 * workflow, each node's activity and a sub-DAG's child run.
 */
import type { ChildProcess } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { WeftClient } from '../../src/client/weft-client';
import { weftTracing, type WeftTracing } from '../../src/worker/tracing';
import { doc } from './dag-helpers';
import { testAddress } from './env';
import { spawnWorker, stopWorker } from './worker-process';

interface ReceivedSpan {
  service: string;
  name: string;
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  attributes: Record<string, unknown>;
}

interface OtlpAttribute {
  key: string;
  value: { stringValue?: string; intValue?: number; boolValue?: boolean };
}
interface OtlpExport {
  resourceSpans: Array<{
    resource: { attributes: OtlpAttribute[] };
    scopeSpans: Array<{
      spans: Array<{
        name: string;
        traceId: string;
        spanId: string;
        parentSpanId?: string;
        attributes: OtlpAttribute[];
      }>;
    }>;
  }>;
}

const attributes = (list: OtlpAttribute[]) =>
  Object.fromEntries(list.map(({ key, value }) => [key, value.stringValue ?? value.intValue ?? value.boolValue]));

const received: ReceivedSpan[] = [];
let receiver: Server;
let endpoint: string;
let worker: ChildProcess | undefined;
let tracing: WeftTracing;
let weft: WeftClient;
const taskQueue = `tracing-${Date.now()}`;

beforeAll(async () => {
  // What an OpenTelemetry collector's OTLP/HTTP receiver does, reduced to keeping what it is sent.
  receiver = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      if (req.url === '/v1/traces' && req.headers['content-type']?.startsWith('application/json')) {
        for (const resourceSpans of (JSON.parse(body) as OtlpExport).resourceSpans) {
          const service = String(attributes(resourceSpans.resource.attributes)['service.name']);
          for (const scope of resourceSpans.scopeSpans)
            for (const span of scope.spans)
              received.push({ service, ...span, attributes: attributes(span.attributes) });
        }
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
  endpoint = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
  worker = await spawnWorker(['--task-queue', taskQueue, '--otel'], {
    OTEL_EXPORTER_OTLP_ENDPOINT: endpoint,
    OTEL_BSP_SCHEDULE_DELAY: '200',
  });
  tracing = weftTracing({
    serviceName: 'weft-test-client',
    spanProcessor: new SimpleSpanProcessor(new OTLPTraceExporter({ url: `${endpoint}/v1/traces` })),
  });
  weft = await WeftClient.connect(
    { address: testAddress(), namespace: 'default', taskQueue },
    { interceptors: tracing.clientInterceptors },
  );
}, 60_000);

afterAll(async () => {
  await stopWorker(worker);
  await weft?.close();
  await tracing?.shutdown();
  await new Promise((r) => receiver?.close(r));
});

it('puts a run into one trace: the start, the DAG workflow, every node activity and a sub-DAG child run', async () => {
  const document = doc('traced', [
    { id: 'extract', activity: 'weft.echo', input: { rows: 3 } },
    { id: 'load', activity: 'weft.echo', dependsOn: ['extract'], input: '{{ extract.rows }}' },
    {
      id: 'report',
      type: 'dag',
      dependsOn: ['load'],
      dag: { nodes: [{ id: 'render', activity: 'weft.echo', input: { done: true } }] },
    },
  ]);
  const run = await weft.start(document, { workflowId: `traced-${Date.now()}` });
  expect((await run.result()).status).toBe('SUCCEEDED');
  await stopWorker(worker); // flushes what the worker still holds
  worker = undefined;

  const start = received.find((s) => s.name === 'StartWorkflow:weftDag' && s.service === 'weft-test-client');
  expect(start).toBeDefined();
  const trace = received.filter((s) => s.traceId === start!.traceId);
  const named = (name: string) => trace.filter((s) => s.name === name);

  // The DAG run and the sub-DAG's child run, both on the worker, both under the client's start.
  const runs = named('RunWorkflow:weftDag');
  expect(runs.map((s) => s.service)).toEqual(['weft-worker', 'weft-worker']);
  expect(runs.map((s) => s.attributes.workflowId).sort()).toEqual([run.workflowId, `${run.workflowId}.report`]);
  expect(named('StartChildWorkflow:weftDag')).toHaveLength(1);

  // Each node's activity, by its node id, as the worker executed it.
  const executed = named('RunActivity:weft.echo');
  expect(executed.map((s) => s.attributes.temporalActivityId).sort()).toEqual(['extract', 'load', 'render']);
  expect(named('StartActivity:weft.echo')).toHaveLength(3);

  // Every span but the root has its parent in the same trace.
  const ids = new Set(trace.map((s) => s.spanId));
  for (const span of trace)
    if (span !== start) expect([span.name, ids.has(span.parentSpanId ?? '')]).toEqual([span.name, true]);
}, 90_000);
