/** A node's saga compensation: its `compensate` activity, with its own retry and timeout (S4). */
import { scheduleActivity } from '@temporalio/workflow';
import { compileActivityOptions } from '../dsl/activity-options';
import type { ActivityNode, WeftDocument } from '../dsl/schema';

export function runCompensation(
  node: ActivityNode,
  defaults: WeftDocument['defaults'],
  input: unknown,
): Promise<unknown> {
  const step = node.compensate!;
  const options = compileActivityOptions(
    { retry: step.retry, timeout: step.timeout, taskQueue: node.taskQueue },
    defaults,
  );
  return scheduleActivity(step.activity, [input], {
    ...options,
    activityId: `${node.id}.compensate`,
    summary: `compensate ${node.id}`,
  });
}
