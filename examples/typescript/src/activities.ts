/** Plain async functions: each becomes an activity of the same name on a Weft worker. */
export interface Order {
  orderId: string;
  sku: string;
  amount: number;
}

export async function reserveStock(order: Order): Promise<{ reservationId: string; sku: string }> {
  return { reservationId: `R-${order.orderId}`, sku: order.sku };
}

export async function releaseStock(input: { reservationId: string }): Promise<void> {
  console.log(`  (compensation) released ${input.reservationId}`);
}

export async function chargeCard(input: {
  orderId: string;
  amount: number;
}): Promise<{ chargeId: string; amount: number }> {
  return { chargeId: `C-${input.orderId}`, amount: input.amount };
}

export async function refund(input: { chargeId: string }): Promise<void> {
  console.log(`  (compensation) refunded ${input.chargeId}`);
}

export async function ship(input: { orderId: string; sku: string }): Promise<{ trackingId: string }> {
  if (input.sku === 'FRAGILE') throw new Error(`the carrier refused ${input.sku}`);
  return { trackingId: `T-${input.orderId}` };
}
