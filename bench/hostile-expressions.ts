/**
 * How long the worst expressions we know take inside a real workflow task, where they fail their node (or,
 * for a regex RE2 runs in linear time, finish). Each runs in a node's input on a fresh run; the figure is the
 * longest workflow task of that run, from WorkflowTaskStarted to WorkflowTaskCompleted in its history, next to
 * the same run with an ordinary input as the baseline. Usage: `npm run bench:hostile [-- --runs 3]`.
 */
import { arg, runBenchmark } from './harness';
import { readWorkflowTasks } from './workflow-tasks';
const runs = arg('runs', 3);

const EXPRESSIONS: Record<string, string> = {
  baseline: '${ input.n + 1 }',
  'unbounded recursion': '${ ($f := function($x){$f($x)}; $f(1)) }',
  'sort with a lambda, 1M items': '${ $count($sort([1..999999], function($a,$b){$a < $b})) }',
  'catastrophic backtracking': '${ $match("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!", /(a+)+$/) }',
  '300 strings of 2 MB': '${ $count([1..300].($pad("", 1999999, "x"))) }',
  'two billion items': '${ $count([1..2000].[1..999999]) }',
  'deep equality in a loop': '${ $count($map([1..100000], function($i){ input = input })) }',
};

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

runBenchmark('bench-hostile', {}, async (weft) => {
  const longestTask = async (workflowId: string): Promise<{ ms: number; failedTasks: number }> => {
    const tasks = await readWorkflowTasks(weft, { workflowId });
    return { ms: Math.round(Math.max(0, ...tasks.durations)), failedTasks: tasks.failures.length };
  };
  const out: Record<string, { longestTaskMs: number; nodeStatus: string; error: string | null; failedTasks: number }> =
    {};
  for (const [name, expression] of Object.entries({ warmup: EXPRESSIONS.baseline!, ...EXPRESSIONS })) {
    const samples: number[] = [];
    let last: { status: string; error: string | null; failedTasks: number } = {
      status: '',
      error: null,
      failedTasks: 0,
    };
    for (let r = 0; r < runs; r++) {
      const workflowId = `bench-hostile-${name.replace(/\W+/g, '-')}-${r}-${Date.now()}`;
      const result = await weft.run(
        {
          dsl: 'weft/v1',
          name: 'hostile',
          input: { n: 1 },
          nodes: [{ id: 'evil', activity: 'weft.echo', input: { value: expression } }],
        },
        { workflowId },
      );
      const task = await longestTask(workflowId);
      samples.push(task.ms);
      last = {
        status: result.nodes.evil!.status,
        error: result.nodes.evil!.error?.message.replace(/^.*failed: /, '').slice(0, 80) ?? null,
        failedTasks: task.failedTasks,
      };
    }
    if (name !== 'warmup')
      out[name] = {
        longestTaskMs: median(samples),
        nodeStatus: last.status,
        error: last.error,
        failedTasks: last.failedTasks,
      };
  }
  return out;
});
