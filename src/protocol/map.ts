/** A partitioned map's batch: what the DAG's run gives each child batch and what the batch returns. */
import { defineSignal } from '@temporalio/workflow';
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
  /**
   * The template declares `compensate`: the batch reports which units succeeded in order of completion, and
   * when cancelled it still returns what succeeded until then, for the DAG's saga.
   */
  compensable?: boolean;
  /** This batch's number among the map's (1, 2, ...): it names the batch in its progress signals. */
  batch?: number;
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
  /** With `compensable`: positions (among the map's units) of the units that succeeded, oldest first. */
  completed?: number[];
  /** With `compensable`: the batch was cancelled; it reports what succeeded until then. */
  cancelled?: boolean;
}

/** One unit of a map to undo: where it is among the map's units, and what its compensation reads. */
export interface CompensationUnit {
  position: number;
  unit: MapUnit;
  /** The unit's output (null where the map's output left it out to fit one payload). */
  output: unknown;
}

/** A batch of a map's compensations (`weftMapCompensation`): units newest completion first. */
export interface MapCompensationInput {
  nodeId: string;
  dag: { name: string; defaults?: Defaults };
  template: MapTemplate;
  batched: boolean;
  units: CompensationUnit[];
  context: MapBatchInput['context'];
  concurrency: number;
}

export interface MapCompensationResult {
  /** Items undone, and items whose compensation still failed after its retries. */
  compensated: number;
  failed: number;
  /** The first few failures, with the item's index. */
  errors: Array<{ index: number; error: NodeError }>;
}

/** How far a running batch is: it signals the DAG's run, at most once a second, for the live view. */
export interface MapBatchProgress {
  /** The map node's id in its round, and the batch's number (1, 2, ...). */
  nodeId: string;
  batch: number;
  /** Items done so far in this batch, and units in flight. */
  succeeded: number;
  failed: number;
  running: number;
}

export const MAP_PROGRESS_SIGNAL = 'weftMapProgress';
export const mapProgressSignal = defineSignal<[MapBatchProgress]>(MAP_PROGRESS_SIGNAL);
