import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { WeftClient } from '../../src/client/weft-client';
import type { WeftRunView } from '../../src/protocol/dag';
import { buildApi } from '../../src/server/api/app';
import { bearerMatches, isLoopback } from '../../src/server/api/auth';
import { RunWatchers } from '../../src/server/api/run-watchers';

const OPENAPI_FILE = join(__dirname, '../../docs/openapi.json');

describe('the OpenAPI description', () => {
  it('is committed in docs/openapi.json and up to date (WEFT_UPDATE_SCHEMA=1 rewrites it)', async () => {
    const app = await buildApi({} as WeftClient); // building the routes calls nothing on the client
    await app.ready();
    const generated = `${JSON.stringify(app.swagger(), null, 2)}\n`;
    await app.close();
    if (process.env.WEFT_UPDATE_SCHEMA) writeFileSync(OPENAPI_FILE, generated);
    expect(readFileSync(OPENAPI_FILE, 'utf8')).toBe(generated);
  });
});

describe('following runs for Server-Sent Events', () => {
  /** A client whose runs report `views` in turn, counting the reads. */
  function runsReporting(views: Array<Pick<WeftRunView, 'status'>>) {
    const reads = new Map<string, number>();
    const client = {
      getRun: (id: string) => ({
        state: () => {
          const n = reads.get(id) ?? 0;
          reads.set(id, n + 1);
          return Promise.resolve({ workflowId: id, ...views[Math.min(n, views.length - 1)] } as WeftRunView);
        },
      }),
    } as unknown as WeftClient;
    return { client, reads };
  }

  it('reads a run once per tick however many follow it, hands on changes only, and stops when it ends', async () => {
    const { client, reads } = runsReporting([{ status: 'RUNNING' }, { status: 'RUNNING' }, { status: 'SUCCEEDED' }]);
    const watchers = new RunWatchers(client, 5);
    const seen: string[][] = [[], [], []];
    const ended = Promise.all(
      seen.map(
        (views) =>
          new Promise<void>((resolve) => {
            watchers.follow('wf', { view: (v) => views.push(v.status), end: () => resolve() });
          }),
      ),
    );
    expect(watchers.size).toBe(1);
    await ended;
    expect(reads.get('wf')).toBe(3); // one read per tick, not one per follower
    expect(seen).toEqual([
      ['RUNNING', 'SUCCEEDED'],
      ['RUNNING', 'SUCCEEDED'],
      ['RUNNING', 'SUCCEEDED'],
    ]);
    expect(watchers.size).toBe(0);
  });

  it('stops reading once the last follower leaves', async () => {
    const { client, reads } = runsReporting([{ status: 'RUNNING' }]);
    const watchers = new RunWatchers(client, 5);
    const stop = watchers.follow('wf', { view: () => {}, end: () => {} });
    await new Promise((r) => setTimeout(r, 30));
    stop();
    const after = reads.get('wf')!;
    await new Promise((r) => setTimeout(r, 30));
    expect(reads.get('wf')! - after).toBeLessThanOrEqual(1);
    expect(watchers.size).toBe(0);
  });
});

describe('auth', () => {
  it('matches only "Bearer <token>"', () => {
    expect(bearerMatches('Bearer s3cret', 's3cret')).toBe(true);
    expect(bearerMatches('Bearer s3cre', 's3cret')).toBe(false);
    expect(bearerMatches('s3cret', 's3cret')).toBe(false);
    expect(bearerMatches(undefined, 's3cret')).toBe(false);
  });

  it('knows loopback from the rest', () => {
    expect(['127.0.0.1', '127.1.2.3', 'localhost', '::1'].map(isLoopback)).toEqual([true, true, true, true]);
    expect(['0.0.0.0', '10.0.0.5', '::', 'example.com'].map(isLoopback)).toEqual([false, false, false, false]);
  });
});
