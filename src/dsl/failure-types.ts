/**
 * Every error type Weft itself gives a node, a run or a refused action: the one list (docs/dsl.md, "Error
 * types", shows it, and a test holds the two together). Users match these in `nonRetryable`, in results and in
 * `weft status`, so a name never changes.
 */
export const FAILURE_TYPES = {
  /** An expression (input, `when`, output) failed or went past a limit. */
  expression: 'WeftExpressionError',
  /** The DAG's `timeout` passed. */
  dagTimeout: 'DagTimeout',
  /** The node or the run was cancelled. */
  cancelled: 'Cancelled',
  /** The node's child workflow was terminated. */
  terminated: 'Terminated',
  /** A `workflow` node's child did not finish within its timeout. */
  workflowTimeout: 'WorkflowTimeout',
  /** No worker on the task queue registers the activity. */
  notFound: 'NotFoundError',
  /** A `workflow` node names a type no worker registers. */
  unknownWorkflowType: 'WeftUnknownWorkflowType',
  /** An approval was rejected. */
  rejected: 'Rejected',
  /** No approval came within the approval's timeout (onTimeout "reject"). */
  approvalTimeout: 'ApprovalTimeout',
  /** A built-in activity was given input it cannot use. */
  badInput: 'WeftBadInput',
  /** `weft.http` was asked for an address its rules do not allow. */
  hostNotAllowed: 'WeftHostNotAllowed',
  /** More items of a map failed than it tolerates. */
  mapFailed: 'WeftMapFailed',
  /** The run's failure: the node that failed it and the result are in its details. */
  dagFailed: 'WeftDagFailed',
  /** The document is invalid; the issues are in its details. */
  invalidDocument: 'WeftInvalidDocument',
  /** An operator's action (update) was refused; nothing changed. */
  actionRefused: 'WeftActionRefused',
  /** Workflow-as-code: a Saga compensated after the failure it carries as cause. */
  sagaCompensated: 'SagaCompensated',
} as const;

export type FailureType = (typeof FAILURE_TYPES)[keyof typeof FAILURE_TYPES];

/** Temporal's activity timeouts, by its TimeoutType name, as node error types. */
export const TIMEOUT_FAILURE_TYPES: Readonly<Record<string, string>> = {
  START_TO_CLOSE: 'StartToCloseTimeout',
  SCHEDULE_TO_START: 'ScheduleToStartTimeout',
  SCHEDULE_TO_CLOSE: 'ScheduleToCloseTimeout',
  HEARTBEAT: 'HeartbeatTimeout',
};
