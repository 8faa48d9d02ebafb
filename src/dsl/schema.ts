/**
 * The shape of a weft/v1 document (docs/dsl.md describes it for people), as one zod schema that both validates and
 * produces the JSON Schema editors use. Objects are strict: an unknown field is an error, because a misspelt
 * `retry` silently ignored is worse than a refused document.
 *
 * The parsed output fills in defaults so later stages never re-derive them:
 * `type: "activity"`, `dependsOn: []`, `trigger: "allSuccess"`, `onFailure: "fail"`, `failFast: true`, and
 * `onTimeout: "reject"` on approval nodes.
 *
 * Cross-node rules (unique ids, known dependencies, no cycles, expressions reading only upstream nodes) are not
 * here but in validate.ts, which can report them even when this schema rejects something unrelated.
 */
import { z } from 'zod';
import { parseDuration } from './duration';
import { FORBIDDEN_FIELDS } from './expression-engine';
import type { WeftIssueCode } from './issues';
import { isJsonValue, isPlainObject, MAX_JSON_DEPTH, type JsonValue } from './json';

/** Custom checks carry the issue code they should be reported under (read back in validate.ts). */
function coded(code: WeftIssueCode): { params: { weftCode: WeftIssueCode } } {
  return { params: { weftCode: code } };
}

export const NODE_ID_PATTERN = /^[A-Za-z_][A-Za-z0-9_-]{0,63}$/;
export const DOCUMENT_NAME_PATTERN = /^[A-Za-z0-9._-]{1,100}$/;
export const DSL_VERSION = 'weft/v1';

export const NODE_TYPES = ['activity', 'sleep', 'approval', 'workflow', 'dag', 'map'] as const;
export const TRIGGER_RULES = ['allSuccess', 'allDone', 'oneSuccess', 'oneFailed', 'allFailed', 'noneFailed'] as const;
export const ON_FAILURE_POLICIES = ['fail', 'continue', 'wait'] as const;
export const ON_APPROVAL_TIMEOUT = ['reject', 'approve'] as const;

const JSON_VALUE_ERROR = `expected a JSON value (no undefined, functions, NaN or Infinity, at most ${MAX_JSON_DEPTH} levels deep)`;

/** Any JSON value. Strings anywhere inside may hold `${ expression }` templates (checked in validate.ts). */
export const JsonValueSchema = z
  .custom<JsonValue>((value) => isJsonValue(value), { error: JSON_VALUE_ERROR })
  .meta({
    description:
      'Any JSON value. A string that is exactly "${ expr }" is replaced by the value of the JSONata expression; "${ expr }" inside a longer string is interpolated as text.',
  });

/**
 * An object of JSON values, checked key by key. Not `z.record`: zod's record reads `value.constructor` to tell a
 * plain object, so a key named "constructor" (plain JSON data) made it refuse the object, or throw when the key
 * held null. Editors get z.record's JSON Schema, which says the same thing.
 */
export const JsonObjectSchema = z
  .custom<Record<string, JsonValue>>(() => true)
  .check((ctx) => {
    const value: unknown = ctx.value;
    if (!isPlainObject(value)) {
      ctx.issues.push({ code: 'invalid_type', expected: 'record', input: value });
      return;
    }
    for (const [key, item] of Object.entries(value)) {
      if (!isJsonValue(item)) ctx.issues.push({ code: 'custom', path: [key], message: JSON_VALUE_ERROR, input: item });
    }
  })
  .meta(jsonSchemaWithout$schema(z.record(z.string(), JsonValueSchema)));

function jsonSchemaWithout$schema(schema: z.ZodType): Record<string, unknown> {
  const { $schema: _ignored, ...rest } = z.toJSONSchema(schema, {
    target: 'draft-2020-12',
    io: 'input',
    unrepresentable: 'any',
  }) as Record<string, unknown>;
  return rest;
}

export const DurationSchema = z
  .union([z.string(), z.number().meta({ exclusiveMinimum: 0 })], {
    error: 'expected a duration: a string such as "30s", "5m", "1 hour", or a number of milliseconds',
  })
  .check((ctx) => {
    const result = parseDuration(ctx.value);
    if (!result.ok)
      ctx.issues.push({ code: 'custom', message: result.reason, input: ctx.value, ...coded('WEFT_BAD_DURATION') });
  })
  .meta({
    description:
      'A Temporal duration: "100ms", "30s", "5m", "1.5h", "1 hour", "2 days", or a number of milliseconds. Must be greater than zero.',
    examples: ['30s', '5m', '1 hour'],
  });

const TaskQueueSchema = z
  .string()
  .min(1)
  .meta({ description: 'Routes the work to the workers polling this Temporal task queue.' });

/** Temporal's fallback when a policy sets maximumInterval but not initialInterval. */
export const DEFAULT_INITIAL_INTERVAL_MS = 1000;

export const RetryPolicySchema = z
  .strictObject({
    maxAttempts: z
      .int()
      .refine((n) => n >= 1, {
        message: 'maxAttempts must be at least 1 (1 means no retries)',
        ...coded('WEFT_BAD_RETRY'),
      })
      .meta({ minimum: 1, description: 'Total attempts including the first; 1 means no retries.' })
      .optional(),
    initialInterval: DurationSchema.optional(),
    backoffCoefficient: z
      .number()
      .refine((n) => n >= 1, { message: 'backoffCoefficient must be at least 1', ...coded('WEFT_BAD_RETRY') })
      .meta({ minimum: 1 })
      .optional(),
    maximumInterval: DurationSchema.optional(),
    nonRetryable: z.array(z.string().min(1)).optional().meta({ description: 'Error types that are never retried.' }),
  })
  .check((ctx) => {
    // Temporal refuses a policy whose maximum is below its initial interval; say so before the run starts.
    const { initialInterval, maximumInterval } = ctx.value;
    if (maximumInterval === undefined) return;
    const max = parseDuration(maximumInterval);
    const initial =
      initialInterval === undefined
        ? { ok: true as const, ms: DEFAULT_INITIAL_INTERVAL_MS }
        : parseDuration(initialInterval);
    if (!max.ok || !initial.ok || max.ms >= initial.ms) return;
    const initialText =
      initialInterval === undefined
        ? 'the default initialInterval of 1s'
        : `initialInterval (${JSON.stringify(initialInterval)})`;
    ctx.issues.push({
      code: 'custom',
      path: ['maximumInterval'],
      message: `maximumInterval (${JSON.stringify(maximumInterval)}) is shorter than ${initialText}; make it at least as long`,
      input: maximumInterval,
      ...coded('WEFT_BAD_RETRY'),
    });
  })
  .meta({ description: "Maps onto Temporal's RetryPolicy." });

export const ActivityTimeoutsSchema = z
  .strictObject({
    startToClose: DurationSchema.optional(),
    scheduleToClose: DurationSchema.optional(),
    scheduleToStart: DurationSchema.optional(),
    heartbeat: DurationSchema.optional(),
  })
  .meta({ description: "Temporal's activity timeouts." });

/** Child workflows have their own timeouts: `execution` spans retries and continue-as-new, `run` one run, `task` one workflow task. */
export const WorkflowTimeoutsSchema = z
  .strictObject({
    execution: DurationSchema.optional(),
    run: DurationSchema.optional(),
    task: DurationSchema.optional(),
    cancel: DurationSchema.optional().meta({
      description:
        'How long a cancelled child may take to stop (a sub-DAG compensates) before the node is CANCELLED anyway; default 1m.',
    }),
  })
  .meta({
    description:
      "Temporal's child workflow timeouts (workflowExecutionTimeout, workflowRunTimeout, workflowTaskTimeout), and how long a cancelled child may take to stop.",
  });

/** An activity type as registered on a worker; Temporal names are short, and a long one is a mistake. */
const ActivityTypeSchema = z.string().min(1).max(200, { error: 'activity types are at most 200 characters long' });

export const CompensationSchema = z
  .strictObject({
    activity: ActivityTypeSchema,
    input: JsonValueSchema.optional(),
    retry: RetryPolicySchema.optional(),
    timeout: ActivityTimeoutsSchema.optional(),
  })
  .meta({
    description:
      'The saga undo step, run if the DAG fails after this node succeeded. Its input may also read this node (nodes.<own id>).',
  });

export const NodeIdSchema = z
  .string()
  .regex(NODE_ID_PATTERN, {
    error: 'node ids start with a letter or "_" and contain only letters, digits, "_" and "-" (at most 64 characters)',
  })
  .refine((id) => !FORBIDDEN_FIELDS.has(id), {
    error: (issue) =>
      `"${String(issue.input)}" is reserved (expressions could not read it as nodes.<id>); choose another id`,
  });

const commonNodeFields = {
  id: NodeIdSchema,
  description: z.string().optional(),
  dependsOn: z.array(z.string()).default([]).meta({ description: 'Upstream node ids.' }),
  trigger: z
    .enum(TRIGGER_RULES)
    .default('allSuccess')
    .meta({ description: "When the node may run, given its upstream nodes' final states." }),
  when: z
    .string()
    .optional()
    .meta({ description: 'A JSONata expression (no ${}); if it is false the node is SKIPPED.' }),
  onFailure: z.enum(ON_FAILURE_POLICIES).default('fail'),
};

export const ActivityNodeSchema = z
  .strictObject({
    ...commonNodeFields,
    type: z.literal('activity').optional().meta({ description: 'Optional: nodes without a type are activity nodes.' }),
    activity: ActivityTypeSchema.meta({ description: 'The registered activity type, e.g. "weft.http".' }),
    input: JsonValueSchema.optional(),
    retry: RetryPolicySchema.optional(),
    timeout: ActivityTimeoutsSchema.optional(),
    compensate: CompensationSchema.optional(),
    taskQueue: TaskQueueSchema.optional(),
  })
  .transform((node) => ({ ...node, type: 'activity' as const }));

export const SleepNodeSchema = z.strictObject({
  ...commonNodeFields,
  type: z.literal('sleep'),
  duration: DurationSchema,
});

export const ApprovalNodeSchema = z.strictObject({
  ...commonNodeFields,
  type: z.literal('approval'),
  timeout: DurationSchema.optional(),
  onTimeout: z.enum(ON_APPROVAL_TIMEOUT).default('reject'),
});

export const WorkflowNodeSchema = z.strictObject({
  ...commonNodeFields,
  type: z.literal('workflow'),
  workflow: z.string().min(1).meta({ description: 'The workflow type to run as a child workflow.' }),
  input: JsonValueSchema.optional(),
  taskQueue: TaskQueueSchema.optional(),
  retry: RetryPolicySchema.optional(),
  timeout: WorkflowTimeoutsSchema.optional(),
});

/** The most levels of sub-DAGs inside one another: each is a child workflow of the one around it. */
export const MAX_DAG_DEPTH = 8;

/**
 * A `dag` node: an inline DAG, run as a child `weftDag`. Its body has a document's fields but `dsl` and
 * `name`; its node ids and expressions are its own (they read only its `input`, `nodes` and `run`).
 */
export const DagNodeSchema = z.strictObject({
  ...commonNodeFields,
  type: z.literal('dag'),
  get dag() {
    return SubDagSchema;
  },
  input: JsonValueSchema.optional().meta({ description: "The sub-DAG's input, merged over dag.input." }),
  taskQueue: TaskQueueSchema.optional(),
  retry: RetryPolicySchema.optional(),
  timeout: WorkflowTimeoutsSchema.optional(),
});

/** What a map runs per item: an activity, dag or workflow node without the fields that place a node in its DAG. */
const PLACEMENT_FIELDS = { id: true, dependsOn: true, trigger: true, when: true, onFailure: true } as const;
export const MapTemplateSchema = z
  .discriminatedUnion('type', [
    ActivityNodeSchema.in.omit(PLACEMENT_FIELDS).transform((node) => ({ ...node, type: 'activity' as const })),
    WorkflowNodeSchema.omit(PLACEMENT_FIELDS),
    DagNodeSchema.omit(PLACEMENT_FIELDS),
  ])
  .meta({
    description:
      'Run once per item (or per batch): an activity (the default), dag or workflow node without id, dependsOn, trigger, when and onFailure; its templates also read item and index (items with batchSize).',
  });

export const TOLERATED_PERCENT_PATTERN = /^(100|[0-9]{1,2})(\.[0-9]+)?%$/;

/** A `map` node: fan-out over a list known only when the node starts. */
export const MapNodeSchema = z.strictObject({
  ...commonNodeFields,
  type: z.literal('map'),
  items: JsonValueSchema.meta({
    description: 'The list: an expression such as "${ nodes.list.output.files }", or an array (it may hold templates).',
  }),
  node: MapTemplateSchema,
  maxConcurrency: z.int().min(1).optional().meta({ description: 'Items (or batches) in flight at once; default 100.' }),
  toleratedFailures: z
    .union([z.int().min(0), z.string().regex(TOLERATED_PERCENT_PATTERN, { error: 'a percentage such as "5%"' })])
    .optional()
    .meta({ description: 'Failed items allowed before the node fails: a count, or "N%" of the items. Default 0.' }),
  batchSize: z
    .int()
    .min(1)
    .optional()
    .meta({ description: 'Run the template once per batch of this many items (its templates read items and index).' }),
});

export const NodeSchema = z.discriminatedUnion('type', [
  ActivityNodeSchema,
  SleepNodeSchema,
  ApprovalNodeSchema,
  WorkflowNodeSchema,
  DagNodeSchema,
  MapNodeSchema,
]);

export const DefaultsSchema = z
  .strictObject({
    retry: RetryPolicySchema.optional(),
    timeout: ActivityTimeoutsSchema.optional(),
    taskQueue: TaskQueueSchema.optional(),
  })
  .meta({ description: 'Applied to every activity node that does not set its own.' });

/** What a DAG is made of: the fields a document and an inline sub-DAG (`dag` nodes) share. */
const dagBodyFields = {
  input: JsonObjectSchema.optional().meta({ description: "Default input; the run's own input is merged over it." }),
  defaults: DefaultsSchema.optional(),
  maxParallelism: z.int().min(1).optional().meta({ description: 'At most this many nodes run at the same time.' }),
  timeout: DurationSchema.optional().meta({
    description:
      'The DAG must end within this long of its start: then nodes still running or waiting are cancelled, the saga compensates, and the run fails with error type DagTimeout.',
  }),
  failFast: z.boolean().default(true).meta({
    description:
      'When a node fails with onFailure "fail": true (the default) cancels the nodes still running, then compensates; false lets them finish first.',
  }),
  get nodes() {
    return z.array(NodeSchema).min(1);
  },
  output: JsonValueSchema.optional(),
};

export const SubDagSchema = z
  .strictObject(dagBodyFields)
  .meta({ description: 'An inline DAG: the fields of a document but dsl and name; its node ids are its own.' });

export const WeftDocumentSchema = z
  .strictObject({
    $schema: z.string().optional().meta({ description: 'Where editors find this JSON Schema; ignored by Weft.' }),
    dsl: z.literal(DSL_VERSION),
    name: z.string().regex(DOCUMENT_NAME_PATTERN, {
      error: 'names contain only letters, digits, ".", "_" and "-" (1 to 100 characters)',
    }),
    description: z.string().optional(),
    ...dagBodyFields,
    onExit: z.array(NodeSchema).min(1).optional().meta({
      description:
        'Exit handlers: nodes that run after the DAG ended and compensated, whatever its status; they depend only on each other, read run.status, run.error and every node, and never change the run status.',
    }),
  })
  .meta({ title: 'Weft DAG document (weft/v1)' });

/** A document after validation, with defaults filled in. */
export type WeftDocument = z.output<typeof WeftDocumentSchema>;
/** A document as written (what the JSON Schema describes). */
export type WeftDocumentInput = z.input<typeof WeftDocumentSchema>;
export type WeftNode = WeftDocument['nodes'][number];
export type NodeType = WeftNode['type'];
export type ActivityNode = Extract<WeftNode, { type: 'activity' }>;
export type SleepNode = Extract<WeftNode, { type: 'sleep' }>;
export type ApprovalNode = Extract<WeftNode, { type: 'approval' }>;
export type WorkflowNode = Extract<WeftNode, { type: 'workflow' }>;
export type DagNode = Extract<WeftNode, { type: 'dag' }>;
export type MapNode = Extract<WeftNode, { type: 'map' }>;
export type MapTemplate = MapNode['node'];
export type SubDag = z.output<typeof SubDagSchema>;
export type RetryPolicySpec = z.output<typeof RetryPolicySchema>;
export type ActivityTimeouts = z.output<typeof ActivityTimeoutsSchema>;
export type WorkflowTimeouts = z.output<typeof WorkflowTimeoutsSchema>;
export type Compensation = z.output<typeof CompensationSchema>;
export type Defaults = z.output<typeof DefaultsSchema>;
// As written, for the typed builder: the same as the parsed forms today, but a default added inside one of
// these schemas would make its field required in the output, and a builder's caller must still be free to omit it.
export type RetryPolicyInput = z.input<typeof RetryPolicySchema>;
export type ActivityTimeoutsInput = z.input<typeof ActivityTimeoutsSchema>;
export type WorkflowTimeoutsInput = z.input<typeof WorkflowTimeoutsSchema>;
export type DefaultsInput = z.input<typeof DefaultsSchema>;
// The string unions are the const arrays the schema's enums are made of (one list each, here).
export type TriggerRule = (typeof TRIGGER_RULES)[number];
export type OnFailurePolicy = (typeof ON_FAILURE_POLICIES)[number];
export type OnApprovalTimeout = (typeof ON_APPROVAL_TIMEOUT)[number];

/** Field names per object kind, for "unknown field" hints (which node type a stray field belongs to). */
export const NODE_FIELDS: Readonly<Record<NodeType, readonly string[]>> = {
  activity: Object.keys(ActivityNodeSchema.in.shape),
  sleep: Object.keys(SleepNodeSchema.shape),
  approval: Object.keys(ApprovalNodeSchema.shape),
  workflow: Object.keys(WorkflowNodeSchema.shape),
  dag: Object.keys(DagNodeSchema.shape),
  map: Object.keys(MapNodeSchema.shape),
};

/** Every field name the DSL defines anywhere, for "did you mean" suggestions. */
export const KNOWN_FIELDS: readonly string[] = [
  ...new Set([
    ...Object.keys(WeftDocumentSchema.shape),
    ...Object.values(NODE_FIELDS).flat(),
    ...Object.keys(RetryPolicySchema.shape),
    ...Object.keys(ActivityTimeoutsSchema.shape),
    ...Object.keys(WorkflowTimeoutsSchema.shape),
    ...Object.keys(CompensationSchema.shape),
    ...Object.keys(DefaultsSchema.shape),
    ...Object.keys(SubDagSchema.shape),
  ]),
];

const JSON_SCHEMA_OPTIONS = {
  target: 'draft-2020-12',
  io: 'input',
  // JsonValueSchema is a z.custom check; "any JSON" is exactly what `{}` means to an editor.
  unrepresentable: 'any',
} as const;

/** Sub-schemas used in many places, written once under `$defs` (largest first, so smaller ones nest inside). */
const SHARED_DEFINITIONS: readonly (readonly [string, z.ZodType])[] = [
  ['RetryPolicy', RetryPolicySchema],
  ['ActivityTimeouts', ActivityTimeoutsSchema],
  ['Duration', DurationSchema],
  ['JsonValue', JsonValueSchema],
];

/** Replace every subtree that serialises to `key` with `ref` (zod emits keys in a fixed order, so text equality works). */
function replaceSubtrees(value: unknown, key: string, ref: Record<string, string>): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (JSON.stringify(value) === key) return ref;
  if (Array.isArray(value)) return value.map((item) => replaceSubtrees(item, key, ref));
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, replaceSubtrees(v, key, ref)]));
}

/**
 * Where the published schema is served: the file the package ships, as npm's CDN serves it, so a document
 * can name it by URL without a checkout, and editors that cache schemas by `$id` keep one copy.
 */
export const DOCUMENT_SCHEMA_ID = 'https://unpkg.com/weft-dag/schema/weft-v1.schema.json';

/**
 * The JSON Schema (draft 2020-12) of a document as written, for editors (`"$schema"` in a document) and for
 * schema/weft-v1.schema.json. Cross-node rules and duration syntax cannot be expressed there; `weft validate` checks them.
 * Shared parts are factored into `$defs` here rather than with zod ids, which would mean registering them in zod's
 * global registry as a side effect of importing this module.
 */
export function documentJsonSchema(): Record<string, unknown> {
  const {
    $schema,
    $defs: recursive,
    ...document
  } = z.toJSONSchema(WeftDocumentSchema, JSON_SCHEMA_OPTIONS) as Record<string, unknown>;
  // zod writes what recurses (a node, since `dag` nodes hold nodes) under generated names; name it for people.
  let body: unknown = document;
  const defs: Record<string, unknown> = {};
  for (const [generated, definition] of Object.entries((recursive ?? {}) as Record<string, unknown>)) {
    const name = Object.keys(defs).length === 0 ? 'Node' : `Node${Object.keys(defs).length}`;
    const rename = (value: unknown) =>
      JSON.parse(JSON.stringify(value).split(`"#/$defs/${generated}"`).join(`"#/$defs/${name}"`)) as unknown;
    body = rename(body);
    for (const [other, value] of Object.entries(defs)) defs[other] = rename(value);
    defs[name] = rename(definition);
  }
  for (const [name, schema] of SHARED_DEFINITIONS) {
    const { $schema: _ignored, ...definition } = z.toJSONSchema(schema, JSON_SCHEMA_OPTIONS) as Record<string, unknown>;
    const key = JSON.stringify(definition);
    const ref = { $ref: `#/$defs/${name}` };
    body = replaceSubtrees(body, key, ref);
    for (const [other, value] of Object.entries(defs)) defs[other] = replaceSubtrees(value, key, ref);
    defs[name] = definition;
  }
  return { $schema, $id: DOCUMENT_SCHEMA_ID, ...(body as Record<string, unknown>), $defs: defs };
}
