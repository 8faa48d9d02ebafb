/** The test bundle: Weft's own workflows plus the hand-written TypeScript workflows the tests use. */
export * from '../../../src/workflows';
// `export *` leaves default exports out: Weft's catch-all for workflow types no worker registers.
export { default } from '../../../src/workflows';
export * from './hello';
export { sagaOrder, countRows, runsSummaryDag, runsSearchableSummaryDag } from './as-code';
