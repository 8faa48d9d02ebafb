/**
 * `dag` nodes: an inline sub-DAG, run as a child `weftDag` (workflow id `<parent workflow id>.<node id>`),
 * so it has its own history, node table and saga, and shows in the Web UI as a child. Its output is the
 * node's output; when it fails it has compensated itself, and the node fails with its error.
 */
import { ApplicationFailure } from '@temporalio/workflow';
import { FAILURE_TYPES } from '../../dsl/failure-types';
import { isPlainObject } from '../../dsl/json';
import { subDagDocument } from '../../dsl/sub-dag';
import type { DagNode } from '../../dsl/schema';
import type { WeftDagInput } from '../../protocol/dag';
import { DAG_WORKFLOW_TYPE } from '../../protocol/names';
import { WeftDagKey, WeftStatusKey } from '../../protocol/search-attributes';
import { childSpec, runChild } from './child';
import type { NodeHandler } from './handler';

export const subDagHandler: NodeHandler<DagNode> = {
  async run(node, run) {
    const input = run.evaluateInput(node);
    if (input !== undefined && !isPlainObject(input)) {
      throw ApplicationFailure.create({
        type: FAILURE_TYPES.badInput,
        message: `the sub-DAG's input must be an object (it is merged over dag.input), not ${Array.isArray(input) ? 'an array' : typeof input}`,
        nonRetryable: true,
      });
    }
    const document = subDagDocument(run.doc, node.id, node.dag);
    const args: WeftDagInput = { document, input, searchAttributes: run.searchAttributes };
    const result = (await runChild(childSpec(node), {
      workflowType: DAG_WORKFLOW_TYPE,
      workflowId: `${run.info.workflowId}.${run.executionId(node)}`,
      taskQueue: node.taskQueue ?? run.doc.defaults?.taskQueue ?? run.info.taskQueue,
      args: [args],
      summary: `${run.doc.name} / ${node.id} (sub-DAG)`,
      searchAttributes: run.searchAttributes
        ? [
            { key: WeftDagKey, value: document.name },
            { key: WeftStatusKey, value: 'RUNNING' },
          ]
        : undefined,
    })) as { output?: unknown } | null;
    return { output: result?.output ?? null, attempt: null };
  },
};
