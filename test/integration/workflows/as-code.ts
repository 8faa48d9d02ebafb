/** Hand-written workflows for the workflow-as-code tests: Saga, DAG <-> TypeScript calls. */
import { proxyActivities, sleep, workflowInfo } from '@temporalio/workflow';
import { dag, executeDag, text, withSaga, type BuiltinActivities } from '../../../src/workflow';

const {
  'weft.echo': echo,
  'weft.fail': fail,
  'weft.sleep': pause,
} = proxyActivities<BuiltinActivities>({
  startToCloseTimeout: '1m',
  heartbeatTimeout: '5s',
  retry: { maximumAttempts: 1 },
});

/** reserve -> charge -> ship; `shipFails` makes ship fail, `slowShip` makes it wait to be cancelled. */
export async function sagaOrder(options: {
  shipFails?: boolean;
  slowShip?: boolean;
  parallel?: boolean;
}): Promise<string> {
  return withSaga(
    async (saga) => {
      await saga.step(
        'reserve',
        () => echo({ did: 'reserve' }),
        () => echo({ undo: 'reserve' }),
      );
      await saga.step(
        'charge',
        () => echo({ did: 'charge' }),
        () => echo({ undo: 'charge' }),
      );
      await saga.step('notify', () => echo({ did: 'notify' })); // nothing to undo
      if (options.slowShip) await pause({ ms: 60_000 });
      if (options.shipFails) await fail({ message: 'carrier refused', nonRetryable: true });
      return 'shipped';
    },
    { parallel: options.parallel },
  );
}

/** A TypeScript workflow a DAG node runs. */
export async function countRows(input: { table: string; day: string }): Promise<{ table: string; rows: number }> {
  await sleep(10);
  return { table: input.table, rows: input.day.length * 100 };
}

/** A DAG built with the typed builder, run by a TypeScript workflow. */
export const summaryDag = dag<{ double(input: { n: number }): Promise<{ n: number }> }, { n: number }>('summary', {
  input: { n: 1 },
})
  .activity('start', 'weft.echo', { input: ({ input }) => ({ n: input.n }) })
  .activity('twice', 'weft.echo', {
    dependsOn: ['start'],
    input: ({ nodes }) => ({ n: nodes.start.output.n, label: text`n=${nodes.start.output.n}` }),
  })
  .output(({ nodes }) => ({ n: nodes.twice.output.n, label: nodes.twice.output.label }))
  .build();

/** The same, with the child searchable as runs the client starts are. */
export async function runsSearchableSummaryDag(n: number): Promise<string> {
  const result = await executeDag(summaryDag, {
    input: { n },
    searchAttributes: true,
    workflowId: `${workflowInfo().workflowId}.summary`,
  });
  return result.status;
}

export async function runsSummaryDag(n: number): Promise<{ n: number; label: string; status: string }> {
  const result = await executeDag(summaryDag, { input: { n } });
  return { ...result.output, status: result.status };
}
