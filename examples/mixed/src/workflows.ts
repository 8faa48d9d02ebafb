/** Workflow code for the mixed example: a workflow a DAG node runs, and a workflow that runs the DAG. */
import { sleep } from '@temporalio/workflow';
import { executeDag } from 'weft-dag/workflow';
import monthlyReport from './monthly-report.json';

/** Run by the DAG's `count` node (a `"type": "workflow"` node). */
export async function countRows(input: { table: string; month: string }): Promise<{ table: string; rows: number }> {
  await sleep('100ms');
  return { table: input.table, rows: Number(input.month.slice(5)) * 100 };
}

/** Runs the JSON DAG as a child workflow and reads its result. */
export async function monthlyClose(month: string): Promise<string> {
  const result = await executeDag<{ rows: number; message: string }>(monthlyReport, { input: { month } });
  return `closed ${month}: ${result.output.message}`;
}
