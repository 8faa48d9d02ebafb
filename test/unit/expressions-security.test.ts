/**
 * Expressions come from documents, i.e. from users: they must reach data only, finish on every input, and
 * give the same result on every replay. Each case here is an attack or an accident seen in expression engines.
 */
import type * as Dsl from '../../src/dsl';
import {
  analyzeExpression,
  compileExpression,
  evaluateCondition,
  evaluateTemplate,
  WeftExpressionError,
} from '../../src/dsl';
import { context } from './fixtures';

const evaluate = (expression: string, limits?: Parameters<ReturnType<typeof compileExpression>['evaluate']>[1]) =>
  compileExpression(expression).evaluate(context, limits);

afterEach(() => {
  // Nothing may ever leak onto the shared prototypes.
  expect(Object.keys(Object.prototype)).toEqual([]);
  expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
});

describe('the prototype chain is out of reach', () => {
  it.each([
    'constructor',
    '__proto__',
    'nodes.fetch.output.constructor',
    'nodes.fetch.output.__proto__',
    'input.tags.constructor',
    '$string.constructor',
    '"x".constructor',
    'input.prototype',
    '[{}].constructor',
    '{"__proto__": {"polluted": true}}',
    '$merge([{}, {"__proto__": {"polluted": true}}])',
    'nodes.fetch.output ~> |$|{"constructor": 1}|',
  ])('refuses %s before it runs', (expression) => {
    const analysis = analyzeExpression(expression);
    expect(analysis.ok).toBe(false);
    expect(analysis.ok === false && analysis.reason).toMatch(/not allowed/);
  });

  it.each([
    '$lookup({}, "constructor")',
    '$lookup({}, "__proto__")',
    '$lookup({}, "const" & "ructor")',
    '($k := "__pro" & "to__"; $lookup({}, $k))',
    '{}.toString',
    '($f := {}.valueOf; $f())',
    '$lookup([{}, {}], "constructor")',
    '{}.hasOwnProperty',
  ])('finds nothing for %s at run time (names assembled at run time cannot be checked statically)', (expression) => {
    // JSONata 1.8.9 reads own properties only; the engine's exit hook would fail the evaluation otherwise.
    let outcome: unknown;
    try {
      outcome = evaluate(expression);
    } catch (err) {
      outcome = err;
    }
    if (outcome instanceof Error) expect(outcome).toBeInstanceOf(WeftExpressionError);
    else expect(outcome).toBeUndefined();
  });

  it('reads own data fields named like built-ins when the data has them', async () => {
    const data = { input: JSON.parse('{"constructor": "Ada", "toString": 1, "__proto__": {"x": 2}}') };
    expect(await compileExpression('$lookup(input, "constructor")').evaluate(data)).toBe('Ada');
    expect(await compileExpression('input.toString').evaluate(data)).toBe(1);
  });

  it('cannot call JSONata internals through function objects', async () => {
    expect(await evaluate('$string.implementation')).toBeUndefined();
    expect(await evaluate('$lookup($string, "implementation")')).toBeUndefined();
  });
});

describe('dynamic code and non-determinism are unavailable', () => {
  it.each(['$eval("1 + 1")', '$now()', '$millis()', '$random()', '$shuffle([1, 2, 3])'])(
    '%s is refused when compiled',
    (expression) => {
      expect(() => compileExpression(expression)).toThrow(WeftExpressionError);
    },
  );

  it('gives the same answer for the same context, every time', async () => {
    const expression = compileExpression(
      '$sum(nodes.fetch.output.body.items.id) & "-" & run.startedAt & "-" & $toMillis(run.startedAt)',
    );
    const results = await Promise.all([1, 2, 3].map(() => expression.evaluate(context)));
    expect(new Set(results)).toEqual(new Set(['3-2026-11-20T10:00:00.000Z-1795168800000']));
  });
});

describe('an expression sees only the nodes it names', () => {
  it('the context JSONata receives holds the referenced nodes only', async () => {
    // $sift() with no input object reads the context itself: allowed, but it finds only what was named.
    expect(await evaluate('$keys($sift(function($v) { true }).nodes)')).toBeUndefined();
    expect(await evaluate('[nodes.fetch.status, $keys($sift(function($v) { true }).nodes)]')).toEqual([
      'SUCCEEDED',
      'fetch',
    ]);
    expect(await evaluate('$string()')).not.toContain('s3cr3t');
  });

  it('never modifies the context', async () => {
    const before = JSON.stringify(context);
    await evaluate('nodes.fetch.output ~> |body.items|{"ok": "changed"}|');
    await evaluateTemplate({ a: '${ nodes.fetch.output.body ~> |items|{"id": 0}| }' }, context);
    expect(JSON.stringify(context)).toBe(before);
  });
});

describe('evaluation is bounded by counting steps, not by the clock', () => {
  it.each([
    ['tail recursion (JSONata loops it forever)', '($f := function($x) { $f($x) }; $f(1))', /more than 100000 steps/],
    ['deep recursion', '($f := function($x) { 1 + $f($x) }; $f(1))', /nested more than 300 levels/],
    [
      'mutual recursion',
      '($a := function($x) { $b($x) }; $b := function($x) { $a($x) }; $a(1))',
      /more than 100000 steps/,
    ],
    ['a huge loop', '$count($map([1..1000000], function($v) { $v * 2 }))', /more than 100000 steps/],
    ['a huge string', '$pad("", 5000000)', /\$pad would be longer than 2000000 characters/],
    ['a huge array', '$count([1..2000000])', /range \[1..2000000\] would have more than 1000000 items/],
  ])('%s fails with an error instead of hanging', async (_what, expression, message) => {
    expect(() => evaluate(expression)).toThrow(message);
  });

  it('takes its limits from the caller', async () => {
    const sum = '$sum($map([1..100], function($v) { $v }))';
    expect(() => evaluate(sum, { maxSteps: 50 })).toThrow(/more than 50 steps/);
    expect(await evaluate(sum, { maxSteps: 2_000 })).toBe(5050);
    expect(() => evaluate('($f := function($n) { $n <= 1 ? 1 : $n * $f($n - 1) }; $f(20))', { maxDepth: 40 })).toThrow(
      /40 levels/,
    );
  });

  it('gives each evaluation its own budget, even when they run concurrently', async () => {
    const expression = compileExpression('$sum($map([1..200], function($v) { $v }))');
    const limits = { maxSteps: 1_000 };
    expect(await Promise.all([1, 2, 3, 4].map(() => expression.evaluate(context, limits)))).toEqual([
      20100, 20100, 20100, 20100,
    ]);
  });

  it('fails a runaway condition the same way', async () => {
    expect(() => evaluateCondition('($f := function($x) { $f($x) }; $f(1))', context)).toThrow(WeftExpressionError);
  });
});

describe('hostile expressions fail their node, fast, instead of stopping a worker', () => {
  // Each of these once ran for minutes or exhausted memory inside the workflow sandbox (issue: one expression
  // crashed every worker on a task queue). Now each fails within its budget; bench/hostile-expressions.ts
  // measures how long the worst of them takes inside a real workflow task.
  const big = {
    items: Array.from({ length: 200_000 }, (_, i) => ({ id: i, name: `item-${i}` })),
    text: 'x'.repeat(1_900_000),
  };
  const hostileContext = { input: {}, nodes: { a: { status: 'SUCCEEDED', output: big } }, run: {} };
  it.each([
    ['unbounded tail recursion', '($f := function($x){$f($x)}; $f(1))', /more than 100000 steps/],
    [
      'a sort with a lambda over a million items',
      '$count($sort([1..999999], function($a,$b){$a < $b}))',
      /units of work on data \(\$sort\)/,
    ],
    ['a million-item range mapped 2,000 times', '$count([1..2000].[1..999999])', /units of work on data/],
    ['300 strings of 2 MB', '$count([1..300].($pad("", 1999999, "x")))', /units of work on data/],
    [
      'deep comparisons of a large output in a loop',
      '$count($map([1..100000], function($i){ nodes.a.output = nodes.a.output }))',
      /units of work on data/,
    ],
    [
      '$string of a large output in a loop',
      '$count($map([1..100000], function($i){ $string(nodes.a.output) }))',
      /units of work on data \(\$string/,
    ],
    ['$distinct over 200,000 objects', '$count($distinct(nodes.a.output.items))', /units of work on data \(\$distinct/],
    [
      'a string doubled 40 times',
      '($f := function($n, $s){ $n = 0 ? $s : $f($n - 1, $s & $s) }; $length($f(40, "ab")))',
      /result of & would be longer/,
    ],
    [
      'a regex replacing every character of 2 MB',
      '$length($replace(nodes.a.output.text, /x/, "yyyyyyyyyy"))',
      /regular expression matching/,
    ],
    [
      'a string replacement that grows 2 MB',
      '$replace(nodes.a.output.text, "x", "yy")',
      /result of \$replace would be longer/,
    ],
    ['$join of a thousand 1 MB strings', '$length($join([1..1000].($pad("", 1000000, "x"))))', /units of work on data/],
  ])('%s', (_what, expression, reason) => {
    expect(() => compileExpression(expression).evaluate(hostileContext)).toThrow(reason);
  });

  it('matches regular expressions in linear time: /(a+)+$/ does not backtrack', () => {
    const text = `${'a'.repeat(100_000)}!`;
    expect(compileExpression('$match(input.text, /(a+)+$/)').evaluate({ input: { text } })).toBeUndefined();
    expect(compileExpression('$contains(input.text, /(a+)+!$/)').evaluate({ input: { text } })).toBe(true);
  });

  it('matches on RE2 from the very first expression a fresh module evaluates (as in a new workflow)', () => {
    // JSONata keeps its regex engine module-wide, and one call without the option once switched the first
    // expression evaluated in each workflow back to RegExp (catastrophic backtracking inside the sandbox).
    // RE2 charges the budget per match and RegExp charges nothing, so a tiny budget tells them apart.
    jest.isolateModules(() => {
      const fresh = require('../../src/dsl') as typeof Dsl;
      const expression = fresh.compileExpression('$match(input.text, /x/)');
      expect(() => expression.evaluate({ input: { text: 'x'.repeat(1_000) } }, { maxWork: 5_000 })).toThrow(
        /regular expression matching/,
      );
    });
  });

  it.each([
    ['a backreference', '$match("aa", /(a)\\1/)', /backreference/],
    ['lookahead', '$match("ab", /a(?=b)/)', /cannot run in linear time/],
    ['lookbehind', '$match("ab", /(?<=a)b/)', /cannot run in linear time/],
    ['a repeat count over 1000', '$match("a", /a{2000}/)', /cannot run in linear time/],
  ])('refuses %s when the document is validated', (_what, expression, reason) => {
    const analysis = analyzeExpression(expression);
    expect(analysis.ok).toBe(false);
    expect(analysis.ok === false && analysis.reason).toMatch(reason);
  });

  it.each([
    ['a binding of an evaluation hook', '($__evaluate_entry := /x/; 1)'],
    ['a lambda parameter named like a hook', '(function($__evaluate_exit){ 1 })(2)'],
  ])('refuses %s (it could switch the budget off)', (_what, expression) => {
    const analysis = analyzeExpression(expression);
    expect(analysis.ok === false && analysis.reason).toMatch(/reserved/);
  });

  it.each([
    ['2,000 nested parentheses', `${'('.repeat(2000)}1${')'.repeat(2000)}`, /nested more than 100 levels/],
    ['2,000 nested arrays', `${'['.repeat(2000)}1${']'.repeat(2000)}`, /nested more than 100 levels/],
    ['a chain of 5,000 unary minus signs', `${'-'.repeat(5000)}input.x`, /nested more than 100 levels/],
    ['a chain of 4,000 additions', Array.from({ length: 4000 }, () => '1').join('+'), /nested more than 100 levels/],
    ['20,000 characters', `"${'x'.repeat(20_000)}"`, /over the limit of 10000/],
  ])('bounds the source before parsing it: %s', (_what, expression, reason) => {
    const analysis = analyzeExpression(expression);
    expect(analysis.ok === false && analysis.reason).toMatch(reason);
  });
});
