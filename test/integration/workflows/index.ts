/** The test bundle: Weft's own workflows plus the hand-written TypeScript workflows the tests use. */
export * from '../../../src/workflows';
export * from './hello';
export { sagaOrder, countRows, runsSummaryDag } from './as-code';
