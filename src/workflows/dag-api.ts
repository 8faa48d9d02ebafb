/** The interpreter's interface as seen from outside: its input, its query, and what the query returns. */
import { defineQuery } from '@temporalio/workflow';
import { STATE_QUERY } from '../dsl/protocol';
import type { CompensationSummary, NodeResult } from '../dsl/run-result';
import type { RunStatus } from '../dsl/run-state';

export interface WeftDagInput {
  /** The DAG document; validated again inside the workflow (anyone can start it with the Temporal CLI). */
  document: unknown;
  /** The run's input, merged over the document's `input` defaults. */
  input?: Record<string, unknown>;
  /**
   * Set by Weft's client after it checked that the server registers Weft's search attributes; without it
   * the run does not upsert them (an unregistered attribute would fail every workflow task).
   */
  searchAttributes?: boolean;
}

export interface WeftRunView {
  workflowId: string;
  runId: string;
  dag: string;
  status: RunStatus;
  nodes: Record<string, NodeResult>;
  compensation?: CompensationSummary;
}

export const stateQuery = defineQuery<WeftRunView>(STATE_QUERY);
