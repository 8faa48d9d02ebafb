/**
 * Weft's workflows, as the worker bundles them into the deterministic sandbox.
 * Only @temporalio/workflow and src/dsl may be imported from here (see test/unit/boundaries.test.ts).
 */
export {};
