import { proxyActivities } from '@temporalio/workflow';
import { nodeId, upstreamOf, type Shape } from '../shape';

const { 'weft.echo': echo } = proxyActivities<{ 'weft.echo': (input: unknown) => Promise<unknown> }>({
  startToCloseTimeout: '10m',
  retry: { maximumAttempts: 3, initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '1m' },
});

/** What a TypeScript developer would write by hand: each node starts as soon as its upstream nodes are done. */
export async function handWrittenDag({ levels, width }: Shape): Promise<Record<string, unknown>> {
  const done = new Map<string, Promise<unknown>>();
  for (let l = 0; l < levels; l++) {
    for (let i = 0; i < width; i++) {
      const id = nodeId(l, i);
      const upstream = upstreamOf(l, i, width).map((u) => done.get(u)!);
      done.set(
        id,
        Promise.all(upstream).then(() => echo({ node: id })),
      );
    }
  }
  const outputs = await Promise.all(done.values());
  return Object.fromEntries([...done.keys()].map((id, k) => [id, outputs[k]]));
}

/** `count` independent nodes, all ready at once: what a first workflow task costs per node scheduled. */
export async function handWrittenWide({ count }: { count: number }): Promise<unknown[]> {
  return Promise.all(Array.from({ length: count }, (_, i) => echo({ node: nodeId(0, i) })));
}

/** `count` independent activities, at most `concurrency` at once: the map benchmark's hand-written baseline. */
export async function handWrittenPool({ count, concurrency }: { count: number; concurrency: number }): Promise<number> {
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < count) {
      const i = next++;
      await echo(i * 2);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, lane));
  return count;
}

/** One activity: the unit of the benchmark's "one workflow per task" way. */
export async function handWrittenOne(i: number): Promise<unknown> {
  return echo(i * 2);
}
