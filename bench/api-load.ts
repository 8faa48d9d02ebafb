/**
 * `weft serve` under load, on loopback: `--posts` concurrent `POST /api/runs` (default 200; each starts a
 * one-node run), then `--followers` Server-Sent Events clients (default 1,000) on one run, which the server
 * follows with one watcher. Latency p50/p99 of the POSTs and of each follower's first event, the errors (0 is
 * the target), and the run views the server read while all of them followed, against one follower alone.
 * Usage: `npm run bench:api-load [-- --posts 200 --followers 1000]`.
 */
import { performance } from 'node:perf_hooks';
import { request } from 'node:http';
import { startApi } from '../src/server/api/serve';
import { arg, runBenchmark } from './harness';

const posts = arg('posts', 200);
const followers = arg('followers', 1000);

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return Math.round(sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]! * 10) / 10;
}

/** Opens one event stream and resolves with the time to its first event, once the stream ended. */
function follow(url: string): Promise<{ firstEventMs: number; events: number }> {
  const t0 = performance.now();
  return new Promise((resolve, reject) => {
    const req = request(url, { agent: false }, (res) => {
      let first = -1;
      let events = 0;
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        if (first < 0) first = performance.now() - t0;
        events += chunk.split('event: ').length - 1;
      });
      res.on('end', () => resolve({ firstEventMs: first, events }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

runBenchmark('bench-api-load', {}, async (weft) => {
  const api = await startApi(weft, { port: 0 });
  try {
    const document = { dsl: 'weft/v1', name: 'api-load', nodes: [{ id: 'a', activity: 'weft.echo', input: 1 }] };
    const latencies: number[] = [];
    const started: string[] = [];
    let errors = 0;
    const t0 = performance.now();
    await Promise.all(
      Array.from({ length: posts }, async () => {
        const start = performance.now();
        const response = await fetch(`${api.url}/api/runs`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ document }),
        });
        latencies.push(performance.now() - start);
        if (response.status !== 201) errors++;
        else started.push(((await response.json()) as { workflowId: string }).workflowId);
      }),
    );
    const postWall = performance.now() - t0;
    // The worker drains those runs first: the followers measure the API, not the worker's backlog.
    await Promise.all(started.map((id) => weft.getRun(id).result()));

    // One run that lasts a few seconds, followed by every client at once.
    const long = {
      dsl: 'weft/v1',
      name: 'api-load-followed',
      nodes: [
        { id: 'wait', type: 'sleep', duration: '3s' },
        { id: 'b', dependsOn: ['wait'], activity: 'weft.echo', input: 2 },
      ],
    };
    const followed = (await (
      await fetch(`${api.url}/api/runs`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ document: long }),
      })
    ).json()) as { workflowId: string };
    const url = `${api.url}/api/runs/${followed.workflowId}/events`;
    const streams = await Promise.allSettled(Array.from({ length: followers }, () => follow(url)));
    const ok = streams.flatMap((s) => (s.status === 'fulfilled' && s.value.events >= 2 ? [s.value] : []));
    return {
      posts: {
        count: posts,
        errors,
        wallMs: Math.round(postWall),
        p50Ms: percentile(latencies, 50),
        p99Ms: percentile(latencies, 99),
      },
      followers: {
        count: followers,
        errors: followers - ok.length,
        firstEventP50Ms: percentile(
          ok.map((s) => s.firstEventMs),
          50,
        ),
        firstEventP99Ms: percentile(
          ok.map((s) => s.firstEventMs),
          99,
        ),
        eventsPerClient: percentile(
          ok.map((s) => s.events),
          50,
        ),
      },
    };
  } finally {
    await api.close();
  }
});
