/**
 * The JSONata engine behind Weft expressions: static analysis at validation time and bounded, data-only
 * evaluation at run time. The DSL-level API (templates, conditions) is in expressions.ts.
 *
 * Expressions read one context object, `{ input, nodes: { <id>: { status, output, error } }, run }`.
 * Three guarantees hold, and the tests in test/unit/expressions*.test.ts pin each one:
 *
 * 1. Every node an expression can read is known statically. `nodes.<id>` (also `nodes."odd-id"`, `$$.nodes.<id>`)
 *    is a reference; reading `nodes` any other way (`nodes.*`, `nodes[...]`, `$lookup(nodes, x)`, `$$` or `$` as a
 *    value, `**`) is refused with a message, because the validator could not check it. At run time the context
 *    handed to JSONata holds only the referenced nodes, so even a form the analysis missed can read nothing more.
 * 2. Results depend only on the context. `$now`, `$millis`, `$random`, `$shuffle` and `$eval` are refused (use
 *    `run.startedAt` for time); evaluation is bounded by a count of evaluation steps and nesting depth, never by the
 *    clock, so a runaway recursion fails the same way on every replay inside the Temporal workflow sandbox.
 * 3. Expressions reach data, not code. The context is a prototype-free copy; reading `constructor`, `__proto__` or
 *    `prototype` is refused statically, and at run time any step that yields a JavaScript function or a built-in
 *    prototype, or reads an inherited property, fails the evaluation.
 */
import jsonata from 'jsonata';
import { isPlainObject, MAX_JSON_DEPTH, setOwn, toNullPrototypeJson } from './json';

/** What expressions see of a node. */
export interface NodeView {
  readonly status?: string;
  readonly output?: unknown;
  readonly error?: unknown;
}

/** What expressions read; the interpreter builds it from the run state. */
export interface ExpressionContext {
  readonly input?: unknown;
  /**
   * The nodes, as a record or as a lookup by id. The interpreter passes a lookup: evaluation reads only the
   * nodes an expression references, so a context must not cost a copy of every node of a large DAG.
   */
  readonly nodes?: Readonly<Record<string, NodeView | undefined>> | ((id: string) => NodeView | undefined);
  readonly run?: { readonly workflowId?: string; readonly startedAt?: string } & Readonly<Record<string, unknown>>;
}

export interface EvaluationLimits {
  /** Evaluation steps (JSONata AST node visits) per expression; about 100,000 take 60 ms. */
  readonly maxSteps: number;
  /** Nesting of evaluation steps; recursion deeper than this fails instead of exhausting memory. */
  readonly maxDepth: number;
  /** Longest string any step may produce (Temporal payloads are capped at 2 MB anyway). */
  readonly maxStringLength: number;
  /** Longest array any step may produce. */
  readonly maxArrayLength: number;
}

export const DEFAULT_EVALUATION_LIMITS: EvaluationLimits = Object.freeze({
  maxSteps: 100_000,
  maxDepth: 500,
  maxStringLength: 2_000_000,
  maxArrayLength: 1_000_000,
});

/** An expression that cannot be compiled or whose evaluation failed; `reason` is JSONata's or Weft's explanation. */
export class WeftExpressionError extends Error {
  override readonly name = 'WeftExpressionError';
  constructor(
    /** The expression, or for a malformed `${` the whole template string. */
    readonly expression: string,
    readonly reason: string,
    /** `"is invalid"` (compile time) or `"failed"` (run time) */
    verb: 'is invalid' | 'failed' = 'failed',
    noun: 'expression' | 'template' = 'expression',
  ) {
    super(`${noun} ${quoteExpression(expression)} ${verb}: ${reason}`);
  }
}

/** `"nodes.a.output"`, shortened to 80 characters so messages stay on one line. */
export function quoteExpression(source: string): string {
  const flat = source.trim().replace(/\s+/g, ' ');
  return JSON.stringify(flat.length > 80 ? `${flat.slice(0, 77)}...` : flat);
}

// ---------------------------------------------------------------------------------------------------------------
// Static analysis

/** Builtins whose result is not a function of the context. */
const NONDETERMINISTIC: Readonly<Record<string, string>> = {
  now: 'use run.startedAt for the time the run started',
  millis: 'use $toMillis(run.startedAt) for the time the run started',
  random: 'pass random values in the input instead',
  shuffle: 'sort with $sort instead',
};
/** `$eval` compiles text at run time, which would defeat the static checks above. */
const FORBIDDEN_FUNCTIONS = ['eval', ...Object.keys(NONDETERMINISTIC)] as const;
/** Field names that only ever lead into the JavaScript object model. */
/** Field names that reach JavaScript internals; expressions may not read them, and they are no node ids. */
export const FORBIDDEN_FIELDS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

type Ast = { readonly type: string; readonly value?: unknown } & Readonly<Record<string, unknown>>;

export type ExpressionAnalysis =
  | { readonly ok: true; readonly references: readonly string[] }
  | { readonly ok: false; readonly reason: string };

class AnalysisProblem extends Error {}

function parse(source: string): jsonata.Expression {
  if (source.trim() === '') throw new AnalysisProblem('the expression is empty');
  // JSONata would read "${ x }" as the context followed by an object constructor, and complain about that instead.
  if (/^\s*\$\{/.test(source)) throw new AnalysisProblem('this field holds a bare expression; remove the surrounding "${ }"');
  try {
    return jsonata(source);
  } catch (err) {
    throw new AnalysisProblem(describeJsonataError(err));
  }
}

function analyze(source: string): { expression: jsonata.Expression; references: string[] } {
  const expression = parse(source);
  return { expression, references: collectReferences(expression.ast() as unknown as Ast) };
}

/** `Unexpected end of expression (S0207 at position 15)`; JSONata throws plain objects, not Errors. */
function describeJsonataError(err: unknown): string {
  if (err instanceof AnalysisProblem || err instanceof LimitExceeded) return err.message;
  if (err !== null && typeof err === 'object') {
    const { message, code, position } = err as { message?: unknown; code?: unknown; position?: unknown };
    const text = typeof message === 'string' && message !== '' ? message : 'unknown error';
    if (typeof code === 'string' && typeof position === 'number') return `${text} (${code} at position ${position})`;
    if (typeof code === 'string') return `${text} (${code})`;
    return text;
  }
  return String(err);
}

const DYNAMIC_NODES =
  'read a node as nodes.<id> (e.g. nodes.fetch.output); "nodes" cannot be used as a whole, filtered or iterated, because the upstream check needs every node named';
const WHOLE_CONTEXT =
  'the whole context ($$, or $ outside a path) cannot be used as a value; read input, run or nodes.<id> from it';

/**
 * Which nodes the expression reads. Tracks whether each sub-expression is evaluated against the root context
 * (top level, function arguments, lambda bodies defined there) or against the items of a path step (later steps,
 * filters, sort terms, group-by): only at the root does `nodes.x` mean a node. AST shapes this walker does not
 * know are searched as if at the root, which can only add references, never hide one.
 */
function collectReferences(ast: Ast): string[] {
  const references = new Set<string>();

  const visit = (node: unknown, atRoot: boolean): void => {
    if (Array.isArray(node)) {
      node.forEach((child) => visit(child, atRoot));
      return;
    }
    if (node === null || typeof node !== 'object') return;
    const ast = node as Ast;
    switch (ast.type) {
      case 'path':
        visitPath(ast['steps'] as Ast[], atRoot);
        visitModifiers(ast, false);
        return;
      case 'name':
        visitPath([ast], atRoot);
        return;
      case 'variable':
        checkVariable(ast);
        if (ast.value === '$' || (ast.value === '' && atRoot)) throw new AnalysisProblem(WHOLE_CONTEXT);
        visitModifiers(ast, false);
        return;
      case 'parent':
        throw new AnalysisProblem('the parent operator % cannot reach the whole context; read input, run or nodes.<id> directly');
      case 'wildcard':
      case 'descendant':
        if (atRoot) throw new AnalysisProblem(`${String(ast.value)} at the top level would read every node; ${DYNAMIC_NODES}`);
        visitModifiers(ast, false);
        return;
      case 'unary':
        if (ast.value === '{') checkObjectKeys(ast['lhs']);
        break;
      case 'transform':
        // Pattern, update and delete are evaluated against the value being transformed, not the root.
        visit(ast['pattern'], false);
        visit(ast['update'], false);
        visit(ast['delete'], false);
        visitModifiers(ast, false);
        return;
      case 'sort':
        visit(ast['terms'], false);
        return;
      case 'string':
      case 'number':
      case 'value':
      case 'regex':
      case 'operator':
        visitModifiers(ast, false);
        return;
    }
    // binary, unary, function, partial, lambda, condition, block, bind, apply, and anything unknown:
    // their operands are evaluated in the same context as the node itself.
    for (const [key, child] of Object.entries(ast)) {
      if (MODIFIER_KEYS.has(key)) continue;
      if (child !== null && typeof child === 'object') visit(child, atRoot);
    }
    visitModifiers(ast, false);
  };

  /** Filters, group-by and stages run against each item of the value they follow. */
  const visitModifiers = (ast: Ast, atRoot: boolean): void => {
    for (const key of ['predicate', 'stages']) {
      const list = ast[key];
      if (Array.isArray(list)) list.forEach((stage: Ast) => visit(stage['expr'] ?? stage, atRoot));
    }
    const group = ast['group'] as { lhs?: unknown } | undefined;
    if (group) {
      checkObjectKeys(group.lhs);
      visit(group.lhs, atRoot);
    }
  };

  /** What a path step yields: the root context, the `nodes` object, or anything else. */
  type Value = 'root' | 'nodes' | 'other';

  const visitPath = (steps: readonly Ast[], atRoot: boolean): void => {
    let current = (atRoot ? 'root' : 'other') as Value;
    steps.forEach((step, i) => {
      let produced: Value = 'other';
      if (step.type === 'variable') {
        checkVariable(step);
        if (step.value === '$') produced = 'root';
        else if (step.value === '' && i === 0 && atRoot) produced = 'root';
      } else if (step.type === 'parent') {
        produced = 'root'; // % can climb back to the root; treat it as if it did
      } else if (step.type === 'name') {
        const name = String(step.value);
        if (FORBIDDEN_FIELDS.has(name)) throw new AnalysisProblem(forbiddenField(name));
        if (current === 'root' && name === 'nodes') produced = 'nodes';
        else if (current === 'nodes') references.add(name);
      } else if (step.type === 'wildcard' || step.type === 'descendant') {
        if (current !== 'other') throw new AnalysisProblem(`${String(step.value)} would read every node; ${DYNAMIC_NODES}`);
      } else {
        if (current === 'nodes') throw new AnalysisProblem(DYNAMIC_NODES);
        // A block or function call as a step is evaluated against what the previous step yielded.
        visit(step, current === 'root');
        return void (current = 'other');
      }
      if (produced !== 'other' && (hasModifiers(step) || step['focus'] !== undefined || step['index'] !== undefined)) {
        throw new AnalysisProblem(produced === 'nodes' ? DYNAMIC_NODES : WHOLE_CONTEXT);
      }
      visitModifiers(step, false);
      current = produced;
    });
    if (current === 'nodes') throw new AnalysisProblem(DYNAMIC_NODES);
    if (current === 'root') throw new AnalysisProblem(WHOLE_CONTEXT);
  };

  visit(ast, true);
  return [...references];
}

const MODIFIER_KEYS = new Set(['predicate', 'stages', 'group']);

function hasModifiers(step: Ast): boolean {
  return [...MODIFIER_KEYS].some((key) => step[key] !== undefined && !(Array.isArray(step[key]) && (step[key] as unknown[]).length === 0));
}

function checkVariable(ast: Ast): void {
  const name = String(ast.value);
  if (name === 'eval') throw new AnalysisProblem('$eval is not allowed: expressions are checked before the run, so they cannot be built from text at run time');
  const hint = NONDETERMINISTIC[name];
  if (hint !== undefined) throw new AnalysisProblem(`$${name} is not allowed because expressions must give the same result on every replay; ${hint}`);
}

function checkObjectKeys(pairs: unknown): void {
  if (!Array.isArray(pairs)) return;
  for (const pair of pairs) {
    const key = Array.isArray(pair) ? (pair[0] as Ast | undefined) : undefined;
    if (key?.type === 'string' && FORBIDDEN_FIELDS.has(String(key.value))) throw new AnalysisProblem(forbiddenField(String(key.value)));
  }
}

function forbiddenField(name: string): string {
  return `the field name "${name}" is not allowed in expressions (it reaches JavaScript internals, not data)`;
}

/** Words JSONata reads as operators or literals, so a path made of them is not a plain path. */
const RESERVED = new Set(['and', 'or', 'in', 'true', 'false', 'null', 'function']);
const PLAIN_PATH = /^[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*$/;

/**
 * The references of a plain dotted path such as `nodes.fetch.output.body` without running JSONata's parser, which
 * costs ~40 µs per call and dominates validating thousands of nodes. Anything else returns undefined and takes
 * the full route; the result for a plain path is exactly what the full analysis gives.
 */
function plainPathReferences(source: string): string[] | undefined {
  const text = source.trim();
  if (!PLAIN_PATH.test(text)) return undefined;
  const names = text.split('.');
  if (names.some((name) => RESERVED.has(name) || FORBIDDEN_FIELDS.has(name))) return undefined;
  if (names[0] !== 'nodes') return [];
  return names.length > 1 ? [names[1]!] : undefined;
}

/** Parse and check an expression; never throws. */
export function analyzeExpression(source: string): ExpressionAnalysis {
  const plain = plainPathReferences(source);
  if (plain !== undefined) return { ok: true, references: plain };
  try {
    return { ok: true, references: analyze(source).references };
  } catch (err) {
    if (err instanceof AnalysisProblem) return { ok: false, reason: err.message };
    throw err;
  }
}

/** The node ids an expression reads via `nodes.<id>`, in first-use order; throws WeftExpressionError if it is invalid. */
export function referencedNodes(source: string): string[] {
  const analysis = analyzeExpression(source);
  if (!analysis.ok) throw new WeftExpressionError(source, analysis.reason, 'is invalid');
  return [...analysis.references];
}

// ---------------------------------------------------------------------------------------------------------------
// Evaluation

class LimitExceeded extends Error {}

interface Budget {
  steps: number;
  depth: number;
  readonly limits: EvaluationLimits;
}

/** A binding name JSONata code cannot spell (a variable name ends at "."), so expressions cannot reach the budget. */
const BUDGET = 'weft.budget';
const ENTRY = Symbol.for('jsonata.__evaluate_entry');
const EXIT = Symbol.for('jsonata.__evaluate_exit');
const INTRINSIC_PROTOTYPES: readonly unknown[] = [Object.prototype, Array.prototype, Function.prototype, String.prototype, Number.prototype];

function onEntry(_expr: Ast, _input: unknown, environment: jsonata.Environment): void {
  const budget = environment.lookup(BUDGET) as Budget | undefined;
  if (budget === undefined) return;
  if (++budget.steps > budget.limits.maxSteps) {
    throw new LimitExceeded(`evaluation took more than ${budget.limits.maxSteps} steps (unbounded recursion?)`);
  }
  if (++budget.depth > budget.limits.maxDepth) {
    throw new LimitExceeded(`evaluation nested more than ${budget.limits.maxDepth} levels deep (unbounded recursion?)`);
  }
}

function onExit(expr: Ast, input: unknown, environment: jsonata.Environment, result: unknown): void {
  const budget = environment.lookup(BUDGET) as Budget | undefined;
  if (budget !== undefined) budget.depth--;
  // A regex literal legitimately evaluates to a matcher function; nothing else should.
  if ((typeof result === 'function' && expr.type !== 'regex') || INTRINSIC_PROTOTYPES.includes(result)) {
    throw new LimitExceeded('the expression reached a JavaScript built-in instead of data');
  }
  if (expr.type === 'name' && readsInherited(input, String(expr.value))) {
    throw new LimitExceeded(`"${String(expr.value)}" is inherited JavaScript behaviour, not a data field`);
  }
  if (budget === undefined) return;
  if (typeof result === 'string' && result.length > budget.limits.maxStringLength) {
    throw new LimitExceeded(`a string grew longer than ${budget.limits.maxStringLength} characters`);
  }
  if (Array.isArray(result) && result.length > budget.limits.maxArrayLength) {
    throw new LimitExceeded(`an array grew longer than ${budget.limits.maxArrayLength} items`);
  }
}

/** Does looking `key` up in `input` (as JSONata does, mapping over arrays) find something that is not an own property? */
function readsInherited(input: unknown, key: string): boolean {
  if (Array.isArray(input)) return input.some((item) => readsInherited(item, key));
  if (input === null || typeof input !== 'object') return false;
  if (Object.prototype.hasOwnProperty.call(input, key)) return false;
  return (input as Record<string, unknown>)[key] !== undefined;
}

function refuse(name: string): () => never {
  return () => {
    throw new LimitExceeded(`$${name} is not allowed`);
  };
}

/** A compiled, checked expression; evaluate it as often as needed (evaluations do not share state). */
export interface CompiledExpression {
  readonly source: string;
  readonly references: readonly string[];
  /** The raw JSONata result: `undefined` when nothing matched; objects and arrays as plain JSON. */
  evaluate(context: ExpressionContext, limits?: Partial<EvaluationLimits>): Promise<unknown>;
}

/** Throws WeftExpressionError when the expression is invalid (see `analyzeExpression`). */
export function compileExpression(source: string): CompiledExpression {
  let expression: jsonata.Expression;
  let references: string[];
  try {
    ({ expression, references } = analyze(source));
  } catch (err) {
    if (err instanceof AnalysisProblem) throw new WeftExpressionError(source, err.message, 'is invalid');
    throw err;
  }
  // Hooks and overrides live in this expression's own environment; the library's globals stay untouched.
  expression.assign(ENTRY as unknown as string, onEntry);
  expression.assign(EXIT as unknown as string, onExit);
  for (const name of FORBIDDEN_FUNCTIONS) expression.registerFunction(name, refuse(name));
  return {
    source,
    references,
    async evaluate(context, limits) {
      const budget: Budget = { steps: 0, depth: 0, limits: { ...DEFAULT_EVALUATION_LIMITS, ...limits } };
      let result: unknown;
      try {
        result = await expression.evaluate(sandboxContext(context, references), { [BUDGET]: budget });
      } catch (err) {
        throw new WeftExpressionError(source, describeJsonataError(err));
      }
      return toPlainJson(result, source);
    },
  };
}

/**
 * The context JSONata sees: a prototype-free deep copy holding only `input`, `run` and the referenced nodes,
 * so an expression can never observe more than the validator approved.
 */
function sandboxContext(context: ExpressionContext, references: readonly string[]): unknown {
  const nodes = Object.create(null) as Record<string, unknown>;
  for (const id of references) {
    const state = lookUpNode(context.nodes, id);
    if (state !== undefined) nodes[id] = toNullPrototypeJson(state);
  }
  const root = Object.create(null) as Record<string, unknown>;
  root['input'] = toNullPrototypeJson(context.input);
  root['run'] = toNullPrototypeJson(context.run);
  root['nodes'] = nodes;
  return root;
}

function lookUpNode(nodes: ExpressionContext['nodes'], id: string): NodeView | undefined {
  if (typeof nodes === 'function') return nodes(id);
  return nodes && Object.prototype.hasOwnProperty.call(nodes, id) ? nodes[id] : undefined;
}

/**
 * JSONata results as ordinary JSON: its internal sequence arrays and our prototype-free objects become plain
 * arrays and objects; `undefined` stays `undefined` at the top (no match) and is dropped inside objects.
 */
function toPlainJson(value: unknown, source: string, depth = 0): unknown {
  if (depth > MAX_JSON_DEPTH) throw new WeftExpressionError(source, `the result is nested more than ${MAX_JSON_DEPTH} levels deep`);
  if (value === undefined || value === null || typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new WeftExpressionError(source, `the result ${String(value)} is not a JSON number`);
    return value;
  }
  if (Array.isArray(value)) return value.map((item) => toPlainJson(item, source, depth + 1) ?? null);
  if (isPlainObject(value) && !isJsonataFunction(value)) {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) {
      const copy = toPlainJson(item, source, depth + 1);
      if (copy !== undefined) setOwn(out, key, copy);
    }
    return out;
  }
  throw new WeftExpressionError(source, 'the result is a function, which is not JSON; call it instead');
}

/** JSONata represents its functions and lambdas as plain objects with these markers. */
export function isJsonataFunction(value: Record<string, unknown>): boolean {
  return value['_jsonata_function'] === true || value['_jsonata_lambda'] === true;
}
