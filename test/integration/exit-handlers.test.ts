/** Exit handlers (`onExit`) on the real server: after success, after failure and compensation, after cancel. */
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { WeftClient } from '../../src/client/weft-client';
import { doc, useWeft } from './dag-helpers';

let weft: WeftClient;
useWeft({}, (_env, w) => {
  weft = w;
});

let seq = 0;
const idOf = (name: string) => `${name}-${Date.now()}-${++seq}`;
const example = (file: string) => JSON.parse(readFileSync(join(__dirname, '../../examples', file), 'utf8')) as object;

/** Echoes what the DAG ended as and what it read. */
const report = {
  id: 'report',
  activity: 'weft.echo',
  input: {
    status: '${ run.status }',
    failed: '${ run.error.nodeId }',
    workflowId: '${ run.workflowId }',
    reserve: '${ nodes.reserve.status }',
  },
};

it('runs after success, reads the run and its nodes, and is recorded under onExit', async () => {
  const workflowId = idOf('exit-ok');
  const result = await weft.run(
    doc('exit-ok', [{ id: 'reserve', activity: 'weft.echo', input: 1 }], { onExit: [report] }),
    { workflowId },
  );
  expect(result.status).toBe('SUCCEEDED');
  expect(result.onExit).toMatchObject({ workflowId: `${workflowId}.onExit`, status: 'SUCCEEDED' });
  expect(result.onExit!.nodes.report!.output).toEqual({ status: 'SUCCEEDED', workflowId, reserve: 'SUCCEEDED' });
});

it('runs after failure once the saga compensated, and its own failure leaves the run as it was', async () => {
  const workflowId = idOf('exit-failed');
  const result = await weft.run(
    doc(
      'exit-failed',
      [
        { id: 'reserve', activity: 'weft.echo', input: 1, compensate: { activity: 'weft.echo' } },
        {
          id: 'charge',
          dependsOn: ['reserve'],
          activity: 'weft.fail',
          input: { failTimes: 9 },
          retry: { maxAttempts: 1 },
        },
      ],
      {
        onExit: [
          report,
          {
            id: 'broken',
            activity: 'weft.fail',
            input: { failTimes: 9, message: 'pager down' },
            retry: { maxAttempts: 1 },
          },
        ],
      },
    ),
    { workflowId },
  );
  expect(result.status).toBe('FAILED');
  expect(result.error).toMatchObject({ nodeId: 'charge' });
  expect(result.compensation).toEqual({ compensated: ['reserve'], failed: [] });
  expect(result.onExit!.status).toBe('FAILED');
  expect(result.onExit!.nodes.report!.output).toEqual({
    status: 'FAILED',
    failed: 'charge',
    workflowId,
    reserve: 'COMPENSATED', // the saga ran first
  });
  expect(result.onExit!.nodes.broken).toMatchObject({
    status: 'FAILED',
    error: { message: expect.stringMatching(/pager down/) },
  });
});

it('runs after cancel', async () => {
  const workflowId = idOf('exit-cancel');
  const run = await weft.start(
    doc('exit-cancel', [{ id: 'reserve', type: 'approval' }], {
      onExit: [{ id: 'report', activity: 'weft.echo', input: { status: '${ run.status }' } }],
    }),
    { workflowId },
  );
  for (let i = 0; i < 100 && (await run.state()).nodes.reserve!.status !== 'WAITING'; i++)
    await new Promise((r) => setTimeout(r, 100));
  await run.cancel();
  const result = await run.result();
  expect(result.status).toBe('CANCELLED');
  expect(result.onExit!.nodes.report!.output).toEqual({ status: 'CANCELLED' });
});

describe('the examples', () => {
  let server: Server;
  const posted: unknown[] = [];
  beforeAll(async () => {
    // A local server only: the test reaches no other host.
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        posted.push(JSON.parse(body));
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  });
  afterAll(() => server?.close());

  it('notify-on-exit posts a summary with weft.http, after success and after failure', async () => {
    const webhook = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks/weft`;
    const ok = await weft.run(example('notify-on-exit.json'), { workflowId: idOf('notify'), input: { webhook } });
    const failed = await weft.run(example('notify-on-exit.json'), {
      workflowId: idOf('notify'),
      input: { webhook, failLoad: true },
    });
    expect([ok.status, failed.status]).toEqual(['SUCCEEDED', 'FAILED']);
    expect(posted).toEqual([
      { text: 'notify-on-exit SUCCEEDED for 2026-11-20', run: ok.workflowId, rows: 1200 },
      {
        text: 'notify-on-exit FAILED for 2026-11-20: the warehouse refused the load',
        run: failed.workflowId,
        rows: 1200,
      },
    ]);
  });

  it('follow-up-on-success starts the follow-up DAG once the run succeeded', async () => {
    const result = await weft.run(example('follow-up-on-success.json'), { workflowId: idOf('follow-up') });
    expect(result.status).toBe('SUCCEEDED');
    expect(result.onExit!.nodes.publish).toMatchObject({
      status: 'SUCCEEDED',
      output: 'published orders-2026-11-20.csv',
    });
  });
});
