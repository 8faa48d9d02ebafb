/**
 * The library as README shows it: a worker made in one call with no connection of the user's (it connects
 * from the environment and closes what it opened), and runs that carry a Web UI link on a local dev server.
 * Without a server: test/unit/library-connect.test.ts.
 */
import { randomUUID } from 'node:crypto';
import { DefaultLogger, NativeConnection, Runtime } from '@temporalio/worker';
import { WeftClient } from '../../src/client/weft-client';
import { createWeftWorker } from '../../src/worker/create-worker';
import { testAddress } from './env';

const saved = { ...process.env };
beforeAll(() => Runtime.install({ logger: new DefaultLogger('ERROR'), shutdownSignals: [] }));
afterEach(() => {
  process.env = { ...saved };
  jest.restoreAllMocks();
});

const document = (name: string) => ({
  dsl: 'weft/v1',
  name,
  nodes: [{ id: 'greet', activity: 'greet', input: { who: 'newcomer' } }],
  output: { said: '${ nodes.greet.output }' },
});

describe('createWeftWorker without a connection', () => {
  it('connects from TEMPORAL_ADDRESS, runs a DAG with your activities, and closes its connection after run()', async () => {
    process.env.TEMPORAL_ADDRESS = testAddress();
    process.env.WEFT_TASK_QUEUE = `one-call-${randomUUID()}`;
    const close = jest.spyOn(NativeConnection.prototype, 'close');
    const worker = await createWeftWorker({
      activities: { greet: async ({ who }: { who: string }) => `hello ${who}` },
      workflowBundle: { codePath: process.env.WEFT_TEST_BUNDLE! },
    });
    const weft = await WeftClient.connect();
    try {
      const result = await worker.runUntil(() => weft.run(document('one-call-worker')));
      expect(result).toMatchObject({ status: 'SUCCEEDED', output: { said: 'hello newcomer' } });
    } finally {
      await weft.close();
    }
    expect(close).toHaveBeenCalledTimes(1);
  });

  it('keeps a connection it is given open for its owner', async () => {
    const connection = await NativeConnection.connect({ address: testAddress() });
    const worker = await createWeftWorker({
      connection,
      taskQueue: `given-${randomUUID()}`,
      workflowBundle: { codePath: process.env.WEFT_TEST_BUNDLE! },
    });
    await worker.runUntil(Promise.resolve());
    await expect(connection.workflowService.getSystemInfo({})).resolves.toBeDefined();
    await connection.close();
  });
});

describe('run.url from the library', () => {
  it("links to a local dev server's Web UI (its port + 1000) without WEFT_UI_URL", async () => {
    delete process.env.WEFT_UI_URL;
    const weft = await WeftClient.connect({ address: testAddress(), taskQueue: `url-${randomUUID()}` });
    try {
      const [host, port] = testAddress().split(':');
      expect(weft.config.uiUrl).toBe(`http://${host}:${Number(port) + 1000}`);
      const run = await weft.start(document('run-url'), { workflowId: `run-url-${randomUUID()}` });
      expect(run.url).toBe(
        `http://${host}:${Number(port) + 1000}/namespaces/default/workflows/${run.workflowId}/${run.runId}`,
      );
      await weft.temporal.workflow.getHandle(run.workflowId).terminate(); // no worker polls its queue
    } finally {
      await weft.close();
    }
  });

  it('uses WEFT_UI_URL when it is set', async () => {
    process.env.WEFT_UI_URL = 'https://temporal.example.com/';
    const weft = await WeftClient.connect({ address: testAddress() });
    try {
      expect(weft.runUrl('some-run')).toBe('https://temporal.example.com/namespaces/default/workflows/some-run');
    } finally {
      await weft.close();
    }
  });
});
