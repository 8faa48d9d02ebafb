/**
 * `weft-dag/workflow`: what code inside a Temporal workflow may import from Weft. Everything here is
 * deterministic and free of Node modules (the workflow bundler would refuse them).
 */
export { Saga, withSaga, type SagaOptions, type SagaReport } from './workflows/saga';
export { executeDag, dagResultOf, type ExecuteDagOptions } from './workflows/execute-dag';
export {
  dag,
  DagBuilder,
  workflowRef,
  type ActivityInterface,
  type BuiltinActivities,
  type BuildContext,
  type DagOptions,
  type TypedDag,
  type WorkflowRef,
} from './dsl/builder';
export { expr, jsonata, text, type Ref, type RefTree, type Templated } from './dsl/refs';
export type { WeftRunResult, NodeResult, CompensationSummary } from './dsl/run-result';
