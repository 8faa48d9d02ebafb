/** The node handlers by node type: the only place the interpreter learns what a node type does. */
import type { WeftNode } from '../../dsl/schema';
import { activityHandler } from './activity';
import { approvalHandler } from './approval';
import { childWorkflowHandler } from './child-workflow';
import type { NodeHandler, NodeRunContext, Outcome } from './handler';
import { mapHandler } from './map';
import { sleepHandler } from './sleep';
import { subDagHandler } from './sub-dag';

export type { NodeHandler, NodeRunContext, Outcome } from './handler';

export const NODE_HANDLERS: { readonly [T in WeftNode['type']]: NodeHandler<Extract<WeftNode, { type: T }>> } = {
  activity: activityHandler,
  sleep: sleepHandler,
  approval: approvalHandler,
  workflow: childWorkflowHandler,
  dag: subDagHandler,
  map: mapHandler,
};

export function handlerOf<N extends WeftNode>(node: N): NodeHandler<N> {
  return NODE_HANDLERS[node.type] as unknown as NodeHandler<N>;
}

/** What `handler.run` resolved with, as the node's outcome. */
export function outcomeOf(handler: NodeHandler, result: unknown): Outcome {
  return handler.outcome ? handler.outcome(result) : (result as Outcome);
}

/** Runs a node to its outcome. */
export async function runNode(node: WeftNode, run: NodeRunContext): Promise<Outcome> {
  const handler = handlerOf(node);
  return outcomeOf(handler, await handler.run(node, run));
}
