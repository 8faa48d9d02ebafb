/**
 * One DAG of `--levels` x `--width` no-op nodes (each reading two nodes of the level before), run to the end,
 * then each of its runs' workflow tasks read back from the history: the slowest task durations, and every
 * failed or timed-out task with its cause. For finding where the engine meets Temporal's limits, not a
 * ratio for BENCHMARKS.md. Usage: `npm run bench:task-health [-- --levels 1 --width 3000 --par 0]`.
 */
import { runBenchmark, arg } from './harness';
import { temporal } from '@temporalio/proto';
const E = temporal.api.enums.v1.EventType;
const levels = arg('levels', 1);
const width = arg('width', 3000);
const par = arg('par', 0);
const n = levels * width;
runBenchmark('bench-task-health', {}, async (weft) => {
  const nodes: any[] = [];
  for (let l = 0; l < levels; l++) for (let i = 0; i < width; i++) nodes.push({ id: `n${l}_${i}`, activity: 'weft.echo', dependsOn: l ? [`n${l - 1}_${i}`, `n${l - 1}_${(i + 1) % width}`] : [], input: l ? `\${ nodes.n${l - 1}_${i}.output }` : i });
  const t0 = Date.now();
  const run = await weft.start({ dsl: 'weft/v1', name: 'wide', nodes, ...(par ? { maxParallelism: par } : {}) }, { workflowId: `wide-${Date.now()}` });
  const result = await run.result();
  const wall = Date.now() - t0;
  const runs: any[] = [];
  const svc = weft.temporal.workflowService;
  const list = await svc.listWorkflowExecutions({ namespace: 'default', query: `WorkflowId = "${run.workflowId}"` });
  for (const ex of list.executions) {
    let token: Uint8Array | undefined; const durations: number[] = []; const failures: string[] = []; let events = 0; let started = 0;
    do {
      const page = await svc.getWorkflowExecutionHistory({ namespace: 'default', execution: ex.execution!, nextPageToken: token, maximumPageSize: 1000 });
      for (const e of page.history!.events!) {
        events++;
        const t = Number(e.eventTime!.seconds) * 1000 + Math.floor((e.eventTime!.nanos ?? 0) / 1e6);
        if (e.eventType === E.EVENT_TYPE_WORKFLOW_TASK_STARTED) started = t;
        if (e.eventType === E.EVENT_TYPE_WORKFLOW_TASK_COMPLETED) durations.push(t - started);
        if (e.eventType === E.EVENT_TYPE_WORKFLOW_TASK_FAILED) failures.push(`${e.workflowTaskFailedEventAttributes!.cause}: ${e.workflowTaskFailedEventAttributes!.failure?.message?.slice(0, 200)}`);
        if (e.eventType === E.EVENT_TYPE_WORKFLOW_TASK_TIMED_OUT) failures.push('TIMED_OUT');
      }
      token = page.nextPageToken?.length ? page.nextPageToken : undefined;
    } while (token);
    durations.sort((a, b) => b - a);
    runs.push({ events, tasks: durations.length, slowest: durations.slice(0, 5), failures: failures.slice(0, 5), nfail: failures.length });
  }
  return { status: result.status, wall, perNode: wall / n, runs };
});
