/**
 * The custom search attributes Weft sets on its workflows, with their server-side types.
 * `weft server` registers them on the dev server; on a real cluster an operator runs
 * `temporal operator search-attribute create --name WeftDag --type Keyword` (and so on) once.
 */
export const WEFT_SEARCH_ATTRIBUTES = {
  /** The DAG document's `name`: list all runs of one DAG with `WeftDag = "etl"`. */
  WeftDag: 'Keyword',
  /** The run's Weft status (RUNNING, PAUSED, WAITING, SUCCEEDED, FAILED, CANCELLED). */
  WeftStatus: 'Keyword',
  /** The id of the trigger (schedule) that started the run, when one did. */
  WeftTrigger: 'Keyword',
} as const;

export type WeftSearchAttributeName = keyof typeof WEFT_SEARCH_ATTRIBUTES;
