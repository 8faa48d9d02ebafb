/**
 * Weft's expression language, as documents use it: `${ expr }` templates in JSON values (node `input`,
 * `compensate.input`, the document's `output`) and bare `when` conditions. The JSONata engine underneath
 * (static checks, sandboxed evaluation) is in expression-engine.ts; its public pieces are re-exported here.
 *
 * Templates:
 * - A string that is exactly `"${ expr }"` becomes the expression's value, keeping its type (number, object, ...).
 *   If the expression has no result, the field is left out of its object (JSON has no `undefined`), an array item
 *   becomes `null`, and a template that is only that string evaluates to `null`.
 * - `${ expr }` inside a longer string is interpolated as text, like JSONata's `&` operator: no result -> "",
 *   `null` -> "null", numbers to 15 significant digits, objects and arrays as compact JSON (see `toText`).
 * - `$${` writes a literal `${` (for shell scripts and other templates passed through to activities).
 * - Templates apply to values at any depth; object keys are never templated.
 *
 * Conditions (`when`): a bare JSONata expression, no `${}`; its result is coerced like JSONata's `$boolean`,
 * with "no result" counting as false (see `toBoolean`).
 */
import {
  analyzeExpression,
  compileExpression,
  isJsonataFunction,
  quoteExpression,
  WeftExpressionError,
  Budget,
  type CompiledExpression,
  type EvaluationLimits,
  type ExpressionAnalysis,
  type ExpressionContext,
} from './expression-engine';
export { lookUpNode, needsParser } from './expression-engine';
import type { IssuePath } from './issues';
import { isPlainObject, MAX_JSON_DEPTH, setOwn } from './json';

export {
  analyzeExpression,
  referencedNodes,
  compileExpression,
  quoteExpression,
  WeftExpressionError,
  DEFAULT_EVALUATION_LIMITS,
  Budget,
  MAX_EXPRESSION_LENGTH,
  MAX_EXPRESSION_NESTING,
  type CompiledExpression,
  type EvaluationLimits,
  type ExpressionAnalysis,
  type ExpressionContext,
  type NodeView,
} from './expression-engine';

// ---------------------------------------------------------------------------------------------------------------
// Templates

export type TemplatePart = { readonly text: string } | { readonly expression: string };

export type ParsedTemplateString =
  { readonly ok: true; readonly parts: readonly TemplatePart[] } | { readonly ok: false; readonly reason: string };

/**
 * Where the `}` closing a `${` is: braces nest, and braces inside JSONata string literals, backtick names and
 * comments do not count. -1 if there is none.
 */
function findClosingBrace(text: string, from: number): number {
  let depth = 0;
  for (let i = from; i < text.length; i++) {
    const c = text[i];
    if (c === '"' || c === "'") {
      for (i++; i < text.length && text[i] !== c; i++) if (text[i] === '\\') i++;
      if (i >= text.length) return -1;
    } else if (c === '`') {
      i = text.indexOf('`', i + 1);
      if (i === -1) return -1;
    } else if (c === '/' && text[i + 1] === '*') {
      i = text.indexOf('*/', i + 2);
      if (i === -1) return -1;
      i++;
    } else if (c === '{') {
      depth++;
    } else if (c === '}') {
      if (depth === 0) return i;
      depth--;
    }
  }
  return -1;
}

/** Split a string into literal text and `${ }` expressions. */
export function parseTemplateString(text: string): ParsedTemplateString {
  const parts: TemplatePart[] = [];
  let literal = '';
  let i = 0;
  while (i < text.length) {
    if (text.startsWith('$${', i)) {
      literal += '${';
      i += 3;
    } else if (text.startsWith('${', i)) {
      const close = findClosingBrace(text, i + 2);
      if (close === -1)
        return { ok: false, reason: 'a "${" is not closed; close it with "}" (or write "$${" for a literal "${")' };
      // Trimmed, so JSONata's error positions count from the first character a person sees.
      const expression = text.slice(i + 2, close).trim();
      if (expression === '') return { ok: false, reason: 'it holds an empty "${}"' };
      if (literal !== '') parts.push({ text: literal });
      literal = '';
      parts.push({ expression });
      i = close + 1;
    } else {
      // Up to the next "$" in one step: character by character, a megabyte of text took most of a second.
      const next = text.indexOf('$', i + 1);
      const end = next === -1 ? text.length : next;
      literal += text.slice(i, end);
      i = end;
    }
  }
  if (literal !== '' || parts.length === 0) parts.push({ text: literal });
  return { ok: true, parts };
}

export interface TemplateExpressionInfo {
  /** Where the string holding the expression sits, relative to the templated value. */
  readonly path: IssuePath;
  readonly source: string;
  readonly references: readonly string[];
}

export interface TemplateProblem {
  readonly path: IssuePath;
  readonly message: string;
}

export interface TemplateAnalysis {
  readonly expressions: readonly TemplateExpressionInfo[];
  readonly problems: readonly TemplateProblem[];
}

/**
 * Calls `visit` for every string in `value` with its path; stops descending past MAX_JSON_DEPTH (the schema reports
 * it). Each object is entered once (`seen`): a value from TypeScript may contain itself or share an object.
 */
function forEachString(
  value: unknown,
  path: (string | number)[],
  visit: (text: string, path: IssuePath) => void,
  seen = new Set<object>(),
): void {
  if (typeof value === 'string') visit(value, [...path]);
  else if (path.length > MAX_JSON_DEPTH || value === null || typeof value !== 'object' || seen.has(value)) return;
  else if (Array.isArray(value)) {
    seen.add(value);
    value.forEach((item, i) => forEachString(item, [...path, i], visit, seen));
  } else if (isPlainObject(value)) {
    seen.add(value);
    for (const [key, item] of Object.entries(value)) forEachString(item, [...path, key], visit, seen);
  }
}

/**
 * Every expression in a templated value and every problem with it; never throws. `analyze` is how one expression is
 * analysed (the validator passes a memoised `analyzeExpression`, so 100,000 copies of one expression parse once).
 */
export function analyzeTemplate(
  value: unknown,
  analyze: (source: string) => ExpressionAnalysis = analyzeExpression,
): TemplateAnalysis {
  const expressions: TemplateExpressionInfo[] = [];
  const problems: TemplateProblem[] = [];
  forEachString(value, [], (text, path) => {
    if (!text.includes('${')) return;
    const parsed = parseTemplateString(text);
    if (!parsed.ok) {
      problems.push({ path, message: `template ${quoteExpression(text)} is invalid: ${parsed.reason}` });
      return;
    }
    for (const part of parsed.parts) {
      if (!('expression' in part)) continue;
      const analysis = analyze(part.expression);
      if (analysis.ok) expressions.push({ path, source: part.expression, references: analysis.references });
      else
        problems.push({
          path,
          message: `expression ${quoteExpression(part.expression)} is invalid: ${analysis.reason}`,
        });
    }
  });
  return { expressions, problems };
}

type Plan =
  | { readonly kind: 'literal'; readonly value: unknown }
  | { readonly kind: 'whole'; readonly expression: CompiledExpression }
  | { readonly kind: 'text'; readonly parts: readonly (string | CompiledExpression)[] }
  | { readonly kind: 'array'; readonly items: readonly Plan[] }
  | { readonly kind: 'object'; readonly entries: readonly (readonly [string, Plan])[] };

export interface CompiledTemplate {
  /** Node ids read by any expression in the template, in first-use order. */
  readonly references: readonly string[];
  /**
   * A new value with every template replaced; parts without templates are shared with the original.
   * Pass a `Budget` to bound all of the template's expressions together (each has its own otherwise).
   */
  evaluate(context: ExpressionContext, limits?: Partial<EvaluationLimits> | Budget): unknown;
}

function plan(value: unknown, references: Set<string>, depth: number): Plan {
  if (typeof value === 'string') {
    if (!value.includes('${')) return { kind: 'literal', value };
    const parsed = parseTemplateString(value);
    if (!parsed.ok) throw new WeftExpressionError(value, parsed.reason, 'is invalid', 'template');
    const parts = parsed.parts.map((part) => {
      if ('text' in part) return part.text;
      const expression = compileExpression(part.expression);
      expression.references.forEach((id) => references.add(id));
      return expression;
    });
    const only = parts[0];
    if (parts.length === 1 && typeof only !== 'string' && only !== undefined)
      return { kind: 'whole', expression: only };
    if (parts.every((part) => typeof part === 'string')) return { kind: 'literal', value: parts.join('') };
    return { kind: 'text', parts };
  }
  if (depth > MAX_JSON_DEPTH) throw new RangeError(`template is nested more than ${MAX_JSON_DEPTH} levels deep`);
  if (Array.isArray(value)) {
    const items = value.map((item) => plan(item, references, depth + 1));
    if (!items.every((item) => item.kind === 'literal')) return { kind: 'array', items };
    // Unchanged parts are shared; a "$${" escape inside changes its string, so the array is rebuilt.
    const same = items.every((item, i) => (item as { value: unknown }).value === value[i]);
    return { kind: 'literal', value: same ? value : items.map((item) => (item as { value: unknown }).value) };
  }
  if (isPlainObject(value)) {
    const entries = Object.entries(value).map(([key, item]) => [key, plan(item, references, depth + 1)] as const);
    if (!entries.every(([, item]) => item.kind === 'literal')) return { kind: 'object', entries };
    const same = entries.every(([key, item]) => (item as { value: unknown }).value === value[key]);
    if (same) return { kind: 'literal', value };
    const rebuilt: Record<string, unknown> = {};
    for (const [key, item] of entries) setOwn(rebuilt, key, (item as { value: unknown }).value);
    return { kind: 'literal', value: rebuilt };
  }
  return { kind: 'literal', value };
}

/** Evaluate one plan; sequentially, in document order, so replays see the same order of work. */
function run(step: Plan, context: ExpressionContext, limits: Partial<EvaluationLimits> | Budget | undefined): unknown {
  switch (step.kind) {
    case 'literal':
      return step.value;
    case 'whole':
      return step.expression.evaluate(context, limits);
    case 'text': {
      let text = '';
      for (const part of step.parts) text += typeof part === 'string' ? part : toText(part.evaluate(context, limits));
      return text;
    }
    case 'array': {
      const out: unknown[] = [];
      for (const item of step.items) out.push(run(item, context, limits) ?? null);
      return out;
    }
    case 'object': {
      const out: Record<string, unknown> = {};
      for (const [key, item] of step.entries) {
        const value = run(item, context, limits);
        if (value !== undefined) setOwn(out, key, value);
      }
      return out;
    }
  }
}

/** Compile every `${}` in `value` once; throws WeftExpressionError for the first invalid one. */
export function compileTemplate(value: unknown): CompiledTemplate {
  const references = new Set<string>();
  const root = plan(value, references, 0);
  return {
    references: [...references],
    // One budget for all of the template's expressions: many small runaways add up to one bound.
    evaluate: (context, limits) => run(root, context, limits instanceof Budget ? limits : new Budget(limits)) ?? null,
  };
}

/** Compile and evaluate in one go (compile once with `compileTemplate` when evaluating repeatedly). */
export function evaluateTemplate(
  value: unknown,
  context: ExpressionContext,
  limits?: Partial<EvaluationLimits> | Budget,
): unknown {
  return compileTemplate(value).evaluate(context, limits);
}

// ---------------------------------------------------------------------------------------------------------------
// Conditions

/**
 * JSONata's `$boolean` rules, with "no result" counting as false: false for `undefined`, `null`, `false`, `0`,
 * `""`, `[]`, `{}` and functions; an array is true if any item is; everything else is true.
 */
export function toBoolean(value: unknown): boolean {
  if (value === undefined || value === null) return false;
  if (Array.isArray(value)) return value.some((item) => toBoolean(item));
  if (typeof value === 'string') return value.length > 0;
  if (typeof value === 'number') return value !== 0;
  if (typeof value === 'boolean') return value;
  if (typeof value === 'object')
    return !isJsonataFunction(value as Record<string, unknown>) && Object.keys(value).length > 0;
  return false;
}

export interface CompiledCondition {
  readonly source: string;
  readonly references: readonly string[];
  evaluate(context: ExpressionContext, limits?: Partial<EvaluationLimits> | Budget): boolean;
}

/** A `when` expression: a bare JSONata expression (no `${}`), coerced with `toBoolean`. */
export function compileCondition(source: string): CompiledCondition {
  const expression = compileExpression(source);
  return {
    source,
    references: expression.references,
    evaluate: (context, limits) => toBoolean(expression.evaluate(context, limits)),
  };
}

export function evaluateCondition(
  source: string,
  context: ExpressionContext,
  limits?: Partial<EvaluationLimits> | Budget,
): boolean {
  return compileCondition(source).evaluate(context, limits);
}

// ---------------------------------------------------------------------------------------------------------------
// Interpolation

/**
 * How a value reads inside a longer string, the same as JSONata's `&` operator (which applies `$string`):
 * strings as they are, "no result" as "", `null` as "null", numbers rounded to 15 significant digits,
 * objects and arrays as compact JSON.
 */
export function toText(value: unknown): string {
  if (value === undefined) return '';
  if (typeof value === 'string') return value;
  const text = JSON.stringify(value, (_key, item: unknown) =>
    typeof item === 'number' && Number.isFinite(item) ? Number(item.toPrecision(15)) : item,
  ) as string | undefined;
  return text ?? '';
}
