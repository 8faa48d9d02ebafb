/**
 * Names shared by the client, the worker and the workflow sandbox: workflow types, queries, updates and
 * signals, and the envelope the worker puts around activity results for the interpreter. Changing any of
 * these breaks running workflows and old clients, so they live in one place.
 */

/** The DAG interpreter's workflow type. */
export const DAG_WORKFLOW_TYPE = 'weftDag';

/** Query answering the node table of a running or finished run. */
export const STATE_QUERY = 'state';

/**
 * The worker wraps the results of activities that a DAG run scheduled as `{ [ATTEMPT_KEY]: n, output }`,
 * so the run can report how many attempts a node took (Temporal retries inside the server and tells the
 * workflow only the final outcome). Weft's payload converter carries the attempt in the payload's metadata
 * (attempt-payload-converter.ts); histories recorded before it hold the envelope itself. Workers without the
 * wrapper still work: results pass through as is.
 */
export const ATTEMPT_KEY = '__weftAttempt';

export interface AttemptEnvelope {
  [ATTEMPT_KEY]: number;
  output: unknown;
}

export function unwrapAttempt(result: unknown): { output: unknown; attempt: number | null } {
  if (result && typeof result === 'object' && ATTEMPT_KEY in result) {
    const envelope = result as AttemptEnvelope;
    return { output: envelope.output, attempt: envelope[ATTEMPT_KEY] };
  }
  return { output: result, attempt: null };
}

/**
 * The custom search attributes Weft sets, with their server-side types. `weft server` registers them on
 * the dev server; on a cluster an operator runs, once per attribute,
 * `temporal operator search-attribute create --name WeftDag --type Keyword`.
 */
export const WEFT_SEARCH_ATTRIBUTES = {
  /** The DAG document's `name`: list all runs of one DAG with `WeftDag = "etl"`. */
  WeftDag: 'Keyword',
  /** The run's Weft status (RUNNING, PAUSED, WAITING, SUCCEEDED, FAILED, CANCELLED). */
  WeftStatus: 'Keyword',
  /** The id of the trigger (schedule) that started the run, when one did. */
  WeftTrigger: 'Keyword',
  /** A rerun's original: `WeftRerunOf = "etl-2026..."` finds every rerun of that run. */
  WeftRerunOf: 'Keyword',
} as const;

export type WeftSearchAttributeName = keyof typeof WEFT_SEARCH_ATTRIBUTES;

/** Updates a DAG run accepts: node actions take `{ nodeId, ... }`, run actions nothing. */
export const UPDATES = {
  approve: 'approve',
  reject: 'reject',
  retry: 'retry',
  skip: 'skip',
  fail: 'fail',
  pause: 'pause',
  resume: 'resume',
} as const;

/** The fixed-delay trigger's driver workflow type (Temporal Schedules have no fixed delay). */
export const FIXED_DELAY_WORKFLOW_TYPE = 'weftFixedDelay';

/** The driver's query and updates, mirroring what a Temporal Schedule handle offers. */
export const TRIGGER_DESCRIBE_QUERY = 'describe';
export const TRIGGER_UPDATES = {
  pause: 'pause',
  unpause: 'unpause',
  trigger: 'trigger',
  delete: 'delete',
  update: 'update',
} as const;

/** A batch of a partitioned map node: a child of the DAG's run that runs a range of the map's items. */
export const MAP_BATCH_WORKFLOW_TYPE = 'weftMapBatch';

/** A batch of a large map's compensations, run by the DAG's saga as a child. */
export const MAP_COMPENSATION_WORKFLOW_TYPE = 'weftMapCompensation';
