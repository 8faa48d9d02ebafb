/** Workflow code: only `weft-dag/workflow` and `@temporalio/workflow` here (no Node modules). */
import { proxyActivities } from '@temporalio/workflow';
import { dag, executeDag, withSaga } from 'weft-dag/workflow';
import type * as activities from './activities';
import type { Order } from './activities';

const act = proxyActivities<typeof activities>({ startToCloseTimeout: '1m', retry: { maximumAttempts: 3 } });

/** A hand-written saga: each step registers its undo; a failure undoes them, newest first. */
export async function orderWorkflow(order: Order): Promise<{ trackingId: string }> {
  return withSaga(async (saga) => {
    const reservation = await saga.step(
      'reserve',
      () => act.reserveStock(order),
      (r) => act.releaseStock(r),
    );
    await saga.step(
      'charge',
      () => act.chargeCard(order),
      (c) => act.refund(c),
    );
    return act.ship(order);
  });
}

/** The same order as a typed DAG: the compiler checks activity names, inputs and upstream outputs. */
export const orderDag = dag<typeof activities, Order>('order-dag', {
  input: { orderId: 'A-1', sku: 'BOOK', amount: 12 },
})
  .activity('reserve', 'reserveStock', {
    input: ({ input }) => ({ orderId: input.orderId, sku: input.sku, amount: input.amount }),
    compensate: {
      activity: 'releaseStock',
      input: ({ nodes }) => ({ reservationId: nodes.reserve.output.reservationId }),
    },
  })
  .activity('charge', 'chargeCard', {
    dependsOn: ['reserve'],
    input: ({ input }) => ({ orderId: input.orderId, amount: input.amount }),
    compensate: { activity: 'refund', input: ({ nodes }) => ({ chargeId: nodes.charge.output.chargeId }) },
  })
  .activity('ship', 'ship', {
    dependsOn: ['charge'],
    input: ({ input, nodes }) => ({ orderId: input.orderId, sku: nodes.reserve.output.sku }),
  })
  .output(({ nodes }) => ({ trackingId: nodes.ship.output.trackingId, charged: nodes.charge.output.amount }))
  .build();

/** A TypeScript workflow running the DAG as a child, with its typed result. */
export async function orderViaDag(order: Order): Promise<string> {
  const result = await executeDag(orderDag, { input: order });
  return `${result.output.trackingId} (charged ${result.output.charged})`;
}
