/**
 * Weft's public API for Node programs (clients, workers, the codec). Code that runs inside a Temporal
 * workflow imports nothing from here: this entry pulls in Node modules. The CLI and the dev server are not
 * part of it: they are the `weft` command (bin/weft.js runs dist/cli directly), not a library.
 */
export { WeftClient, WeftRun, type StartOptions } from './client/weft-client';
export {
  createWeftWorker,
  WEFT_WORKFLOWS_PATH,
  WEFT_PAYLOAD_CONVERTER_PATH,
  type WeftWorkerOptions,
} from './worker/create-worker';
export { weftTracing, tracingRequestedByEnv, type WeftTracing, type WeftTracingOptions } from './worker/tracing';
export type { ClientConnectOptions } from './client/connect';
export { graphOfDocument, edgesOf, type DocumentGraph, type GraphModel, type GraphNode } from './dsl/graph-model';
export { toMermaid, toDot, type GraphStatuses } from './dsl/graph-text';
export { buildActivityRegistry, type ActivityMap, type RegistryOptions } from './activities/registry';
export { connectionConfigFromEnv, type WeftConnectionConfig } from './connection';
export { WeftSetupError, WeftUsageError } from './errors';
export {
  EncryptionCodec,
  encryptionKeysFromEnv,
  dataConverterFromEnv,
  type EncryptionKeys,
} from './codec/encryption-codec';
export { startCodecServer, type CodecServerOptions } from './codec/codec-server';
export {
  validateDocument,
  parseDocumentText,
  formatIssue,
  formatIssues,
  WeftValidationError,
  documentJsonSchema,
  type WeftDocument,
  type WeftDocumentInput,
  type WeftIssue,
} from './dsl';
export type { WeftRunResult, NodeResult, CompensationSummary } from './dsl/run-result';
export {
  WeftSchedules,
  type WeftSchedulesOptions,
  type TriggerView,
  type CreateTriggerOptions,
  type TriggerChange,
  type TimingChange,
} from './client/triggers/schedules';
export type { TriggerTiming, TriggerPolicies, OverlapPolicy } from './client/triggers/spec';
// The typed builder is pure: usable from Node code and (through `weft-dag/workflow`) from workflow code.
export { dag, DagBuilder, workflowRef, type TypedDag, type ActivityInterface } from './dsl/builder';
export { expr, jsonata, text, type Ref } from './dsl/refs';
export type { WeftDagInput, WeftRunView } from './protocol/dag';
