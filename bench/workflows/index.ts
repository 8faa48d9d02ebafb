export * from '../../src/workflows';
export * from './hand-written';
