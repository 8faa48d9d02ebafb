/**
 * The expression evaluation of Weft 0.1 (JSONata 2.1, asynchronous), kept unchanged for one reason: runs
 * started by Weft 0.1 must replay with the same commands, and in that interpreter the order in which a task
 * scheduled its activities depended on how many awaits each node's input evaluation took. Only the legacy
 * interpreter (src/workflows/legacy/dag-run-v1.ts) uses it, behind `patched()`; new runs never do.
 * Remove it once no run started by Weft 0.1 can still be open (see CHANGELOG).
 */
import jsonata from 'jsonata-v2';
import {
  AnalysisProblem,
  collectReferences,
  describeJsonataError,
  FORBIDDEN_FUNCTIONS,
  readsInherited,
  refuse,
  toPlainJson,
  WeftExpressionError,
  type Ast,
  type ExpressionContext,
  type NodeView,
} from '../expression-engine';
import { toNullPrototypeJson } from '../json';

const LIMITS = { maxSteps: 100_000, maxDepth: 500, maxStringLength: 2_000_000, maxArrayLength: 1_000_000 } as const;

class LimitExceeded extends Error {}

interface Budget {
  steps: number;
  depth: number;
}

/** A binding name JSONata code cannot spell (a variable name ends at "."), so expressions cannot reach the budget. */
const BUDGET = 'weft.budget';
const ENTRY = Symbol.for('jsonata.__evaluate_entry');
const EXIT = Symbol.for('jsonata.__evaluate_exit');
const INTRINSIC_PROTOTYPES: readonly unknown[] = [
  Object.prototype,
  Array.prototype,
  Function.prototype,
  String.prototype,
  Number.prototype,
];

function onEntry(_expr: Ast, _input: unknown, environment: jsonata.Environment): void {
  const budget = environment.lookup(BUDGET) as Budget | undefined;
  if (budget === undefined) return;
  if (++budget.steps > LIMITS.maxSteps)
    throw new LimitExceeded(`evaluation took more than ${LIMITS.maxSteps} steps (unbounded recursion?)`);
  if (++budget.depth > LIMITS.maxDepth)
    throw new LimitExceeded(`evaluation nested more than ${LIMITS.maxDepth} levels deep (unbounded recursion?)`);
}

function onExit(expr: Ast, input: unknown, environment: jsonata.Environment, result: unknown): void {
  const budget = environment.lookup(BUDGET) as Budget | undefined;
  if (budget !== undefined) budget.depth--;
  if ((typeof result === 'function' && expr.type !== 'regex') || INTRINSIC_PROTOTYPES.includes(result)) {
    throw new LimitExceeded('the expression reached a JavaScript built-in instead of data');
  }
  if (expr.type === 'name' && readsInherited(input, String(expr.value))) {
    throw new LimitExceeded(`"${String(expr.value)}" is inherited JavaScript behaviour, not a data field`);
  }
  if (budget === undefined) return;
  if (typeof result === 'string' && result.length > LIMITS.maxStringLength)
    throw new LimitExceeded(`a string grew longer than ${LIMITS.maxStringLength} characters`);
  if (Array.isArray(result) && result.length > LIMITS.maxArrayLength)
    throw new LimitExceeded(`an array grew longer than ${LIMITS.maxArrayLength} items`);
}

export interface CompiledExpressionV1 {
  readonly references: readonly string[];
  evaluate(context: ExpressionContext): Promise<unknown>;
}

/** Compiles as Weft 0.1 did (the source was validated when the run started); the same awaits, in the same places. */
export function compileExpressionV1(source: string): CompiledExpressionV1 {
  let expression: jsonata.Expression;
  let references: string[];
  try {
    expression = jsonata(source);
    references = collectReferences(expression.ast() as unknown as Ast);
  } catch (err) {
    throw new WeftExpressionError(
      source,
      err instanceof AnalysisProblem ? err.message : describeJsonataError(err),
      'is invalid',
    );
  }
  expression.assign(ENTRY as unknown as string, onEntry);
  expression.assign(EXIT as unknown as string, onExit);
  for (const name of FORBIDDEN_FUNCTIONS) expression.registerFunction(name, refuse(name));
  return {
    references,
    async evaluate(context) {
      const budget: Budget = { steps: 0, depth: 0 };
      let result: unknown;
      try {
        result = await expression.evaluate(sandboxContext(context, references), { [BUDGET]: budget });
      } catch (err) {
        throw new WeftExpressionError(source, err instanceof LimitExceeded ? err.message : describeJsonataError(err));
      }
      return toPlainJson(result, source);
    },
  };
}

function sandboxContext(context: ExpressionContext, references: readonly string[]): unknown {
  const nodes = Object.create(null) as Record<string, unknown>;
  for (const id of references) {
    const state: NodeView | undefined = typeof context.nodes === 'function' ? context.nodes(id) : context.nodes?.[id];
    if (state !== undefined) nodes[id] = toNullPrototypeJson(state);
  }
  const root = Object.create(null) as Record<string, unknown>;
  root['input'] = toNullPrototypeJson(context.input);
  root['run'] = toNullPrototypeJson(context.run);
  root['nodes'] = nodes;
  return root;
}
