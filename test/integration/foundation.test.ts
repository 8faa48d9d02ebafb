import { createTestEnv, type TestEnv } from './env';

describe('a worker on the real Temporal dev server', () => {
  let env: TestEnv;
  beforeAll(async () => {
    env = await createTestEnv();
  });
  afterAll(() => env?.close());

  it('runs a TypeScript workflow that calls built-in activities', async () => {
    const result = await env.client.workflow.execute('helloWorkflow', {
      taskQueue: env.taskQueue,
      workflowId: `hello-${Date.now()}`,
      args: ['weft'],
    });
    expect(result).toEqual({ greeting: { hello: 'weft' }, slept: { sleptMs: 50 } });
  });

  it('records the activity calls in the workflow history', async () => {
    const workflowId = `hello-history-${Date.now()}`;
    await env.client.workflow.execute('helloWorkflow', { taskQueue: env.taskQueue, workflowId, args: ['history'] });
    const history = await env.client.workflow.getHandle(workflowId).fetchHistory();
    const scheduled = history.events!.filter((e) => e.activityTaskScheduledEventAttributes);
    expect(scheduled.map((e) => e.activityTaskScheduledEventAttributes!.activityType!.name)).toEqual([
      'weft.echo',
      'weft.sleep',
    ]);
  });
});
