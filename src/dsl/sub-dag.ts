/** The document a `dag` node's child run interprets: its inline DAG, named after the node, with the parent's defaults. */
import { DSL_VERSION, type Defaults, type SubDag, type WeftDocument } from './schema';

/** Document names are at most 100 characters. */
const MAX_NAME = 100;

/**
 * `<parent name>.<node id>`, so `WeftDag` tells which DAG and node a child run belongs to. The parent's
 * `defaults` apply where the sub-DAG sets none (a task queue or retry policy for all activities is meant
 * for the sub-DAG's too).
 */
export function subDagDocument(
  parent: { name: string; defaults?: Defaults },
  nodeId: string,
  dag: SubDag,
): WeftDocument {
  const name = `${parent.name}.${nodeId}`.slice(0, MAX_NAME);
  const defaults =
    parent.defaults === undefined && dag.defaults === undefined ? undefined : { ...parent.defaults, ...dag.defaults };
  return { dsl: DSL_VERSION, name, ...dag, ...(defaults ? { defaults } : {}) };
}
