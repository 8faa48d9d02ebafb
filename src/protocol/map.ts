/** A partitioned map's batch: what the DAG's run gives each child batch and what the batch returns. */
import type { NodeView } from '../dsl/expressions';
import type { MapUnit } from '../dsl/map-plan';
import type { NodeError } from '../dsl/run-state';
import type { Defaults, MapTemplate } from '../dsl/schema';

export interface MapBatchInput {
  /** The map node's id (activity ids are `<id>[<index>]`) and the DAG's name and defaults. */
  nodeId: string;
  dag: { name: string; defaults?: Defaults };
  template: MapTemplate;
  /** Whether units are batches of items (batchSize): their template reads `items`, not `item`. */
  batched: boolean;
  /** This batch's units, and the position of its first among all of the map's. */
  units: MapUnit[];
  firstUnit: number;
  /** What the template's expressions read of the run: its input, the upstream nodes they name, its facts. */
  context: { input: unknown; nodes: Record<string, NodeView>; run: Record<string, unknown> };
  /** Units in flight at once in this batch. */
  concurrency: number;
  /** Failed items this batch may have before it stops (what the map still tolerates when it starts). */
  tolerated: number;
  /** JSON characters its outputs may take in its result: the map's outputs together fit one payload. */
  outputChars: number;
  searchAttributes: boolean;
}

export interface MapBatchResult {
  /** One per unit, in order; null for a failed one (and for one left out to fit the payload). */
  outputs: unknown[];
  /** Items whose unit failed. */
  failedItems: number;
  /** Items whose unit succeeded (the rest of the batch failed, or was cancelled once the map failed). */
  succeededItems: number;
  /** The first few failures, with the unit's index. */
  errors: Array<{ index: number; error: NodeError }>;
  /** Outputs left out (null) to keep this result within one payload. */
  omitted: number;
}
