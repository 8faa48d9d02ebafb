/**
 * One DAG of `--levels` x `--width` no-op nodes (each reading two nodes of the level before), run to the end,
 * then each of its runs' workflow tasks read back from the history: the slowest task durations, and every
 * failed or timed-out task with its cause. For finding where the engine meets Temporal's limits, not a
 * ratio for BENCHMARKS.md. Usage: `npm run bench:task-health [-- --levels 1 --width 3000 --par 0]`.
 */
import { runBenchmark, arg } from './harness';
import { readWorkflowTasks } from './workflow-tasks';

const levels = arg('levels', 1);
const width = arg('width', 3000);
const par = arg('par', 0);
const n = levels * width;
runBenchmark('bench-task-health', {}, async (weft) => {
  const nodes: any[] = [];
  for (let l = 0; l < levels; l++)
    for (let i = 0; i < width; i++)
      nodes.push({
        id: `n${l}_${i}`,
        activity: 'weft.echo',
        dependsOn: l ? [`n${l - 1}_${i}`, `n${l - 1}_${(i + 1) % width}`] : [],
        input: l ? `\${ nodes.n${l - 1}_${i}.output }` : i,
      });
  const t0 = Date.now();
  const run = await weft.start(
    { dsl: 'weft/v1', name: 'wide', nodes, ...(par ? { maxParallelism: par } : {}) },
    { workflowId: `wide-${Date.now()}` },
  );
  const result = await run.result();
  const wall = Date.now() - t0;
  const runs: any[] = [];
  const list = await weft.temporal.workflowService.listWorkflowExecutions({
    namespace: 'default',
    query: `WorkflowId = "${run.workflowId}"`,
  });
  for (const { execution } of list.executions) {
    const tasks = await readWorkflowTasks(weft, { workflowId: execution!.workflowId!, runId: execution!.runId! });
    const slowest = [...tasks.durations]
      .sort((a, b) => b - a)
      .slice(0, 5)
      .map(Math.round);
    runs.push({
      events: tasks.events.length,
      tasks: tasks.durations.length,
      slowest,
      failures: tasks.failures.slice(0, 5),
      nfail: tasks.failures.length,
    });
  }
  return { status: result.status, wall, perNode: wall / n, runs };
});
