/**
 * Weft's interpreter against a hand-written TypeScript workflow running the same 100-node, 10-level DAG
 * of no-op activities: same activities, same worker, same server, runs alternating so drift hits both.
 * Prints median wall times and history sizes and their ratios (Weft / hand-written), and how long
 * validating a 5,000-node document takes. Usage: `npm run bench [-- --runs 10 --levels 10 --width 10]`.
 */
import { performance } from 'node:perf_hooks';
import type { Client } from '@temporalio/client';
import { bundleWorkflowCode, DefaultLogger } from '@temporalio/worker';
import { validateDocument } from '../src/dsl/validate';
import { arg, runBenchmark } from './harness';
import { weftDocument, type Shape } from './shape';
import { WEFT_PAYLOAD_CONVERTER_PATH } from '../src/worker/create-worker';

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function historyLength(client: Client, workflowId: string): Promise<number> {
  return (await client.workflow.getHandle(workflowId).fetchHistory()).events!.length;
}

async function main() {
  const runs = arg('runs', 7);
  const shape: Shape = { levels: arg('levels', 10), width: arg('width', 10) };
  // Weft's workflows and the hand-written one in one bundle, so both run on the same worker.
  const { code } = await bundleWorkflowCode({
    workflowsPath: require.resolve('./workflows'),
    payloadConverterPath: WEFT_PAYLOAD_CONVERTER_PATH,
    logger: new DefaultLogger('ERROR'),
  });
  runBenchmark('bench', { workflowBundle: { code } }, async (weft, taskQueue) => {
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

    return {
      shape: `${shape.levels * shape.width} nodes, ${shape.levels} levels of ${shape.width}`,
      runs,
      wallMs: { weft: Math.round(median(timings.weft)), handWritten: Math.round(median(timings.hand)) },
      wallRatio: +(median(timings.weft) / median(timings.hand)).toFixed(3),
      historyEvents: { weft: median(events.weft), handWritten: median(events.hand) },
      eventsRatio: +(median(events.weft) / median(events.hand)).toFixed(3),
      validate5000NodesMs: Math.round(validateMs),
    };
  });
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
