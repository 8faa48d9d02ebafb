/**
 * The interpreter's cost per node where it is highest: a DAG whose nodes are all ready at once, against a
 * hand-written workflow that starts the same activities with `Promise.all`. Measured from the histories
 * (all workflow tasks of a run added up, per node; and the first task, per activity it scheduled: it also
 * holds the document's validation, and Weft starts at most 100 nodes in it)
 * and from the worker's CPU time per node (process.cpuUsage around each run; client and worker share the
 * process, and the client's part is the same on both sides). Runs alternate, after one warm-up of each.
 * Usage: `npm run bench:first-task [-- --nodes 1000 --runs 5]`.
 */
import { performance } from 'node:perf_hooks';
import { bundleWorkflowCode, DefaultLogger } from '@temporalio/worker';
import { arg, runBenchmark } from './harness';
import { readWorkflowTasks } from './workflow-tasks';
import { nodeId } from './shape';
import { WEFT_PAYLOAD_CONVERTER_PATH } from '../src/worker/create-worker';

const nodes = arg('nodes', 1000);
const runs = arg('runs', 5);

interface Sample {
  /** All workflow tasks of the run, from WorkflowTaskStarted to WorkflowTaskCompleted, added up. */
  allTasksMs: number;
  firstTaskMs: number;
  scheduledInFirstTask: number;
  cpuMs: number;
  wallMs: number;
  events: number;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

async function main() {
  // Weft's workflows and the hand-written one in one bundle, so both run on the same worker.
  const { code } = await bundleWorkflowCode({
    workflowsPath: require.resolve('./workflows'),
    payloadConverterPath: WEFT_PAYLOAD_CONVERTER_PATH,
    logger: new DefaultLogger('ERROR'),
  });
  runBenchmark('bench-first-task', { workflowBundle: { code } }, async (weft, taskQueue) => {
    const document = {
      dsl: 'weft/v1',
      name: `bench-wide-${nodes}`,
      nodes: Array.from({ length: nodes }, (_, i) => ({
        id: nodeId(0, i),
        activity: 'weft.echo',
        input: { node: nodeId(0, i) },
      })),
    };

    const measure = async (start: (workflowId: string) => Promise<unknown>, workflowId: string): Promise<Sample> => {
      const cpu = process.cpuUsage();
      const t0 = performance.now();
      await start(workflowId);
      const wallMs = performance.now() - t0;
      const { user, system } = process.cpuUsage(cpu);
      const { events, durations } = await readWorkflowTasks(weft, { workflowId });
      const completedId = Number(events.find((e) => e.workflowTaskCompletedEventAttributes)!.eventId);
      const scheduled = events.filter(
        (e) => Number(e.activityTaskScheduledEventAttributes?.workflowTaskCompletedEventId ?? -1) === completedId,
      ).length;
      const allTasksMs = durations.reduce((a, b) => a + b, 0);
      return {
        allTasksMs,
        firstTaskMs: durations[0]!,
        scheduledInFirstTask: scheduled,
        cpuMs: (user + system) / 1000,
        wallMs,
        events: events.length,
      };
    };

    const weftRun = (id: string) => weft.run(document, { workflowId: id });
    const handRun = (id: string) =>
      weft.temporal.workflow.execute('handWrittenWide', { args: [{ count: nodes }], taskQueue, workflowId: id });

    await measure(weftRun, `bench-wide-warm-weft-${Date.now()}`);
    await measure(handRun, `bench-wide-warm-hand-${Date.now()}`);
    const w: Sample[] = [];
    const h: Sample[] = [];
    for (let r = 0; r < runs; r++) {
      const pair = [
        async () => w.push(await measure(weftRun, `bench-wide-weft-${r}-${Date.now()}`)),
        async () => h.push(await measure(handRun, `bench-wide-hand-${r}-${Date.now()}`)),
      ];
      for (const run of r % 2 === 0 ? pair : pair.reverse()) await run();
    }
    const perNode = (s: Sample) => s.firstTaskMs / s.scheduledInFirstTask;
    const summary = (samples: Sample[]) => ({
      taskMsPerNode: +median(samples.map((s) => s.allTasksMs / nodes)).toFixed(3),
      firstTaskMs: median(samples.map((s) => s.firstTaskMs)),
      scheduledInFirstTask: median(samples.map((s) => s.scheduledInFirstTask)),
      firstTaskMsPerNode: +median(samples.map(perNode)).toFixed(3),
      cpuMsPerNode: +median(samples.map((s) => s.cpuMs / nodes)).toFixed(3),
      wallMs: Math.round(median(samples.map((s) => s.wallMs))),
      events: median(samples.map((s) => s.events)),
    });
    const weftSummary = summary(w);
    const handSummary = summary(h);
    return {
      nodes,
      runs,
      weft: weftSummary,
      handWritten: handSummary,
      ratios: {
        taskTimePerNode: +(weftSummary.taskMsPerNode / handSummary.taskMsPerNode).toFixed(2),
        firstTaskPerNode: +(weftSummary.firstTaskMsPerNode / handSummary.firstTaskMsPerNode).toFixed(2),
        cpuPerNode: +(weftSummary.cpuMsPerNode / handSummary.cpuMsPerNode).toFixed(2),
        wall: +(weftSummary.wallMs / handSummary.wallMs).toFixed(2),
      },
    };
  });
}

void main();
