/** `sleep` nodes: a durable timer. */
import { sleep } from '@temporalio/workflow';
import type { SleepNode } from '../../dsl/schema';
import type { NodeHandler } from './handler';

export const sleepHandler: NodeHandler<SleepNode> = {
  async run(node, run) {
    // Counted from the node's start, so a sleep carried over to a new run does not start again.
    await sleep(run.remaining(node.duration, run.nodeState(node.id).startedAt), { summary: node.id });
    return { output: null, attempt: 1 };
  },
};
