/**
 * Starts a worker in this process, then runs the Saga workflow (once shipping, once failing), the typed DAG,
 * and the workflow that runs the DAG. TEMPORAL_ADDRESS points at the server (default localhost:7233).
 */
import { createWeftWorker, WeftClient } from 'weft-dag';
import * as activities from './activities';
import { orderDag } from './workflows';

async function main() {
  const taskQueue = process.env.WEFT_TASK_QUEUE ?? 'weft-example-typescript';
  const worker = await createWeftWorker({
    taskQueue,
    workflowsPath: require.resolve('./workflows'),
    activities,
  });
  await worker.runUntil(async () => {
    const weft = await WeftClient.connect({ taskQueue });
    const stamp = Date.now();
    const ok = await weft.temporal.workflow.execute('orderWorkflow', {
      taskQueue,
      workflowId: `order-${stamp}`,
      args: [{ orderId: 'A-1', sku: 'BOOK', amount: 12 }],
    });
    console.log('orderWorkflow:', ok);
    const failed = await weft.temporal.workflow
      .execute('orderWorkflow', {
        taskQueue,
        workflowId: `order-fragile-${stamp}`,
        args: [{ orderId: 'A-2', sku: 'FRAGILE', amount: 30 }],
      })
      .catch((err) => err.cause?.message);
    console.log('orderWorkflow (fragile):', failed);
    const dagResult = await weft.run(orderDag, { workflowId: `order-dag-${stamp}` });
    console.log('orderDag:', dagResult.status, JSON.stringify(dagResult.output));
    const viaDag = await weft.temporal.workflow.execute('orderViaDag', {
      taskQueue,
      workflowId: `order-via-dag-${stamp}`,
      args: [{ orderId: 'A-3', sku: 'PEN', amount: 3 }],
    });
    console.log('orderViaDag:', viaDag);
    await weft.close();
  });
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
