/**
 * What one expression evaluation may cost, counted deterministically so that a runaway expression fails the
 * same way on every replay inside the Temporal workflow sandbox, never by the clock.
 *
 * JSONata runs synchronously here (see expression-engine.ts), so the evaluation under way is a module-level
 * variable: nothing can interleave with it. Three counters, each with a limit:
 * - steps: JSONata AST node evaluations (lambda calls, loop bodies, path steps). About 1-2 µs each.
 * - depth: nesting of steps; recursion deeper than this fails before it exhausts the JavaScript stack.
 * - work: data walked or built outside the steps, by operators and built-in functions that loop natively:
 *   one unit per array item, object entry or JSON value visited, one per 8 characters of a string,
 *   more for functions that are slower per value ($string, $distinct, regex matches). About 0.05 µs each.
 * Sizes are also checked before the allocations that could exhaust memory in one call (`$pad`, `$join`, a
 * range `[a..b]`, `&`), and every step's result is capped in length.
 */

export interface EvaluationLimits {
  /** Evaluation steps (JSONata AST node visits) per expression. */
  readonly maxSteps: number;
  /** Nesting of evaluation steps; recursion deeper than this fails instead of exhausting the stack. */
  readonly maxDepth: number;
  /** Units of data work per expression (see above). */
  readonly maxWork: number;
  /** Longest string any step may produce (Temporal payloads are capped at 2 MB anyway). */
  readonly maxStringLength: number;
  /** Longest array any step may produce. */
  readonly maxArrayLength: number;
}

/**
 * Chosen so the worst expression we could construct fails within about 0.3 s of workflow-task time on a
 * 2-core machine (docs/dsl.md, "Limits"), while any expression that reads and reshapes a node's output of
 * up to Temporal's 2 MB payload limit a few times fits easily.
 */
export const DEFAULT_EVALUATION_LIMITS: EvaluationLimits = Object.freeze({
  maxSteps: 100_000,
  maxDepth: 300,
  maxWork: 5_000_000,
  maxStringLength: 2_000_000,
  maxArrayLength: 1_000_000,
});

/** An expression went past one of its limits; the message says which. */
export class LimitExceeded extends Error {}

/** Characters of string per unit of work: native string scans are that much cheaper than a step. */
export const CHARS_PER_UNIT = 8;

export class Budget {
  steps = 0;
  depth = 0;
  work = 0;
  /** Binary operators under way whose operands are checked (see expression-engine.ts, `checkOperands`). */
  readonly operands: Array<{
    readonly node: { readonly value?: unknown } & Readonly<Record<string, unknown>>;
    lhs: unknown;
  }> = [];
  readonly limits: EvaluationLimits;

  constructor(limits?: Partial<EvaluationLimits>) {
    this.limits = { ...DEFAULT_EVALUATION_LIMITS, ...limits };
  }

  enter(): void {
    if (++this.steps > this.limits.maxSteps) {
      throw new LimitExceeded(
        `evaluation took more than ${this.limits.maxSteps} steps (unbounded recursion, or a loop over too much data?)`,
      );
    }
    if (++this.depth > this.limits.maxDepth) {
      throw new LimitExceeded(`evaluation nested more than ${this.limits.maxDepth} levels deep (unbounded recursion?)`);
    }
  }

  exit(): void {
    this.depth--;
  }

  charge(units: number, what: string): void {
    this.work += units;
    if (this.work > this.limits.maxWork) {
      throw new LimitExceeded(
        `evaluation did more than ${this.limits.maxWork} units of work on data (${what}); pass less data to the expression, or do the work in an activity`,
      );
    }
  }

  checkString(length: number, what: string): void {
    if (length > this.limits.maxStringLength)
      throw new LimitExceeded(`${what} would be longer than ${this.limits.maxStringLength} characters`);
  }

  checkArray(length: number, what: string): void {
    if (length > this.limits.maxArrayLength)
      throw new LimitExceeded(`${what} would have more than ${this.limits.maxArrayLength} items`);
  }

  /** Checks a step's result and charges what building it cost. */
  result(value: unknown): void {
    if (typeof value === 'string') {
      this.checkString(value.length, 'a string');
      this.charge(Math.ceil(value.length / CHARS_PER_UNIT), 'building strings');
    } else if (Array.isArray(value)) {
      this.checkArray(value.length, 'an array');
      this.charge(value.length, 'building arrays');
    }
  }

  /** Charges a walk over every value inside `value` (deep equality, `$string`, ...), `weight` units each. */
  chargeDeep(value: unknown, what: string, weight = 1): void {
    this.charge(weight * deepSize(value, (this.limits.maxWork - this.work) / weight + 1), what);
  }

  /** Charges a native loop over the top level of `value` (`$count`, `$keys`, `$contains`, ...). */
  chargeShallow(value: unknown, what: string): void {
    this.charge(shallowSize(value), what);
  }
}

export function shallowSize(value: unknown): number {
  if (typeof value === 'string') return Math.ceil(value.length / CHARS_PER_UNIT);
  if (Array.isArray(value)) return value.length;
  if (value !== null && typeof value === 'object') return Object.keys(value).length;
  return 1;
}

function sizeOfLeaf(value: unknown): number {
  return typeof value === 'string' ? 1 + Math.floor(value.length / CHARS_PER_UNIT) : 1;
}

/**
 * The number of JSON values inside `value` plus its characters / 32, counting up to about `cap` (the walk
 * itself stays within the budget). Iterative: values built by expressions can nest deeper than the stack.
 */
export function deepSize(value: unknown, cap = Number.POSITIVE_INFINITY): number {
  let total = 0;
  const stack: unknown[] = [value];
  while (stack.length > 0 && total < cap) {
    const item = stack.pop();
    if (item === null || typeof item !== 'object') total += sizeOfLeaf(item);
    else {
      total += 1;
      for (const child of Array.isArray(item) ? item : Object.values(item)) stack.push(child);
    }
  }
  return total;
}

// ---------------------------------------------------------------------------------------------------------------
// The evaluation under way

let active: Budget | undefined;

/** Runs `evaluate` with `budget` as the active budget (JSONata evaluation is synchronous: nothing interleaves). */
export function withBudget<T>(budget: Budget, evaluate: () => T): T {
  const outer = active;
  active = budget;
  try {
    return evaluate();
  } finally {
    active = outer;
  }
}

export function activeBudget(): Budget | undefined {
  return active;
}
