/** `weft approve|reject|retry|skip|fail|pause|resume|cancel`: steering a running DAG. */
import type { Command } from 'commander';
import { parseJsonArgument } from '../client/documents';
import { renderSummary } from '../client/render';
import type { WeftRun } from '../client/weft-client';
import { withClient } from './dag-commands';
import type { Output } from './output';

async function withRun(workflowId: string, io: Output, act: (run: WeftRun) => Promise<string | void>): Promise<void> {
  const answer = await withClient((weft) => act(weft.getRun(workflowId)));
  if (answer) io.out(`${workflowId}: ${answer}`);
}

export function registerInterventionCommands(program: Command, io: Output): void {
  program
    .command('approve')
    .description('approve a waiting approval node; --data becomes its output')
    .argument('<workflowId>')
    .argument('<nodeId>')
    .option('--data <json>', 'the approval data (JSON or @file.json)')
    .addHelpText('after', '\nExample:\n  weft approve release-20261121T090000Z-1a2b3c go_live --data \'{"by": "ana"}\'')
    .action((id: string, nodeId: string, flags: { data?: string }) =>
      withRun(id, io, (run) =>
        run.approve(nodeId, flags.data === undefined ? undefined : parseJsonArgument(flags.data, '--data')),
      ),
    );

  program
    .command('reject')
    .description('reject a waiting approval node: it fails with the reason and its onFailure applies')
    .argument('<workflowId>')
    .argument('<nodeId>')
    .option('--reason <text>', 'why, recorded as the node error')
    .addHelpText('after', '\nExample:\n  weft reject release-20261121T090000Z-1a2b3c go_live --reason "freeze week"')
    .action((id: string, nodeId: string, flags: { reason?: string }) =>
      withRun(id, io, (run) => run.reject(nodeId, flags.reason)),
    );

  program
    .command('retry')
    .description('run a node that waits after failing (onFailure "wait") again, with a fresh set of attempts')
    .argument('<workflowId>')
    .argument('<nodeId>')
    .addHelpText('after', '\nExample:\n  weft retry etl-20261121T090000Z-1a2b3c load')
    .action((id: string, nodeId: string) => withRun(id, io, (run) => run.retry(nodeId)));

  program
    .command('skip')
    .description('skip a node that waits after failing; --output is what downstream nodes see')
    .argument('<workflowId>')
    .argument('<nodeId>')
    .option('--output <json>', 'the output downstream nodes see (JSON or @file.json)')
    .addHelpText('after', '\nExample:\n  weft skip etl-20261121T090000Z-1a2b3c enrich --output \'{"rows": 0}\'')
    .action((id: string, nodeId: string, flags: { output?: string }) =>
      withRun(id, io, (run) =>
        run.skip(nodeId, flags.output === undefined ? undefined : parseJsonArgument(flags.output, '--output')),
      ),
    );

  program
    .command('fail')
    .description('fail a node that waits after failing: the run takes its failure path and compensates')
    .argument('<workflowId>')
    .argument('<nodeId>')
    .option('--reason <text>', 'why, recorded as the node error')
    .addHelpText('after', '\nExample:\n  weft fail etl-20261121T090000Z-1a2b3c load --reason "source data is corrupt"')
    .action((id: string, nodeId: string, flags: { reason?: string }) =>
      withRun(id, io, (run) => run.fail(nodeId, flags.reason)),
    );

  program
    .command('pause')
    .description('stop starting new nodes; running nodes finish')
    .argument('<workflowId>')
    .addHelpText('after', '\nExample:\n  weft pause etl-20261121T090000Z-1a2b3c')
    .action((id: string) => withRun(id, io, (run) => run.pause()));

  program
    .command('resume')
    .description('start nodes again after a pause')
    .argument('<workflowId>')
    .addHelpText('after', '\nExample:\n  weft resume etl-20261121T090000Z-1a2b3c')
    .action((id: string) => withRun(id, io, (run) => run.resume()));

  program
    .command('cancel')
    .description('cancel a run: running nodes are cancelled, then completed nodes are compensated')
    .argument('<workflowId>')
    .option('--wait', 'wait until the run has ended and print its summary')
    .addHelpText('after', '\nExample:\n  weft cancel order-saga-20261121T090000Z-1a2b3c --wait')
    .action((id: string, flags: { wait?: boolean }) =>
      withRun(id, io, async (run) => {
        await run.cancel();
        if (!flags.wait)
          return 'cancellation requested; running nodes are being cancelled, then completed ones compensated';
        const result = await run.result();
        io.out(renderSummary(result));
      }),
    );
}
