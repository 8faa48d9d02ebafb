/**
 * `weftMapCompensation`: a batch of a large map's compensations, a child of the DAG's run started by its
 * saga. It runs its units' `compensate` activities, newest completion first, with the map's concurrency, and
 * reports how many were undone and how many still failed.
 */
import type { MapCompensationInput, MapCompensationResult } from '../../protocol/map';
import { runCompensations } from './compensations';

export function weftMapCompensation(input: MapCompensationInput): Promise<MapCompensationResult> {
  const env = {
    nodeId: input.nodeId,
    dag: input.dag,
    template: input.template,
    batched: input.batched,
    context: input.context,
  };
  return runCompensations(env, input.units, input.concurrency);
}
