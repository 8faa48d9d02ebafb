/** Running documents on the test server through the real client, as a user would. */
import { WeftClient } from '../../src/client/weft-client';
import type { WeftRunResult } from '../../src/dsl/run-result';
import type { WeftWorkerOptions } from '../../src/worker/create-worker';
import { createTestEnv, testAddress, type TestEnv } from './env';

let counter = 0;

export function doc(name: string, nodes: unknown[], extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { dsl: 'weft/v1', name, nodes, ...extra };
}

export async function weftFor(env: TestEnv): Promise<WeftClient> {
  return WeftClient.connect({ address: testAddress(), namespace: 'default', taskQueue: env.taskQueue });
}

/**
 * A worker and a client for the enclosing describe block (or file), handed to `ready` before its tests
 * and closed after them.
 */
export function useWeft(options: Partial<WeftWorkerOptions>, ready: (env: TestEnv, weft: WeftClient) => void): void {
  let env: TestEnv | undefined;
  let weft: WeftClient | undefined;
  beforeAll(async () => {
    env = await createTestEnv(options);
    weft = await weftFor(env);
    ready(env, weft);
  });
  afterAll(async () => {
    await weft?.close();
    await env?.close();
  });
}

export async function runDoc(
  weft: WeftClient,
  document: Record<string, unknown>,
  input?: Record<string, unknown>,
): Promise<WeftRunResult> {
  const workflowId = `${document.name}-${Date.now()}-${++counter}`;
  return weft.run(document, { input, workflowId });
}

/** Whether two nodes' [startedAt, endedAt] intervals overlap. */
export function overlapped(
  a: { startedAt: string | null; endedAt: string | null },
  b: { startedAt: string | null; endedAt: string | null },
) {
  return Date.parse(a.startedAt!) < Date.parse(b.endedAt!) && Date.parse(b.startedAt!) < Date.parse(a.endedAt!);
}

/** The most nodes running at one instant (an end and a start at the same instant do not overlap). */
export function maxConcurrency(nodes: Array<{ startedAt: string | null; endedAt: string | null }>): number {
  const events = nodes.flatMap((n) => [
    { at: Date.parse(n.startedAt!), delta: 1 },
    { at: Date.parse(n.endedAt!), delta: -1 },
  ]);
  events.sort((a, b) => a.at - b.at || a.delta - b.delta);
  let running = 0;
  let most = 0;
  for (const e of events) most = Math.max(most, (running += e.delta));
  return most;
}
