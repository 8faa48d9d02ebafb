/**
 * The saga (S4): when a run fails or is cancelled, each SUCCEEDED node that declares `compensate` is undone,
 * newest completion first, one at a time, each with its own retry and timeout. A compensation that fails is
 * recorded, not fatal: the rest still run.
 */
import { scheduleActivity } from '@temporalio/workflow';
import { compileActivityOptions } from '../dsl/activity-options';
import { evaluateTemplate, type ExpressionContext } from '../dsl/expressions';
import type { CompensationSummary } from '../dsl/run-result';
import type { NodeError } from '../dsl/run-state';
import type { RunTracker } from '../dsl/run-tracker';
import type { ActivityNode, WeftDocument } from '../dsl/schema';
import { describeFailure } from './failures';

/** A node's compensation: its `compensate` activity, with its own retry and timeout. */
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

/**
 * Compensates the run's nodes in order, reporting the summary as it grows (to publish it). Resolves with the
 * summary, or undefined when nothing needed undoing.
 */
export async function compensateRun(
  doc: WeftDocument,
  tracker: RunTracker,
  expressions: () => ExpressionContext,
  at: () => string,
  progress: (summary: CompensationSummary) => void,
): Promise<CompensationSummary | undefined> {
  const order = tracker.compensationOrder();
  if (order.length === 0) return undefined;
  const byId = new Map(doc.nodes.map((node) => [node.id, node]));
  const summary: CompensationSummary = { compensated: [], failed: [] };
  progress(summary);
  for (const id of order) {
    const node = byId.get(id) as ActivityNode;
    const step = node.compensate!;
    let error: NodeError | null = null;
    try {
      const nodeState = tracker.state.nodes[id]!;
      const input =
        step.input === undefined
          ? { input: nodeState.compensationInput ?? null, output: nodeState.output ?? null }
          : evaluateTemplate(step.input, expressions());
      await runCompensation(node, doc.defaults, input);
    } catch (err) {
      error = describeFailure(err, `the compensation of "${id}"`);
    }
    tracker.compensated(id, error, at());
    (error ? summary.failed : summary.compensated).push(id);
    progress(summary);
  }
  return summary;
}
