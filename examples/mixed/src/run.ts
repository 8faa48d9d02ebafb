/** Starts a worker, runs the JSON DAG (which runs countRows), then monthlyClose (which runs the DAG). */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createWeftWorker, WeftClient } from 'weft-dag';

async function main() {
  const taskQueue = process.env.WEFT_TASK_QUEUE ?? 'weft-example-mixed';
  const worker = await createWeftWorker({
    taskQueue,
    workflowsPath: require.resolve('./workflows'),
  });
  await worker.runUntil(async () => {
    const weft = await WeftClient.connect({ taskQueue });
    const document = JSON.parse(readFileSync(join(__dirname, 'monthly-report.json'), 'utf8'));
    const report = await weft.run(document, { workflowId: `monthly-report-${Date.now()}` });
    console.log('monthly-report:', report.status, JSON.stringify(report.output));
    const closed = await weft.temporal.workflow.execute('monthlyClose', {
      taskQueue,
      workflowId: `monthly-close-${Date.now()}`,
      args: ['2026-10'],
    });
    console.log('monthlyClose:', closed);
    await weft.close();
  });
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
