/**
 * Expressions come from documents, i.e. from users: they must reach data only, finish on every input, and
 * give the same result on every replay. Each case here is an attack or an accident seen in expression engines.
 */
import { analyzeExpression, compileExpression, evaluateCondition, evaluateTemplate, WeftExpressionError } from '../../src/dsl';
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
  ])('fails %s at run time (names assembled at run time cannot be checked statically)', async (expression) => {
    await expect(evaluate(expression)).rejects.toThrow(WeftExpressionError);
  });

  it('says why', async () => {
    await expect(evaluate('$lookup({}, "constructor")')).rejects.toThrowErrorMatchingInlineSnapshot(`"expression "$lookup({}, \\"constructor\\")" failed: the expression reached a JavaScript built-in instead of data"`);
    await expect(evaluate('{}.toString')).rejects.toThrowErrorMatchingInlineSnapshot(`"expression "{}.toString" failed: the expression reached a JavaScript built-in instead of data"`);
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
  it.each(['$eval("1 + 1")', '$now()', '$millis()', '$random()', '$shuffle([1, 2, 3])'])('%s is refused when compiled', (expression) => {
    expect(() => compileExpression(expression)).toThrow(WeftExpressionError);
  });

  it('gives the same answer for the same context, every time', async () => {
    const expression = compileExpression('$sum(nodes.fetch.output.body.items.id) & "-" & run.startedAt & "-" & $toMillis(run.startedAt)');
    const results = await Promise.all([1, 2, 3].map(() => expression.evaluate(context)));
    expect(new Set(results)).toEqual(new Set(['3-2026-11-20T10:00:00.000Z-1795168800000']));
  });
});

describe('an expression sees only the nodes it names', () => {
  it('the context JSONata receives holds the referenced nodes only', async () => {
    // $sift() with no input object reads the context itself: allowed, but it finds only what was named.
    expect(await evaluate('$keys($sift(function($v) { true }).nodes)')).toBeUndefined();
    expect(await evaluate('[nodes.fetch.status, $keys($sift(function($v) { true }).nodes)]')).toEqual(['SUCCEEDED', 'fetch']);
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
    ['deep recursion', '($f := function($x) { 1 + $f($x) }; $f(1))', /nested more than 500 levels/],
    ['mutual recursion', '($a := function($x) { $b($x) }; $b := function($x) { $a($x) }; $a(1))', /more than 100000 steps/],
    ['a huge loop', '$count($map([1..1000000], function($v) { $v * 2 }))', /more than 100000 steps/],
    ['a huge string', '$pad("", 5000000)', /string grew longer than 2000000/],
    ['a huge array', '$count([1..2000000])', /array grew longer than 1000000/],
  ])('%s fails with an error instead of hanging', async (_what, expression, message) => {
    await expect(evaluate(expression)).rejects.toThrow(message);
  });

  it('takes its limits from the caller', async () => {
    const sum = '$sum($map([1..100], function($v) { $v }))';
    await expect(evaluate(sum, { maxSteps: 50 })).rejects.toThrow(/more than 50 steps/);
    expect(await evaluate(sum, { maxSteps: 2_000 })).toBe(5050);
    await expect(evaluate('($f := function($n) { $n <= 1 ? 1 : $n * $f($n - 1) }; $f(20))', { maxDepth: 40 })).rejects.toThrow(/40 levels/);
  });

  it('gives each evaluation its own budget, even when they run concurrently', async () => {
    const expression = compileExpression('$sum($map([1..200], function($v) { $v }))');
    const limits = { maxSteps: 1_000 };
    expect(await Promise.all([1, 2, 3, 4].map(() => expression.evaluate(context, limits)))).toEqual([20100, 20100, 20100, 20100]);
  });

  it('fails a runaway condition the same way', async () => {
    await expect(evaluateCondition('($f := function($x) { $f($x) }; $f(1))', context)).rejects.toThrow(WeftExpressionError);
  });
});
