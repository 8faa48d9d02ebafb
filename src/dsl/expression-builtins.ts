/**
 * JSONata's built-in functions, wrapped so that the work they do natively (outside evaluation steps) is
 * charged to the evaluation's budget, and so that an allocation that would exhaust memory is refused
 * before it happens. See expression-budget.ts for the units.
 */
import { compileJsonata } from './jsonata';
import { activeBudget, LimitExceeded, type Budget } from './expression-budget';
import { MAX_JSON_DEPTH } from './json';

/** What JSONata binds for a built-in: `{ _jsonata_function, implementation, signature }`. */
interface FunctionDefinition {
  readonly _jsonata_function: true;
  readonly implementation: (this: unknown, ...args: unknown[]) => unknown;
  readonly signature?: unknown;
}

type Check = (budget: Budget, args: readonly unknown[]) => void;

const shallow: Check = (budget, args) => {
  for (const arg of args) budget.chargeShallow(arg, 'a built-in function reading its arguments');
};

/** Charges a walk over every value of the arguments, `weight` units each (measured: $string ~5x a plain walk). */
const deep =
  (name: string, weight: number): Check =>
  (budget, args) => {
    for (const arg of args) budget.chargeDeep(arg, `$${name} walking its arguments`, weight);
  };

const lengthOf = (value: unknown): number => (typeof value === 'string' ? value.length : 0);

/** Built-ins whose cost is more than a read of the top level of their arguments, or that can allocate a lot. */
const SPECIAL: Readonly<Record<string, Check>> = {
  string: deep('string', 5),
  merge: deep('merge', 2),
  clone: deep('clone', 5),
  distinct: deep('distinct', 10),
  pad: (budget, [str, width, char]) => {
    const padding = Math.abs(typeof width === 'number' ? width : 0) * Math.max(1, lengthOf(char));
    budget.checkString(lengthOf(str) + padding, 'the result of $pad');
    shallow(budget, [str, char]);
    budget.charge(Math.ceil(padding / 2), '$pad'); // Array(n).join(char): slower per character than a scan
  },
  replace: (budget, [str, pattern, replacement, limit]) => {
    shallow(budget, [str, replacement]);
    // A regex pattern charges per match itself (linear-regex.ts); a string pattern is counted here.
    if (typeof str !== 'string' || typeof pattern !== 'string' || pattern === '') return;
    const most = typeof limit === 'number' ? limit : Number.POSITIVE_INFINITY;
    let count = 0;
    for (let at = str.indexOf(pattern); at !== -1 && count < most; at = str.indexOf(pattern, at + pattern.length))
      count++;
    budget.checkString(str.length + count * (lengthOf(replacement) - pattern.length), 'the result of $replace');
    budget.charge(8 * count, '$replace');
  },
  join: (budget, [strs, separator]) => {
    const items = Array.isArray(strs) ? strs : [strs];
    const total =
      items.reduce<number>((sum, item) => sum + lengthOf(item), 0) +
      lengthOf(separator) * Math.max(0, items.length - 1);
    budget.checkString(total, 'the result of $join');
    budget.charge(items.length + Math.ceil(total / 32), '$join');
  },
  sort: (budget, [arr]) => {
    const n = Array.isArray(arr) ? arr.length : 1;
    // Merge sort: n·log2(n) comparisons, each a few generator calls.
    budget.charge(4 * n * Math.ceil(Math.log2(n + 1)), '$sort');
  },
};

/** Built-ins that do constant work; left as they are. */
const CONSTANT = new Set([
  'boolean',
  'not',
  'exists',
  'type',
  'error',
  'assert',
  'floor',
  'ceil',
  'round',
  'abs',
  'sqrt',
  'power',
  'number',
]);
/** Refused altogether (expression-engine.ts says why); not wrapped. */
const REFUSED = new Set(['eval', 'now', 'millis', 'random', 'shuffle']);

const NAMES = [
  'sum',
  'count',
  'max',
  'min',
  'average',
  'string',
  'substring',
  'substringBefore',
  'substringAfter',
  'lowercase',
  'uppercase',
  'length',
  'trim',
  'pad',
  'match',
  'contains',
  'replace',
  'split',
  'join',
  'formatNumber',
  'formatBase',
  'formatInteger',
  'parseInteger',
  'map',
  'zip',
  'filter',
  'single',
  'reduce',
  'sift',
  'keys',
  'lookup',
  'append',
  'spread',
  'merge',
  'reverse',
  'each',
  'sort',
  'distinct',
  'base64encode',
  'base64decode',
  'encodeUrlComponent',
  'encodeUrl',
  'decodeUrlComponent',
  'decodeUrl',
  'toMillis',
  'fromMillis',
  'clone',
].filter((name) => !CONSTANT.has(name) && !REFUSED.has(name));

/**
 * `$distinct` by canonical JSON (keys sorted), linear instead of JSONata's pairwise deep comparison, which is
 * quadratic; same result: the first occurrence of each deep-equal value, in order.
 */
function distinct(this: unknown, arr: unknown): unknown {
  if (!Array.isArray(arr) || arr.length <= 1) return arr;
  const seen = new Set<string>();
  const out: unknown[] = [];
  for (const value of arr) {
    const key = canonical(value);
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(value);
  }
  // JSONata marks its sequences; keep the input's kind so singletons unwrap as before.
  if ((arr as { sequence?: boolean }).sequence === true)
    Object.defineProperty(out, 'sequence', { value: true, enumerable: false, writable: true });
  return out;
}

/** JSON with object keys sorted, so deep-equal values give the same text; bounded in depth like results. */
function canonical(value: unknown, depth = 0): string {
  if (depth > MAX_JSON_DEPTH)
    throw new LimitExceeded(`$distinct met a value nested more than ${MAX_JSON_DEPTH} levels deep`);
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'undefined';
  if (Array.isArray(value)) return `[${value.map((item) => canonical(item, depth + 1)).join(',')}]`;
  const keys = Object.keys(value).sort();
  return `{${keys.map((key) => `${JSON.stringify(key)}:${canonical((value as Record<string, unknown>)[key], depth + 1)}`).join(',')}}`;
}

function original(name: string): FunctionDefinition {
  const definition = compileJsonata(`$${name}`).evaluate(undefined) as FunctionDefinition | undefined;
  if (definition?._jsonata_function !== true) throw new Error(`JSONata has no built-in $${name}`);
  return definition;
}

function guard(name: string, definition: FunctionDefinition): FunctionDefinition {
  const check = SPECIAL[name] ?? shallow;
  const implementation = name === 'distinct' ? distinct : definition.implementation;
  return {
    _jsonata_function: true,
    signature: definition.signature,
    implementation(this: unknown, ...args: unknown[]) {
      const budget = activeBudget();
      if (budget === undefined) throw new LimitExceeded('expressions are evaluated with a budget only');
      check(budget, args);
      return implementation.apply(this, args);
    },
  };
}

let guarded: ReadonlyArray<readonly [string, FunctionDefinition]> | undefined;

/** The wrapped built-ins, to bind in each compiled expression's environment (made once, on first use). */
export function guardedBuiltins(): ReadonlyArray<readonly [string, FunctionDefinition]> {
  guarded ??= NAMES.map((name) => [name, guard(name, original(name))] as const);
  return guarded;
}
