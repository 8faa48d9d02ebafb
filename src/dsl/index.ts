/**
 * The public surface of Weft's pure core. Everything here is deterministic and free of I/O and Node built-ins,
 * so the client, the CLI and the Temporal workflow sandbox can all import it (test/unit/boundaries.test.ts
 * enforces that). Named exports only: what is not listed here is internal.
 */
export {
  WEFT_ISSUE_CODES,
  MAX_ISSUES,
  DOCUMENT_PATH_LABEL,
  formatPath,
  formatIssue,
  formatIssues,
  WeftValidationError,
  type WeftIssue,
  type WeftIssueCode,
  type IssuePath,
  type FormatIssueOptions,
} from './issues';

export { parseDuration, durationToMs, MAX_DURATION_MS, type Duration, type DurationResult } from './duration';

export {
  WeftDocumentSchema,
  NodeSchema,
  RetryPolicySchema,
  ActivityTimeoutsSchema,
  WorkflowTimeoutsSchema,
  CompensationSchema,
  DefaultsSchema,
  DurationSchema,
  documentJsonSchema,
  DSL_VERSION,
  NODE_ID_PATTERN,
  DOCUMENT_NAME_PATTERN,
  NODE_TYPES,
  TRIGGER_RULES,
  ON_FAILURE_POLICIES,
  ON_APPROVAL_TIMEOUT,
  DEFAULT_INITIAL_INTERVAL_MS,
  type WeftDocument,
  type WeftDocumentInput,
  type WeftNode,
  type NodeType,
  type ActivityNode,
  type SleepNode,
  type ApprovalNode,
  type WorkflowNode,
  type RetryPolicySpec,
  type ActivityTimeouts,
  type WorkflowTimeouts,
  type Compensation,
  type Defaults,
  type TriggerRule,
  type OnFailurePolicy,
} from './schema';

export {
  indexById,
  topologicalOrder,
  findCycles,
  ancestors,
  Ancestry,
  type GraphNode,
  type TopologicalOrder,
} from './graph';

export {
  analyzeExpression,
  referencedNodes,
  compileExpression,
  compileCondition,
  evaluateCondition,
  toBoolean,
  toText,
  WeftExpressionError,
  DEFAULT_EVALUATION_LIMITS,
  type ExpressionContext,
  type EvaluationLimits,
  type ExpressionAnalysis,
  type CompiledExpression,
  type CompiledCondition,
  parseTemplateString,
  analyzeTemplate,
  compileTemplate,
  evaluateTemplate,
  type TemplatePart,
  type CompiledTemplate,
  type TemplateAnalysis,
  type TemplateExpressionInfo,
  type TemplateProblem,
} from './expressions';

export {
  validateDocument,
  parseDocumentText,
  assertValidDocument,
  MAX_NODES,
  MAX_PARSED_EXPRESSIONS,
  MAX_PARSED_EXPRESSION_CHARS,
  type ValidationResult,
  type TextValidationResult,
} from './validate';

export { isJsonValue, type JsonValue, type JsonObject } from './json';
