/**
 * How Weft scales past one workflow history: one DAG of `--levels` x `--width` no-op nodes (default
 * 50 x 100 = 5,000 nodes, about 15,500 events, almost four times the point where Temporal suggests
 * continue-as-new) runs to the end by handing over to new runs of the same workflow id.
 * The baseline, run in the same process after a warm-up: a DAG of the same width small enough for one
 * history (`--baseline-levels`, default 10). Reports wall time per node for both and their ratio, how many
 * runs the large DAG took, and the longest history of any of them. Usage: `npm run bench:large [-- --levels 50]`.
 */
import { performance } from 'node:perf_hooks';
import { DefaultLogger, NativeConnection, Runtime } from '@temporalio/worker';
import { WeftClient } from '../src/client/weft-client';
import { startDevServer } from '../src/server/dev-server';
import { createWeftWorker } from '../src/worker/create-worker';
import { weftDocument, type Shape } from './shape';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
}

async function main() {
  const large: Shape = { levels: arg('levels', 50), width: arg('width', 100) };
  const baseline: Shape = { levels: arg('baseline-levels', 10), width: large.width };
  Runtime.install({ logger: new DefaultLogger('ERROR'), shutdownSignals: [] });
  const server = process.env.TEMPORAL_ADDRESS ? undefined : await startDevServer({ port: 0, headless: true });
  const address = server?.address ?? process.env.TEMPORAL_ADDRESS!;
  const taskQueue = `bench-large-${Date.now()}`;
  try {
    const worker = await createWeftWorker({ connection: await NativeConnection.connect({ address }), taskQueue });
    const running = worker.run();
    const weft = await WeftClient.connect({ address, taskQueue, namespace: 'default' });

    const measure = async (shape: Shape) => {
      const nodes = shape.levels * shape.width;
      const workflowId = `bench-large-${nodes}-${Date.now()}`;
      const t0 = performance.now();
      const result = await weft.run(weftDocument(shape), { workflowId });
      const wallMs = performance.now() - t0;
      if (result.status !== 'SUCCEEDED') throw new Error(`${workflowId} ended ${result.status}`);
      const histories: number[] = [];
      for await (const wf of weft.temporal.workflow.list({ query: `WorkflowId = '${workflowId}'` })) histories.push(wf.historyLength ?? 0);
      return { nodes, wallMs: Math.round(wallMs), msPerNode: +(wallMs / nodes).toFixed(2), runs: histories.length, longestHistory: Math.max(...histories), totalEvents: histories.reduce((a, b) => a + b, 0) };
    };

    await measure({ levels: 2, width: large.width }); // warm-up: bundle load and connections count for neither
    const small = await measure(baseline);
    const big = await measure(large);
    console.log(JSON.stringify({ baseline: small, large: big, perNodeRatio: +(big.msPerNode / small.msPerNode).toFixed(3) }, null, 2));
    await weft.close();
    worker.shutdown();
    await running;
  } finally {
    await server?.stop();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
