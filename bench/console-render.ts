/**
 * The console's run page in Debian's Chromium: the time from navigation until every node of a run's DAG is
 * drawn (the page's own clock: graph and view fetched, dagre layout, SVG rendered), for a 4-node DAG (the
 * baseline: the page's fixed cost), then `--nodes` (default 1,000; target under 2 s) and 5,000. Each DAG is a
 * lattice ten nodes wide of hour-long sleeps (started, then cancelled), median of `--repeat` loads (default 5).
 * Usage: `npm run bench:console [-- --nodes 1000 --repeat 5]`.
 */
import { startApi } from '../src/server/api/serve';
import { launchBrowser } from '../test/integration/browser';
import { arg, runBenchmark } from './harness';

const sizes = [4, arg('nodes', 1000), 5000];
const repeat = arg('repeat', 5);

const lattice = (count: number) => ({
  dsl: 'weft/v1',
  name: `console-render-${count}`,
  nodes: Array.from({ length: count }, (_, i) => ({
    id: `n${i}`,
    type: 'sleep',
    duration: '1h',
    ...(i >= 10 ? { dependsOn: [`n${i - 10}`, ...(i % 10 ? [`n${i - 11}`] : [])] } : {}),
  })),
});

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

runBenchmark('bench-console', {}, async (weft) => {
  const api = await startApi(weft, { port: 0, log: false });
  const browser = await launchBrowser();
  const results: Record<string, { nodes: number; medianMs: number; ratioToBaseline: number }> = {};
  try {
    let baseline = 0;
    for (const count of sizes) {
      const run = await weft.start(lattice(count), { workflowId: `console-render-${count}-${Date.now()}` });
      const times: number[] = [];
      for (let i = 0; i < repeat; i++) {
        const page = await browser.newPage({ viewport: { width: 1280, height: 820 } });
        await page.goto(`${api.url}/runs/${run.workflowId}`);
        await page.waitForFunction(`document.querySelectorAll('svg [data-node-id]').length === ${count}`, null, {
          timeout: 120_000,
          polling: 'raf',
        });
        times.push((await page.evaluate('performance.now()')) as number);
        await page.close();
      }
      await run.cancel();
      const medianMs = Math.round(median(times));
      if (count === sizes[0]) baseline = medianMs;
      results[`${count} nodes`] = {
        nodes: count,
        medianMs,
        ratioToBaseline: Math.round((medianMs / baseline) * 100) / 100,
      };
    }
    return { chromium: browser.version(), repeat, results };
  } finally {
    await browser.close();
    await api.close();
  }
});
