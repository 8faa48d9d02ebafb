/**
 * `dag` nodes: an inline sub-DAG, run as a child `weftDag` (workflow id `<parent workflow id>.<node id>`),
 * so it has its own history, node table and saga, and shows in the Web UI as a child. Its output is the
 * node's output; when it fails it has compensated itself, and the node fails with its error.
 */
import { ApplicationFailure } from '@temporalio/workflow';
import { FAILURE_TYPES } from '../../dsl/failure-types';
import { isPlainObject } from '../../dsl/json';
import type { DagNode, Defaults, SubDag, WeftDocument } from '../../dsl/schema';
import { subDagDocument } from '../../dsl/sub-dag';
import type { WeftDagInput } from '../../protocol/dag';
import { DAG_WORKFLOW_TYPE } from '../../protocol/names';
import { WeftDagKey, WeftStatusKey } from '../../protocol/search-attributes';
import { childSpec, childTaskQueue, runChild, type ChildSpec, type ChildStart } from './child';
import type { NodeHandler } from './handler';

/** Where an inline DAG comes from and what its child run gets: used by `dag` nodes and by a map's sub-DAG items. */
export interface SubDagRun {
  parent: { name: string; defaults?: Defaults };
  /** The node that holds the DAG (it names the child's document). */
  nodeId: string;
  dag: SubDag;
  /** The evaluated input: an object, merged over `dag.input`, or nothing. */
  input: unknown;
  searchAttributes: boolean;
  /** Set the child's WeftDag and WeftStatus at its start, so it is listed like the runs the client starts. */
  listed: boolean;
}

/** Runs an inline DAG as a child `weftDag`; resolves with its output. */
export async function runSubDag(
  spec: ChildSpec,
  start: Omit<ChildStart, 'workflowType' | 'args' | 'searchAttributes'>,
  sub: SubDagRun,
): Promise<unknown> {
  const { input } = sub;
  if (input !== undefined && !isPlainObject(input)) {
    throw ApplicationFailure.create({
      type: FAILURE_TYPES.badInput,
      message: `the sub-DAG's input must be an object (it is merged over dag.input), not ${Array.isArray(input) ? 'an array' : typeof input}`,
      nonRetryable: true,
    });
  }
  const document = subDagDocument(sub.parent, sub.nodeId, sub.dag);
  const args = { document, input, searchAttributes: sub.searchAttributes };
  const result = (await runDagChild(spec, start, args, sub.listed)) as { output?: unknown } | null;
  return result?.output ?? null;
}

/**
 * Runs `args.document` as a child `weftDag` (a sub-DAG, a map's sub-DAG item, the exit handlers) and
 * resolves with its result. `listed`: the child sets WeftDag and WeftStatus at its start, so it is listed
 * like the runs the client starts (when the server registers Weft's search attributes).
 */
export function runDagChild(
  spec: ChildSpec,
  start: Omit<ChildStart, 'workflowType' | 'args' | 'searchAttributes'>,
  args: WeftDagInput & { document: WeftDocument },
  listed: boolean,
): Promise<unknown> {
  return runChild(spec, {
    ...start,
    workflowType: DAG_WORKFLOW_TYPE,
    args: [args],
    searchAttributes:
      args.searchAttributes && listed
        ? [
            { key: WeftDagKey, value: args.document.name },
            { key: WeftStatusKey, value: 'RUNNING' },
          ]
        : undefined,
  });
}

export const subDagHandler: NodeHandler<DagNode> = {
  async run(node, run) {
    const output = await runSubDag(
      childSpec(node),
      {
        workflowId: `${run.info.workflowId}.${run.executionId(node)}`,
        taskQueue: childTaskQueue(node, run.doc.defaults, run.info.taskQueue),
        summary: `${run.doc.name} / ${node.id} (sub-DAG)`,
      },
      {
        parent: run.doc,
        nodeId: node.id,
        dag: node.dag,
        input: run.evaluateInput(node),
        searchAttributes: run.searchAttributes,
        listed: true,
      },
    );
    return { output, attempt: null };
  },
};
