/**
 * The JSONata engine behind Weft expressions: static analysis at validation time and bounded, data-only
 * evaluation at run time. The DSL-level API (templates, conditions) is in expressions.ts.
 *
 * Expressions read one context object, `{ input, nodes: { <id>: { status, output, error } }, run }`.
 * Four guarantees hold, and the tests in test/unit/expressions*.test.ts pin each one:
 *
 * 1. Every node an expression can read is known statically. `nodes.<id>` (also `nodes."odd-id"`, `$$.nodes.<id>`)
 *    is a reference; reading `nodes` any other way (`nodes.*`, `nodes[...]`, `$lookup(nodes, x)`, `$$` or `$` as a
 *    value, `**`) is refused with a message, because the validator could not check it. At run time the context
 *    handed to JSONata holds only the referenced nodes, so even a form the analysis missed can read nothing more.
 * 2. Results depend only on the context. `$now`, `$millis`, `$random`, `$shuffle` and `$eval` are refused (use
 *    `run.startedAt` for time).
 * 3. Every evaluation finishes, fast, on every input: it is bounded by counts of steps, nesting and data work
 *    (expression-budget.ts, expression-builtins.ts), never by the clock, so a runaway expression fails the same
 *    way on every replay inside the Temporal workflow sandbox. Regular expressions run on RE2, in linear time
 *    (linear-regex.ts). Evaluation is synchronous (JSONata 1.8 drives its generators itself): in the sandbox
 *    every promise costs a captured stack trace, which made JSONata 2's async evaluation 10-50x slower there.
 *    The source itself is bounded (length, nesting) before it is parsed.
 * 4. Expressions reach data, not code. Reading `constructor`, `__proto__` or `prototype` is refused
 *    statically; JSONata 1.8.9 looks up own properties only; and at run time any step that yields a JavaScript
 *    function or a built-in prototype, or reads an inherited property, fails the evaluation.
 */
import { activeBudget, Budget, LimitExceeded, withBudget, type EvaluationLimits } from './expression-budget';
import { guardedBuiltins } from './expression-builtins';
import { isPlainObject, MAX_JSON_DEPTH, setOwn } from './json';
import { compileJsonata, type JsonataExpression } from './jsonata';
import { linearRegexProblem } from './linear-regex';
import { FAILURE_TYPES } from './failure-types';

export { DEFAULT_EVALUATION_LIMITS, Budget, type EvaluationLimits } from './expression-budget';

/** Longest expression source accepted; longer ones are refused before parsing. */
export const MAX_EXPRESSION_LENGTH = 10_000;
/** Deepest nesting of brackets, and of the parsed expression, accepted. */
export const MAX_EXPRESSION_NESTING = 100;

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
  /**
   * In a map's template: the item (or, with batchSize, the batch as `items`) and its index; in its
   * `compensate.input` also the unit's `output`.
   */
  readonly map?: {
    readonly item?: unknown;
    readonly items?: unknown;
    readonly index: number;
    readonly output?: unknown;
  };
}

/** An expression that cannot be compiled or whose evaluation failed; `reason` is JSONata's or Weft's explanation. */
export class WeftExpressionError extends Error {
  override readonly name = FAILURE_TYPES.expression;
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
export const FORBIDDEN_FUNCTIONS = ['eval', ...Object.keys(NONDETERMINISTIC)] as const;
/** Field names that only ever lead into the JavaScript object model. */
/** Field names that reach JavaScript internals; expressions may not read them, and they are no node ids. */
export const FORBIDDEN_FIELDS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

export type Ast = { readonly type: string; readonly value?: unknown } & Readonly<Record<string, unknown>>;

export type ExpressionAnalysis =
  { readonly ok: true; readonly references: readonly string[] } | { readonly ok: false; readonly reason: string };

export class AnalysisProblem extends Error {}

const TOO_DEEP = `the expression is nested more than ${MAX_EXPRESSION_NESTING} levels deep; split it into smaller expressions`;

function parse(source: string): JsonataExpression {
  if (source.trim() === '') throw new AnalysisProblem('the expression is empty');
  // JSONata would read "${ x }" as the context followed by an object constructor, and complain about that instead.
  if (/^\s*\$\{/.test(source))
    throw new AnalysisProblem('this field holds a bare expression; remove the surrounding "${ }"');
  // Bounded before parsing: JSONata's parser recurses once per nesting level and would overflow the stack.
  if (source.length > MAX_EXPRESSION_LENGTH) {
    throw new AnalysisProblem(
      `the expression is ${source.length} characters long, over the limit of ${MAX_EXPRESSION_LENGTH}; do long computations in an activity`,
    );
  }
  if (bracketNesting(source) > MAX_EXPRESSION_NESTING) throw new AnalysisProblem(TOO_DEEP);
  let expression: JsonataExpression;
  try {
    expression = compileJsonata(source);
  } catch (err) {
    if (err instanceof RangeError) throw new AnalysisProblem(TOO_DEEP); // a chain of prefix operators
    throw new AnalysisProblem(describeJsonataError(err));
  }
  checkTree(expression.ast() as unknown as Ast);
  return expression;
}

/** How deeply brackets nest outside string literals (an upper bound: regex literals count too). */
function bracketNesting(source: string): number {
  let depth = 0;
  let deepest = 0;
  for (let i = 0; i < source.length; i++) {
    const c = source[i];
    if (c === '"' || c === "'") {
      for (i++; i < source.length && source[i] !== c; i++) if (source[i] === '\\') i++;
    } else if (c === '(' || c === '[' || c === '{') deepest = Math.max(deepest, ++depth);
    else if ((c === ')' || c === ']' || c === '}') && depth > 0) depth--;
  }
  return deepest;
}

/**
 * Walks the parsed tree without recursion: refuses trees deeper than the analysis below may recurse, and
 * regex literals that cannot run in linear time.
 */
function checkTree(root: Ast): void {
  const stack: Array<[unknown, number]> = [[root, 0]];
  while (stack.length > 0) {
    const [node, depth] = stack.pop()!;
    if (node === null || typeof node !== 'object') continue;
    if (depth > 2 * MAX_EXPRESSION_NESTING) throw new AnalysisProblem(TOO_DEEP);
    if (node instanceof RegExp) {
      const problem = linearRegexProblem(node);
      if (problem !== undefined) throw new AnalysisProblem(problem);
      continue;
    }
    for (const child of Object.values(node))
      if (child !== null && typeof child === 'object') stack.push([child, depth + 1]);
  }
}

function analyze(source: string): { expression: JsonataExpression; references: string[] } {
  const expression = parse(source);
  return { expression, references: collectReferences(expression.ast() as unknown as Ast) };
}

/** `Unexpected end of expression (S0207 at position 15)`; JSONata throws plain objects, not Errors. */
export function describeJsonataError(err: unknown): string {
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
export function collectReferences(ast: Ast): string[] {
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
        throw new AnalysisProblem(
          'the parent operator % cannot reach the whole context; read input, run or nodes.<id> directly',
        );
      case 'wildcard':
      case 'descendant':
        if (atRoot)
          throw new AnalysisProblem(`${String(ast.value)} at the top level would read every node; ${DYNAMIC_NODES}`);
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
        if (current !== 'other')
          throw new AnalysisProblem(`${String(step.value)} would read every node; ${DYNAMIC_NODES}`);
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
  return [...MODIFIER_KEYS].some(
    (key) => step[key] !== undefined && !(Array.isArray(step[key]) && (step[key] as unknown[]).length === 0),
  );
}

function checkVariable(ast: Ast): void {
  const name = String(ast.value);
  // JSONata looks its evaluation hooks up by these names: an expression binding one could escape its budget.
  if (name.startsWith('__'))
    throw new AnalysisProblem(`the variable name "$${name}" is reserved (names starting with "__" are not allowed)`);
  if (name === 'eval')
    throw new AnalysisProblem(
      '$eval is not allowed: expressions are checked before the run, so they cannot be built from text at run time',
    );
  const hint = NONDETERMINISTIC[name];
  if (hint !== undefined)
    throw new AnalysisProblem(
      `$${name} is not allowed because expressions must give the same result on every replay; ${hint}`,
    );
}

function checkObjectKeys(pairs: unknown): void {
  if (!Array.isArray(pairs)) return;
  for (const pair of pairs) {
    const key = Array.isArray(pair) ? (pair[0] as Ast | undefined) : undefined;
    if (key?.type === 'string' && FORBIDDEN_FIELDS.has(String(key.value)))
      throw new AnalysisProblem(forbiddenField(String(key.value)));
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
/** Whether analysing (and later compiling) `source` runs JSONata's parser: anything but a plain dotted path. */
export function needsParser(source: string): boolean {
  return plainPathReferences(source) === undefined;
}

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

/** JSONata's hooks around every evaluation step; bound in each compiled expression's own environment. */
const ENTRY = '__evaluate_entry';
const EXIT = '__evaluate_exit';
const INTRINSIC_PROTOTYPES: readonly unknown[] = [
  Object.prototype,
  Array.prototype,
  Function.prototype,
  String.prototype,
  Number.prototype,
];
/** Binary operators whose operands are checked or charged before the operator runs (see `checkOperands`). */
const CHECKED_OPERATORS = new Set(['=', '!=', '<', '<=', '>', '>=', 'in', '&', '..']);

function currentBudget(): Budget {
  const budget = activeBudget();
  if (budget === undefined) throw new LimitExceeded('expressions are evaluated with a budget only');
  return budget;
}

function onEntry(expr: Ast): void {
  const budget = currentBudget();
  budget.enter();
  if (expr.type === 'binary' && CHECKED_OPERATORS.has(String(expr.value)))
    budget.operands.push({ node: expr, lhs: undefined });
}

function onExit(expr: Ast, input: unknown, _environment: unknown, result: unknown): void {
  const budget = currentBudget();
  budget.exit();
  // A regex literal legitimately evaluates to a matcher function; nothing else should.
  if ((typeof result === 'function' && expr.type !== 'regex') || INTRINSIC_PROTOTYPES.includes(result)) {
    throw new LimitExceeded('the expression reached a JavaScript built-in instead of data');
  }
  if (expr.type === 'name' && readsInherited(input, String(expr.value))) {
    throw new LimitExceeded(`"${String(expr.value)}" is inherited JavaScript behaviour, not a data field`);
  }
  budget.result(result);
  const top = budget.operands[budget.operands.length - 1];
  if (top === undefined) return;
  if (expr === top.node['lhs']) top.lhs = result;
  else if (expr === top.node['rhs']) checkOperands(budget, String(top.node.value), top.lhs, result);
  else if (expr === top.node) budget.operands.pop();
}

/**
 * Before a binary operator runs: a range is checked for size before it is allocated, and comparisons and
 * concatenation (which walk or stringify their operands natively) are charged for their operands' size.
 */
function checkOperands(budget: Budget, operator: string, lhs: unknown, rhs: unknown): void {
  if (operator === '..') {
    if (typeof lhs === 'number' && typeof rhs === 'number' && rhs >= lhs)
      budget.checkArray(rhs - lhs + 1, `the range [${lhs}..${rhs}]`);
    return;
  }
  budget.chargeDeep(lhs, `the operator ${operator}`);
  budget.chargeDeep(rhs, `the operator ${operator}`);
  if (operator === '&' && typeof lhs === 'string' && typeof rhs === 'string')
    budget.checkString(lhs.length + rhs.length, 'the result of &');
}

/** Does looking `key` up in `input` (as JSONata does, mapping over arrays) find something that is not an own property? */
export function readsInherited(input: unknown, key: string): boolean {
  if (Array.isArray(input)) return input.some((item) => readsInherited(item, key));
  if (input === null || typeof input !== 'object') return false;
  if (Object.prototype.hasOwnProperty.call(input, key)) return false;
  return (input as Record<string, unknown>)[key] !== undefined;
}

export function refuse(name: string): () => never {
  return () => {
    throw new LimitExceeded(`$${name} is not allowed`);
  };
}

/** A compiled, checked expression; evaluate it as often as needed (evaluations do not share state). */
export interface CompiledExpression {
  readonly source: string;
  readonly references: readonly string[];
  /**
   * The raw JSONata result: `undefined` when nothing matched; objects and arrays as plain JSON. Synchronous:
   * inside the workflow sandbox every promise costs a captured stack trace, and nothing here waits.
   * `budget`, when given, is charged (pass one budget to several evaluations to bound them together).
   */
  evaluate(context: ExpressionContext, limits?: Partial<EvaluationLimits> | Budget): unknown;
}

/** Throws WeftExpressionError when the expression is invalid (see `analyzeExpression`). */
export function compileExpression(source: string): CompiledExpression {
  let expression: JsonataExpression;
  let references: string[];
  try {
    ({ expression, references } = analyze(source));
  } catch (err) {
    if (err instanceof AnalysisProblem) throw new WeftExpressionError(source, err.message, 'is invalid');
    throw err;
  }
  // Hooks and overrides live in this expression's own environment; the library's globals stay untouched.
  expression.assign(ENTRY, onEntry);
  expression.assign(EXIT, onExit);
  for (const [name, definition] of guardedBuiltins()) expression.assign(name, definition);
  for (const name of FORBIDDEN_FUNCTIONS) expression.registerFunction(name, refuse(name));
  return {
    source,
    references,
    evaluate(context, limits) {
      const budget = limits instanceof Budget ? limits : new Budget(limits);
      let result: unknown;
      try {
        result = withBudget(budget, () => expression.evaluate(sandboxContext(context, references)) as unknown);
      } catch (err) {
        throw new WeftExpressionError(source, describeJsonataError(err));
      } finally {
        budget.operands.length = 0;
        budget.depth = 0;
      }
      return toPlainJson(result, source);
    },
  };
}

/**
 * The context JSONata sees: `input`, `run` and only the referenced nodes, so an expression can never observe
 * more than the validator approved. Values are passed as they are, not copied (a copy per evaluation costs
 * O(data) per node, quadratic over a large DAG): JSONata 1.8.9 reads own properties only, names that reach
 * JavaScript internals are refused statically, and the exit hook fails any step that yields a function or a
 * prototype. JSONata does not modify its input.
 */
function sandboxContext(context: ExpressionContext, references: readonly string[]): unknown {
  const nodes = Object.create(null) as Record<string, unknown>;
  for (const id of references) {
    const state = lookUpNode(context.nodes, id);
    if (state === undefined) continue;
    const view = Object.create(null) as Record<string, unknown>;
    if (state.status !== undefined) view['status'] = state.status;
    view['output'] = state.output;
    if (state.error !== undefined) view['error'] = state.error;
    nodes[id] = view;
  }
  const root = Object.create(null) as Record<string, unknown>;
  root['input'] = context.input;
  root['run'] = context.run;
  root['nodes'] = nodes;
  if (context.map) {
    if ('item' in context.map) root['item'] = context.map.item;
    if ('items' in context.map) root['items'] = context.map.items;
    root['index'] = context.map.index;
    if ('output' in context.map) root['output'] = context.map.output;
  }
  return root;
}

/** A node of a context, whether its nodes are a record or a lookup. */
export function lookUpNode(nodes: ExpressionContext['nodes'], id: string): NodeView | undefined {
  if (typeof nodes === 'function') return nodes(id);
  return nodes && Object.prototype.hasOwnProperty.call(nodes, id) ? nodes[id] : undefined;
}

/**
 * JSONata results as ordinary JSON: its internal sequence arrays and our prototype-free objects become plain
 * arrays and objects; `undefined` stays `undefined` at the top (no match) and is dropped inside objects.
 */
/** @internal shared with the legacy engine (legacy/expression-engine-v1.ts). */
export function toPlainJson(value: unknown, source: string, depth = 0): unknown {
  if (depth > MAX_JSON_DEPTH)
    throw new WeftExpressionError(source, `the result is nested more than ${MAX_JSON_DEPTH} levels deep`);
  if (value === undefined || value === null || typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'number') {
    if (!Number.isFinite(value))
      throw new WeftExpressionError(source, `the result ${String(value)} is not a JSON number`);
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
