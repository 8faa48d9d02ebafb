/**
 * Listing DAG runs, newest first, from Temporal's visibility store: by DAG, by Weft status, waiting for a
 * person. Only `weftDag` runs that a person or a trigger started are listed: the fixed-delay drivers, a
 * map's batches and the children of a run (sub-DAGs, exit handlers) are not runs of their own, and a run
 * that continued as new is listed once, as its latest execution.
 */
import type { Client, WorkflowExecutionInfo } from '@temporalio/client';
import { WeftUsageError } from '../errors';
import { DAG_WORKFLOW_TYPE } from '../protocol/names';
import { WeftDagKey, WeftStatusKey, WeftTriggerKey } from '../protocol/search-attributes';

/** The statuses `weft list --status` takes: a run's Weft status, and Temporal's for runs ended from outside. */
export const LISTED_STATUSES = [
  'RUNNING',
  'PAUSED',
  'WAITING',
  'SUCCEEDED',
  'FAILED',
  'CANCELLED',
  'TERMINATED',
  'TIMED_OUT',
] as const;
export type ListedStatus = (typeof LISTED_STATUSES)[number];

export interface RunFilter {
  dag?: string;
  status?: string;
  /** Only runs with a node waiting for a person (WeftStatus = "WAITING"). */
  waiting?: boolean;
  /** Default 20, at most 1,000. */
  limit?: number;
  /** Only runs started before this time (ISO 8601): the next page after a page's last `startTime`. */
  before?: string;
}

export interface RunSummary {
  workflowId: string;
  runId: string;
  dag: string | null;
  status: ListedStatus;
  startTime: string;
  closeTime: string | null;
  /** Until now for a run still going. */
  durationMs: number;
}

/** Temporal's status of a closed run, in Weft's words. */
export const CLOSED_STATUS: Record<string, ListedStatus> = {
  COMPLETED: 'SUCCEEDED',
  FAILED: 'FAILED',
  CANCELLED: 'CANCELLED',
  TERMINATED: 'TERMINATED',
  TIMED_OUT: 'TIMED_OUT',
};

/** Visibility's query for `filter`; throws WeftUsageError for a status or limit Weft does not know. */
export function runListQuery(filter: RunFilter, searchAttributes: boolean): string {
  const clauses = [`WorkflowType = '${DAG_WORKFLOW_TYPE}'`, `ExecutionStatus != 'ContinuedAsNew'`];
  if (filter.status !== undefined && !(LISTED_STATUSES as readonly string[]).includes(filter.status)) {
    throw new WeftUsageError(`--status must be one of ${LISTED_STATUSES.join(', ')}; got "${filter.status}".`);
  }
  const status = filter.waiting ? 'WAITING' : filter.status;
  if ((filter.dag !== undefined || status !== undefined) && !searchAttributes) {
    throw new WeftUsageError(
      'The server does not register Weft\'s search attributes, so runs cannot be filtered by DAG or status; register them (see "weft server").',
    );
  }
  if (filter.before !== undefined) {
    const before = new Date(filter.before);
    if (Number.isNaN(before.getTime()))
      throw new WeftUsageError(`--before must be a time such as 2026-11-20T02:00:00Z; got "${filter.before}".`);
    clauses.push(`StartTime < '${before.toISOString()}'`);
  }
  if (filter.dag !== undefined) clauses.push(`${WeftDagKey.name} = ${quote(filter.dag)}`);
  if (status === 'TERMINATED' || status === 'TIMED_OUT')
    clauses.push(`ExecutionStatus = '${status === 'TERMINATED' ? 'Terminated' : 'TimedOut'}'`);
  else if (status !== undefined) clauses.push(`${WeftStatusKey.name} = ${quote(status)}`);
  return clauses.join(' AND ');
}

function quote(value: string): string {
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

export async function listRuns(temporal: Client, filter: RunFilter, searchAttributes: boolean): Promise<RunSummary[]> {
  const limit = filter.limit ?? 20;
  if (!Number.isInteger(limit) || limit < 1 || limit > 1000)
    throw new WeftUsageError(`--limit must be a whole number from 1 to 1,000; got ${String(filter.limit)}.`);
  const runs: RunSummary[] = [];
  for await (const info of temporal.workflow.list({ query: runListQuery(filter, searchAttributes) })) {
    // A child of a run (a sub-DAG, the exit handlers) is part of it; a fixed-delay trigger's runs are children
    // of its driver, but runs of their own (they carry the trigger's id).
    if (info.parentExecution && !info.typedSearchAttributes.get(WeftTriggerKey)) continue;
    runs.push(summaryOf(info));
    if (runs.length >= limit) break;
  }
  return runs;
}

function summaryOf(info: WorkflowExecutionInfo): RunSummary {
  const weftStatus = info.typedSearchAttributes.get(WeftStatusKey);
  const closed = info.status.name !== 'RUNNING';
  const status: ListedStatus = closed
    ? (CLOSED_STATUS[info.status.name] ?? 'FAILED')
    : weftStatus === 'PAUSED' || weftStatus === 'WAITING'
      ? weftStatus
      : 'RUNNING';
  const end = info.closeTime ?? new Date();
  return {
    workflowId: info.workflowId,
    runId: info.runId,
    dag: info.typedSearchAttributes.get(WeftDagKey) ?? null,
    status,
    startTime: info.startTime.toISOString(),
    closeTime: info.closeTime?.toISOString() ?? null,
    durationMs: Math.max(0, end.getTime() - info.startTime.getTime()),
  };
}
