/**
 * Weft's interpreter against a hand-written TypeScript workflow running the same 100-node, 10-level DAG
 * of no-op activities: same activities, same worker, same server, runs alternating so drift hits both.
 * Prints median wall times and history sizes and their ratios (Weft / hand-written), and how long
 * validating a 5,000-node document takes. Usage: `npm run bench [-- --runs 10 --levels 10 --width 10]`.
 */
import { performance } from 'node:perf_hooks';
import type { Client } from '@temporalio/client';
import { bundleWorkflowCode, DefaultLogger, NativeConnection, Runtime } from '@temporalio/worker';
import { WeftClient } from '../src/client/weft-client';
import { validateDocument } from '../src/dsl/validate';
import { startDevServer } from '../src/server/dev-server';
import { createWeftWorker } from '../src/worker/create-worker';
import { weftDocument, type Shape } from './shape';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function historyLength(client: Client, workflowId: string): Promise<number> {
  return (await client.workflow.getHandle(workflowId).fetchHistory()).events!.length;
}

async function main() {
  const runs = arg('runs', 7);
  const shape: Shape = { levels: arg('levels', 10), width: arg('width', 10) };
  Runtime.install({ logger: new DefaultLogger('ERROR'), shutdownSignals: [] });
  const server = process.env.TEMPORAL_ADDRESS ? undefined : await startDevServer({ port: 0, headless: true });
  const address = server?.address ?? process.env.TEMPORAL_ADDRESS!;
  const taskQueue = `bench-${Date.now()}`;
  try {
    const { code } = await bundleWorkflowCode({ workflowsPath: require.resolve('./workflows'), logger: new DefaultLogger('ERROR') });
    const worker = await createWeftWorker({ connection: await NativeConnection.connect({ address }), taskQueue, workflowBundle: { code } });
    const running = worker.run();
    const weft = await WeftClient.connect({ address, taskQueue, namespace: 'default' });
    const document = weftDocument(shape);
    const timings = { weft: [] as number[], hand: [] as number[] };
    const events = { weft: [] as number[], hand: [] as number[] };

    const once = async (kind: 'weft' | 'hand', i: number) => {
      const workflowId = `bench-${kind}-${i}-${Date.now()}`;
      const t0 = performance.now();
      if (kind === 'weft') {
        const result = await weft.run(document, { workflowId });
        if (result.status !== 'SUCCEEDED') throw new Error(`weft run ${workflowId} ${result.status}`);
      } else {
        await weft.temporal.workflow.execute('handWrittenDag', { taskQueue, workflowId, args: [shape] });
      }
      timings[kind].push(performance.now() - t0);
      events[kind].push(await historyLength(weft.temporal, workflowId));
    };

    await once('weft', -1); // warm-up: first-run costs (workflow bundle load, connections) hit neither side
    await once('hand', -1);
    timings.weft.length = timings.hand.length = events.weft.length = events.hand.length = 0;
    for (let i = 0; i < runs; i++) {
      // Alternate which goes first so slow drift on the machine is shared fairly.
      const order: Array<'weft' | 'hand'> = i % 2 === 0 ? ['weft', 'hand'] : ['hand', 'weft'];
      for (const kind of order) await once(kind, i);
    }

    const big = weftDocument({ levels: 10, width: 500 });
    validateDocument(big); // warm-up
    const v0 = performance.now();
    const validation = validateDocument(big);
    const validateMs = performance.now() - v0;
    if (!validation.ok) throw new Error('the 5,000-node document should be valid');

    const report = {
      shape: `${shape.levels * shape.width} nodes, ${shape.levels} levels of ${shape.width}`,
      runs,
      wallMs: { weft: Math.round(median(timings.weft)), handWritten: Math.round(median(timings.hand)) },
      wallRatio: +(median(timings.weft) / median(timings.hand)).toFixed(3),
      historyEvents: { weft: median(events.weft), handWritten: median(events.hand) },
      eventsRatio: +(median(events.weft) / median(events.hand)).toFixed(3),
      validate5000NodesMs: Math.round(validateMs),
    };
    console.log(JSON.stringify(report, null, 2));
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
