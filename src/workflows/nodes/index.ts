/** The node handlers by node type: the only place the interpreter learns what a node type does. */
import type { WeftNode } from '../../dsl/schema';
import { activityHandler } from './activity';
import { approvalHandler } from './approval';
import { childWorkflowHandler } from './child-workflow';
import type { NodeHandler } from './handler';
import { sleepHandler } from './sleep';

export type { NodeHandler, NodeRunContext, Outcome } from './handler';

export const NODE_HANDLERS: { readonly [T in WeftNode['type']]: NodeHandler<Extract<WeftNode, { type: T }>> } = {
  activity: activityHandler,
  sleep: sleepHandler,
  approval: approvalHandler,
  workflow: childWorkflowHandler,
};

export function handlerOf<N extends WeftNode>(node: N): NodeHandler<N> {
  return NODE_HANDLERS[node.type] as unknown as NodeHandler<N>;
}
