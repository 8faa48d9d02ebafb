/**
 * Templates and conditions as Weft 0.1 evaluated them, kept verbatim for the legacy interpreter only
 * (see legacy/expression-engine-v1.ts for why): the awaits must stay where they were.
 */
import { WeftExpressionError, type ExpressionContext } from '../expression-engine';
import { parseTemplateString, toBoolean, toText } from '../expressions';
import { isPlainObject, MAX_JSON_DEPTH, setOwn } from '../json';
import { compileExpressionV1, type CompiledExpressionV1 } from './expression-engine-v1';

type Plan =
  | { readonly kind: 'literal'; readonly value: unknown }
  | { readonly kind: 'whole'; readonly expression: CompiledExpressionV1 }
  | { readonly kind: 'text'; readonly parts: readonly (string | CompiledExpressionV1)[] }
  | { readonly kind: 'array'; readonly items: readonly Plan[] }
  | { readonly kind: 'object'; readonly entries: readonly (readonly [string, Plan])[] };

function plan(value: unknown, depth: number): Plan {
  if (typeof value === 'string') {
    if (!value.includes('${')) return { kind: 'literal', value };
    const parsed = parseTemplateString(value);
    if (!parsed.ok) throw new WeftExpressionError(value, parsed.reason, 'is invalid', 'template');
    const parts = parsed.parts.map((part) => ('text' in part ? part.text : compileExpressionV1(part.expression)));
    const only = parts[0];
    if (parts.length === 1 && typeof only !== 'string' && only !== undefined)
      return { kind: 'whole', expression: only };
    if (parts.every((part) => typeof part === 'string')) return { kind: 'literal', value: parts.join('') };
    return { kind: 'text', parts };
  }
  if (depth > MAX_JSON_DEPTH) throw new RangeError(`template is nested more than ${MAX_JSON_DEPTH} levels deep`);
  if (Array.isArray(value)) {
    const items = value.map((item) => plan(item, depth + 1));
    return items.every((item) => item.kind === 'literal') ? { kind: 'literal', value } : { kind: 'array', items };
  }
  if (isPlainObject(value)) {
    const entries = Object.entries(value).map(([key, item]) => [key, plan(item, depth + 1)] as const);
    return entries.every(([, item]) => item.kind === 'literal')
      ? { kind: 'literal', value }
      : { kind: 'object', entries };
  }
  return { kind: 'literal', value };
}

async function run(step: Plan, context: ExpressionContext): Promise<unknown> {
  switch (step.kind) {
    case 'literal':
      return step.value;
    case 'whole':
      return step.expression.evaluate(context);
    case 'text': {
      let text = '';
      for (const part of step.parts) text += typeof part === 'string' ? part : toText(await part.evaluate(context));
      return text;
    }
    case 'array': {
      const out: unknown[] = [];
      for (const item of step.items) out.push((await run(item, context)) ?? null);
      return out;
    }
    case 'object': {
      const out: Record<string, unknown> = {};
      for (const [key, item] of step.entries) {
        const value = await run(item, context);
        if (value !== undefined) setOwn(out, key, value);
      }
      return out;
    }
  }
}

export function evaluateTemplateV1(value: unknown, context: ExpressionContext): Promise<unknown> {
  const root = plan(value, 0);
  return (async () => (await run(root, context)) ?? null)();
}

export function evaluateConditionV1(source: string, context: ExpressionContext): Promise<boolean> {
  const expression = compileExpressionV1(source);
  return (async () => toBoolean(await expression.evaluate(context)))();
}
