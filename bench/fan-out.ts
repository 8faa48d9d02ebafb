/**
 * The seed scenario: N independent tasks (`weft.echo`), three ways, on one worker with its default settings:
 * a `map` node over N items; a hand-written workflow running the same N activities, at most `concurrency` at
 * once; and N one-activity workflows started by the client (at most `concurrency` in flight). Activities per
 * second of each and the ratios; for the map also the largest history of any workflow in it (the DAG run
 * and its batches) and the process's peak memory (worker and client share it).
 * With `--only scale` it runs the map twice instead, over `--baseline` items (default 10,000) and over `--items`,
 * and gives the wall time per item of the larger against the smaller. With `--only undo` a map whose template
 * declares `compensate` is followed by a failing node: items undone per second by the saga against items done
 * per second by the map, in the same run.
 * Usage: `npm run bench:fan-out [-- --items 10000 --concurrency 100 --only map,hand-written|workflows|scale|undo]`.
 */
import { performance } from 'node:perf_hooks';
import { bundleWorkflowCode, DefaultLogger } from '@temporalio/worker';
import { arg, runBenchmark } from './harness';
import { WEFT_PAYLOAD_CONVERTER_PATH } from '../src/worker/create-worker';

const items = arg('items', 10_000);
const concurrency = arg('concurrency', 100);
const baseline = arg('baseline', 10_000);
const onlyArg = process.argv.includes('--only') ? process.argv[process.argv.indexOf('--only') + 1] : undefined;
/** `--only map,hand-written`: the ways to run (all three by default). */
const ways = new Set((onlyArg ?? 'map,hand-written,workflows').split(','));
const only = onlyArg;

async function main() {
  const { code } = await bundleWorkflowCode({
    workflowsPath: require.resolve('./workflows'),
    payloadConverterPath: WEFT_PAYLOAD_CONVERTER_PATH,
    logger: new DefaultLogger('ERROR'),
  });
  runBenchmark('bench-fan-out', { workflowBundle: { code } }, async (weft, taskQueue) => {
    let peakRss = 0;
    const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 200);
    const timed = async (run: () => Promise<unknown>) => {
      peakRss = 0;
      const t0 = performance.now();
      await run();
      const ms = performance.now() - t0;
      return { ms: Math.round(ms), activitiesPerSecond: Math.round((items / ms) * 1000) };
    };
    const results: Record<string, unknown> = { items, concurrency };
    try {
      const runMap = async (count: number) => {
        const workflowId = `bench-map-${count}-${Date.now()}`;
        const document = {
          dsl: 'weft/v1',
          name: 'bench-map',
          nodes: [
            {
              id: 'm',
              type: 'map',
              items: `\${ [0..${count - 1}] }`,
              maxConcurrency: concurrency,
              node: { activity: 'weft.echo', input: '${ item * 2 }' },
            },
          ],
          output: '${ $count(nodes.m.output) }',
        };
        peakRss = 0;
        const t0 = performance.now();
        const result = await weft.run(document, { workflowId });
        const ms = performance.now() - t0;
        if (result.output !== count) throw new Error(`the map returned ${JSON.stringify(result.output)}`);
        let largestHistory = 0;
        let batches = 0;
        for await (const w of weft.temporal.workflow.list({ query: `WorkflowId STARTS_WITH '${workflowId}'` })) {
          largestHistory = Math.max(largestHistory, w.historyLength);
          if (w.type === 'weftMapBatch') batches++;
        }
        return {
          items: count,
          ms: Math.round(ms),
          activitiesPerSecond: Math.round((count / ms) * 1000),
          msPerItem: Number((ms / count).toFixed(3)),
          batches,
          largestHistory,
          peakRssMb: Math.round(peakRss / 2 ** 20),
        };
      };
      const runUndo = async () => {
        const document = {
          dsl: 'weft/v1',
          name: 'bench-map-undo',
          nodes: [
            {
              id: 'm',
              type: 'map',
              items: `\${ [0..${items - 1}] }`,
              maxConcurrency: concurrency,
              node: {
                activity: 'weft.echo',
                input: '${ item * 2 }',
                compensate: { activity: 'weft.echo', input: { undo: '${ output }' } },
              },
            },
            { id: 'boom', dependsOn: ['m'], activity: 'weft.fail', input: { failTimes: 9 }, retry: { maxAttempts: 1 } },
          ],
        };
        const result = await weft.run(document, { workflowId: `bench-map-undo-${items}-${Date.now()}` });
        const m = result.nodes.m!;
        if (m.map?.compensated !== items) throw new Error(`the saga undid ${JSON.stringify(m.map)}`);
        const forwardMs = Date.parse(m.endedAt!) - Date.parse(m.startedAt!);
        const undoMs = Date.parse(m.compensation!.endedAt) - Date.parse(result.nodes.boom!.endedAt!);
        const perSecond = (ms: number) => Math.round((items / ms) * 1000);
        return {
          forward: { ms: forwardMs, itemsPerSecond: perSecond(forwardMs) },
          undo: { ms: undoMs, itemsPerSecond: perSecond(undoMs) },
          undoVsForward: Number((forwardMs / undoMs).toFixed(2)),
        };
      };
      if (only === 'scale') {
        await runMap(1_000); // warm-up: bundles load, caches fill
        const small = await runMap(baseline);
        const large = await runMap(items);
        results.scale = { small, large, perItemRatio: Number((large.msPerItem / small.msPerItem).toFixed(2)) };
        return results;
      }
      if (only === 'undo') {
        results.undo = await runUndo();
        return results;
      }
      if (ways.has('map')) results.map = await runMap(items);
      if (ways.has('hand-written')) {
        results.handWritten = await timed(() =>
          weft.temporal.workflow.execute('handWrittenPool', {
            args: [{ count: items, concurrency }],
            taskQueue,
            workflowId: `bench-pool-${items}-${Date.now()}`,
          }),
        );
      }
      if (ways.has('workflows')) {
        results.oneWorkflowEach = await timed(async () => {
          let next = 0;
          const stamp = Date.now();
          const lane = async () => {
            while (next < items) {
              const i = next++;
              await weft.temporal.workflow.execute('handWrittenOne', {
                args: [i],
                taskQueue,
                workflowId: `bench-one-${stamp}-${i}`,
              });
            }
          };
          await Promise.all(Array.from({ length: concurrency }, lane));
        });
      }
    } finally {
      clearInterval(sampler);
    }
    const rate = (key: string) => (results[key] as { activitiesPerSecond?: number } | undefined)?.activitiesPerSecond;
    const map = rate('map');
    if (map && rate('handWritten')) results.mapVsHandWritten = Number((map / rate('handWritten')!).toFixed(2));
    if (map && rate('oneWorkflowEach'))
      results.mapVsOneWorkflowEach = Number((map / rate('oneWorkflowEach')!).toFixed(2));
    return results;
  });
}

void main();
