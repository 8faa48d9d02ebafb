/**
 * How a `map` node fans out, as pure functions: the units the template runs once each (items, or batches of
 * them with `batchSize`), the failures it tolerates, how units are partitioned into child batches that each
 * stay within Temporal's per-workflow limits, and how the units' outputs are gathered back in item order.
 */
import { analyzeTemplate } from './expressions';
import { MAX_RUNNING_NODES } from './engine-limits';
import { MAX_PAYLOAD_CHARS } from './run-result';
import type { MapNode } from './schema';

/** Items (or batches) in flight at once when the node does not say. */
export const DEFAULT_MAP_CONCURRENCY = 100;
/** Up to this many units run in the DAG's own run; more are partitioned into child batches. */
export const MAX_INLINE_UNITS = 100;
/**
 * Units per child batch: each is an activity or child (about 3 to 7 history events), so a batch's history stays
 * far below Temporal's 51,200 events and it needs no hand-over.
 */
export const MAX_UNITS_PER_BATCH = 1000;
/**
 * Batches running at once when the concurrency allows, the map's concurrency split between them: two keep the
 * slots busy while one drains its last items; more spread completions over more workflows, each task then
 * handling fewer of them (at 10,000 items on 2 cores: 1 and 2 batches 275/s, 4 batches 215/s).
 */
export const PARALLEL_BATCHES = 2;
/** A batch's share of the items, as JSON: its input must fit one payload. */
export const MAX_BATCH_INPUT_CHARS = 1_000_000;

/** What the template runs on once: one item, or (with batchSize) a slice of them. */
export interface MapUnit {
  /** `item`, or with batchSize `items`, in the template's expressions. */
  readonly value: unknown;
  /** `index`: of the item, or of the batch's first item. */
  readonly index: number;
  /** How many items it stands for (1, or the batch's length): failures are counted in items. */
  readonly size: number;
}

export function mapUnits(items: readonly unknown[], batchSize: number | undefined): MapUnit[] {
  if (batchSize === undefined) return items.map((value, index) => ({ value, index, size: 1 }));
  const units: MapUnit[] = [];
  for (let index = 0; index < items.length; index += batchSize) {
    const value = items.slice(index, index + batchSize);
    units.push({ value, index, size: value.length });
  }
  return units;
}

/** `toleratedFailures` as a count of items: "N%" of `items` rounded down; default none. */
export function toleratedCount(spec: MapNode['toleratedFailures'], items: number): number {
  if (spec === undefined) return 0;
  if (typeof spec === 'number') return spec;
  return Math.floor((items * Number.parseFloat(spec)) / 100);
}

/** The expression context a unit's template reads beyond the run's: `item` or `items`, and `index`. */
export function unitScope(unit: MapUnit, batched: boolean): { item?: unknown; items?: unknown; index: number } {
  return batched ? { items: unit.value, index: unit.index } : { item: unit.value, index: unit.index };
}

export interface BatchPlan {
  /** Consecutive ranges of units, [first, first + count). */
  readonly batches: ReadonlyArray<{ readonly first: number; readonly count: number }>;
  /** Units in flight at once inside each batch. */
  readonly perBatch: number;
  /** Batches running at once: together they keep `concurrency` units in flight. */
  readonly parallelBatches: number;
}

/**
 * Cuts the units into child batches of at most MAX_UNITS_PER_BATCH units and MAX_BATCH_INPUT_CHARS of input
 * each, and splits `concurrency` between them so the map as a whole never has more in flight.
 */
export function planBatches(units: readonly MapUnit[], concurrency: number): BatchPlan {
  const batches = cutBatches(units.map((unit) => JSON.stringify(unit.value ?? null).length + 1));
  // Several batches at once (up to PARALLEL_BATCHES, more when one could not hold the concurrency), so that
  // while one batch drains its last items and the next one starts, the others keep the slots busy.
  const perBatchCap = Math.min(MAX_UNITS_PER_BATCH, MAX_RUNNING_NODES);
  const parallelBatches = Math.max(
    Math.ceil(concurrency / perBatchCap),
    Math.min(PARALLEL_BATCHES, batches.length, concurrency),
  );
  const perBatch = Math.max(1, Math.min(perBatchCap, Math.floor(concurrency / parallelBatches)));
  return { batches, perBatch, parallelBatches };
}

/**
 * Consecutive ranges of at most MAX_UNITS_PER_BATCH entries and MAX_BATCH_INPUT_CHARS of input each, given
 * each entry's size in JSON characters: the batches of a map's units, or of its compensations.
 */
export function cutBatches(sizes: readonly number[]): Array<{ first: number; count: number }> {
  const batches: Array<{ first: number; count: number }> = [];
  let first = 0;
  let chars = 0;
  sizes.forEach((size, i) => {
    const count = i - first;
    if (count > 0 && (count >= MAX_UNITS_PER_BATCH || chars + size > MAX_BATCH_INPUT_CHARS)) {
      batches.push({ first, count });
      first = i;
      chars = 0;
    }
    chars += size;
  });
  if (sizes.length > first) batches.push({ first, count: sizes.length - first });
  return batches;
}

/**
 * The node's output: one entry per item in item order (`null` where an item failed and was tolerated). With
 * batchSize, a batch whose output is an array of its length contributes its entries; if any batch returns
 * something else the output is one entry per batch.
 */
export function gatherOutputs(units: readonly MapUnit[], outputs: readonly unknown[], batched: boolean): unknown[] {
  return outputsPerItem(units, outputs, batched) ? units.flatMap((_, i) => outputs[i] as unknown[]) : [...outputs];
}

/** Whether gatherOutputs flattens the units' outputs into one entry per item (always, without batchSize). */
export function outputsPerItem(units: readonly MapUnit[], outputs: readonly unknown[], batched: boolean): boolean {
  if (!batched) return false;
  return units.every((unit, i) => Array.isArray(outputs[i]) && (outputs[i] as unknown[]).length === unit.size);
}

/**
 * A unit's output read back from the map's gathered output (null where it was left out to fit a payload):
 * what its compensation receives. `perItem` is what outputsPerItem said when the output was gathered.
 */
export function unitOutput(unit: MapUnit, position: number, gathered: unknown, perItem: boolean): unknown {
  if (!Array.isArray(gathered)) return null;
  if (perItem) return gathered.slice(unit.index, unit.index + unit.size);
  return gathered[position] ?? null;
}

/**
 * Outputs within one payload: the largest are left out (null) until the rest fits, so a batch's result never
 * gets its run terminated. Says how many were left out.
 */
export function fitOutputs(
  outputs: readonly unknown[],
  maxChars = MAX_PAYLOAD_CHARS,
): { outputs: unknown[]; omitted: number } {
  const sizes = outputs.map((output) => JSON.stringify(output ?? null).length);
  let total = sizes.reduce((sum, size) => sum + size + 1, 0);
  if (total <= maxChars) return { outputs: [...outputs], omitted: 0 };
  const fitted = [...outputs];
  let omitted = 0;
  const bySize = sizes.map((size, i) => ({ size, i })).sort((a, b) => b.size - a.size || a.i - b.i);
  for (const { size, i } of bySize) {
    if (total <= maxChars) break;
    fitted[i] = null;
    total -= size - 4;
    omitted++;
  }
  return { outputs: fitted, omitted };
}

/**
 * Each batch's share of one payload for its outputs: the map's gathered output must fit the run's result,
 * and every batch result lands in the DAG run's history, so together they stay within one payload.
 */
export function outputCharsPerBatch(batches: number): number {
  return Math.max(1_000, Math.floor(MAX_PAYLOAD_CHARS / Math.max(1, batches)));
}

/**
 * The upstream nodes the template's input and its compensation's input read: all a child batch needs of the
 * run's node table.
 */
export function templateReferences(template: MapNode['node']): string[] {
  const refs = new Set<string>();
  const undo = template.type === 'activity' ? template.compensate?.input : undefined;
  for (const value of [template.input, undo]) {
    if (value === undefined) continue;
    for (const expression of analyzeTemplate(value).expressions) for (const ref of expression.references) refs.add(ref);
  }
  return [...refs].sort();
}
