/**
 * How Weft scales past one workflow history: one DAG of `--levels` x `--width` no-op nodes (default
 * 50 x 100 = 5,000 nodes, about 15,500 events, almost four times the point where Temporal suggests
 * continue-as-new) runs to the end by handing over to new runs of the same workflow id.
 * The baseline, run in the same process after a warm-up: a DAG of the same width small enough for one
 * history (`--baseline-levels`, default 10). Reports wall time per node for both and their ratio, how many
 * runs the large DAG took, and the longest history of any of them. Usage: `npm run bench:large [-- --levels 50]`.
 */
import { performance } from 'node:perf_hooks';
import { arg, runBenchmark } from './harness';
import { weftDocument, type Shape } from './shape';

const large: Shape = { levels: arg('levels', 50), width: arg('width', 100) };
const baseline: Shape = { levels: arg('baseline-levels', 10), width: large.width };

runBenchmark('bench-large', {}, async (weft) => {
  const measure = async (shape: Shape) => {
    const nodes = shape.levels * shape.width;
    const workflowId = `bench-large-${nodes}-${Date.now()}`;
    const t0 = performance.now();
    const result = await weft.run(weftDocument(shape), { workflowId });
    const wallMs = performance.now() - t0;
    if (result.status !== 'SUCCEEDED') throw new Error(`${workflowId} ended ${result.status}`);
    const histories: number[] = [];
    for await (const wf of weft.temporal.workflow.list({ query: `WorkflowId = '${workflowId}'` }))
      histories.push(wf.historyLength ?? 0);
    return {
      nodes,
      wallMs: Math.round(wallMs),
      msPerNode: +(wallMs / nodes).toFixed(2),
      runs: histories.length,
      longestHistory: Math.max(...histories),
      totalEvents: histories.reduce((a, b) => a + b, 0),
    };
  };

  await measure({ levels: 2, width: large.width }); // warm-up: bundle load and connections count for neither
  const small = await measure(baseline);
  const big = await measure(large);
  return { baseline: small, large: big, perNodeRatio: +(big.msPerNode / small.msPerNode).toFixed(3) };
});
