import { proxyActivities } from '@temporalio/workflow';

const builtins = proxyActivities<Record<string, (input: unknown) => Promise<any>>>({
  startToCloseTimeout: '10s',
  retry: { maximumAttempts: 1 },
});

/** A TypeScript workflow calling Weft's built-in activities by their registered names. */
export async function helloWorkflow(name: string): Promise<{ greeting: unknown; slept: unknown }> {
  const greeting = await builtins['weft.echo']({ hello: name });
  const slept = await builtins['weft.sleep']({ ms: 50 });
  return { greeting, slept };
}

/** A child that fails its workflow task with a plain Error: Temporal retries such a task forever. */
export async function throwsPlainError(): Promise<never> {
  throw new Error('a plain Error is a workflow-task failure, not a workflow failure');
}
