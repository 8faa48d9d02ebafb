/**
 * Weft's workflows, as the worker bundles them into the deterministic sandbox.
 * Only @temporalio/* workflow-safe packages and src/dsl may be imported from here
 * (test/unit/boundaries.test.ts enforces it).
 */
export { weftDag } from './dag';
export { weftFixedDelay } from './fixed-delay';

export { weftMapBatch } from './map/map-batch';
export { weftMapCompensation } from './map/map-compensation';
export { weftUnknownWorkflow, weftUnknownWorkflow as default } from './unknown-workflow';
