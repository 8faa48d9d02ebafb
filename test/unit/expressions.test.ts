import jsonata from 'jsonata';
import {
  analyzeExpression,
  analyzeTemplate,
  compileCondition,
  compileTemplate,
  evaluateCondition,
  evaluateTemplate,
  parseTemplateString,
  referencedNodes,
  toBoolean,
  toText,
  WeftExpressionError,
} from '../../src/dsl';
import { context } from './fixtures';

describe('templates keep the type of a whole-string expression', () => {
  it.each([
    ['${ input.count }', 3],
    ['${input.name}', 'Ada'],
    ['${   input.tags   }', ['a', 'b']],
    ['${ nodes.fetch.output.status = 200 }', true],
    ['${ input.nothing }', null],
    ['${ nodes.fetch.output.body.items[ok].id }', 1],
    ['${ nodes.fetch.output.body.items.id }', [1, 2]],
    ['${ nodes.`weird-id`.output }', 'w'],
    ['${ nodes."weird-id".output }', 'w'],
    ["${ nodes.failed.status = 'FAILED' ? 'retry' : 'ok' }", 'retry'],
    ['${ {"a": input.count}.a }', 3],
    ['${ $string({"k": 1}) }', '{"k":1}'],
    ['${ $sum(nodes.fetch.output.body.items.id) }', 3],
  ])('%s -> %j', async (template, expected) => {
    expect(await evaluateTemplate(template, context)).toEqual(expected);
  });

  it('returns objects as plain JSON (no prototype-free copies, no JSONata sequences)', async () => {
    const body = (await evaluateTemplate('${ nodes.fetch.output.body }', context)) as { items: unknown[] };
    expect(body).toStrictEqual({
      items: [
        { id: 1, ok: true },
        { id: 2, ok: false },
      ],
    });
    expect(Object.getPrototypeOf(body)).toBe(Object.prototype);
    const ids = await evaluateTemplate('${ nodes.fetch.output.body.items.id }', context);
    expect(Object.keys(ids as object)).toEqual(['0', '1']);
  });

  it('drops a field whose expression has no result, uses null in arrays and at the top', async () => {
    expect(await evaluateTemplate({ a: '${ input.missing }', b: 1 }, context)).toStrictEqual({ b: 1 });
    expect(await evaluateTemplate(['${ input.missing }', 1], context)).toStrictEqual([null, 1]);
    expect(await evaluateTemplate('${ input.missing }', context)).toBeNull();
  });
});

describe('templates interpolate inside longer strings', () => {
  it.each([
    ['Hello ${ input.name }, you have ${input.count} items', 'Hello Ada, you have 3 items'],
    [' ${input.count}', ' 3'],
    ['${input.count}${input.count}', '33'],
    ['tags=${ input.tags }', 'tags=["a","b"]'],
    ['obj=${ input.nested }', 'obj={"deep":{"x":1}}'],
    ['missing=[${ input.missing }]', 'missing=[]'],
    ['null=${ input.nothing }', 'null=null'],
    ['sum=${ input.price + 0.2 }', 'sum=0.3'],
    ['ok=${ true }', 'ok=true'],
    ["brace=${ '}' & input.name }", 'brace=}Ada'],
    ['comment=${ /* } */ input.name }', 'comment=Ada'],
    ['literal $${HOME} and ${ input.name }', 'literal ${HOME} and Ada'],
    ['$${ input.name }', '${ input.name }'],
    ['no templates at all: $ { } $$', 'no templates at all: $ { } $$'],
  ])('%s -> %s', async (template, expected) => {
    expect(await evaluateTemplate(template, context)).toBe(expected);
  });

  it('unescapes "$${" inside objects and arrays with no real expression beside it', () => {
    expect(evaluateTemplate({ script: 'echo $${HOME}', args: ['$${x}', 'y'], n: 1 }, context)).toEqual({
      script: 'echo ${HOME}',
      args: ['${x}', 'y'],
      n: 1,
    });
    expect(evaluateTemplate(['$${a}'], context)).toEqual(['${a}']);
    const untouched = { a: 'plain', b: [1, 2] };
    expect(evaluateTemplate(untouched, context)).toBe(untouched);
  });

  it('follows JSONata string conversion (the & operator)', () => {
    expect([undefined, null, 'x', 1, 1e21, 0.1 + 0.2, true, [1, 'a'], { a: null }].map(toText)).toEqual([
      '',
      'null',
      'x',
      '1',
      '1e+21',
      '0.3',
      'true',
      '[1,"a"]',
      '{"a":null}',
    ]);
  });
});

describe('templates apply recursively', () => {
  const template = {
    request: {
      url: 'https://example.test/users/${ input.name }',
      headers: [{ name: 'X-Count', value: '${ input.count }' }],
      body: { status: '${ nodes.fetch.output.status }', items: '${ nodes.fetch.output.body.items[ok] }' },
    },
    '${ not a key }': 'keys are never templated',
    constant: { deep: [1, 'two', { three: 3 }] },
  };

  it('replaces every template at any depth and leaves keys alone', async () => {
    expect(await evaluateTemplate(template, context)).toStrictEqual({
      request: {
        url: 'https://example.test/users/Ada',
        headers: [{ name: 'X-Count', value: 3 }],
        body: { status: 200, items: { id: 1, ok: true } },
      },
      '${ not a key }': 'keys are never templated',
      constant: { deep: [1, 'two', { three: 3 }] },
    });
  });

  it('compiles once, lists the nodes read, and does not modify the template', async () => {
    const before = JSON.stringify(template);
    const compiled = compileTemplate(template);
    expect(compiled.references).toEqual(['fetch']);
    await compiled.evaluate(context);
    await compiled.evaluate(context);
    expect(JSON.stringify(template)).toBe(before);
  });

  it('keeps a "__proto__" key as data', async () => {
    const result = (await evaluateTemplate(JSON.parse('{"__proto__": {"n": "${ input.count }"}}'), context)) as object;
    expect(Object.getPrototypeOf(result)).toBe(Object.prototype);
    expect(Object.keys(result)).toEqual(['__proto__']);
    expect(JSON.stringify(result)).toBe('{"__proto__":{"n":3}}');
  });

  it('refuses to compile an invalid template, naming the expression', () => {
    expect(() => compileTemplate({ a: ['${ nodes.a.output. }'] })).toThrow(WeftExpressionError);
    expect(() => compileTemplate('${ nodes.a.output. }')).toThrowErrorMatchingInlineSnapshot(
      `"expression "nodes.a.output." is invalid: Unexpected end of expression (S0207 at position 15)"`,
    );
    expect(() => compileTemplate('Hello ${ input.name')).toThrowErrorMatchingInlineSnapshot(
      `"template "Hello \${ input.name" is invalid: a "\${" is not closed; close it with "}" (or write "$\${" for a literal "\${")"`,
    );
  });
});

describe('parseTemplateString', () => {
  it('splits text and expressions', () => {
    expect(parseTemplateString('a ${ x } b ${y}')).toEqual({
      ok: true,
      parts: [{ text: 'a ' }, { expression: 'x' }, { text: ' b ' }, { expression: 'y' }],
    });
    expect(parseTemplateString('')).toEqual({ ok: true, parts: [{ text: '' }] });
  });

  it('reports unterminated and empty templates', () => {
    expect(parseTemplateString('a ${ x')).toMatchInlineSnapshot(`
{
  "ok": false,
  "reason": "a "\${" is not closed; close it with "}" (or write "$\${" for a literal "\${")",
}
`);
    expect(parseTemplateString('a ${ "}')).toMatchObject({ ok: false });
    expect(parseTemplateString('a ${  } b')).toMatchInlineSnapshot(`
{
  "ok": false,
  "reason": "it holds an empty "\${}"",
}
`);
  });
});

describe('analyzeTemplate', () => {
  it('finds every expression with its path, and every problem', () => {
    const analysis = analyzeTemplate({
      url: 'https://x/${ nodes.a.output.id }?q=${ input.q }',
      list: ['${ nodes.b.output }', { deep: '${ nodes.c. }' }],
      bad: 'Hello ${',
      plain: 'no templates',
    });
    expect(analysis.expressions).toEqual([
      { path: ['url'], source: 'nodes.a.output.id', references: ['a'] },
      { path: ['url'], source: 'input.q', references: [] },
      { path: ['list', 0], source: 'nodes.b.output', references: ['b'] },
    ]);
    expect(analysis.problems).toMatchInlineSnapshot(`
[
  {
    "message": "expression "nodes.c." is invalid: Unexpected end of expression (S0207 at position 8)",
    "path": [
      "list",
      1,
      "deep",
    ],
  },
  {
    "message": "template "Hello \${" is invalid: a "\${" is not closed; close it with "}" (or write "$\${" for a literal "\${")",
    "path": [
      "bad",
    ],
  },
]
`);
  });
});

describe('conditions', () => {
  it.each([
    ['nodes.fetch.output.status = 200', true],
    ['input.count > 5', false],
    ['input.missing', false],
    ['input.tags', true],
    ['input.nothing', false],
    ["nodes.failed.status = 'FAILED' and $exists(nodes.failed.error)", true],
    ['nodes.fetch.output.body.items[ok = false]', true],
    ['[]', false],
    ['""', false],
    ['0', false],
    ['{}', false],
    ["'x'", true],
    ['nodes.failed.error', true],
  ])('%s -> %p', async (expression, expected) => {
    expect(await evaluateCondition(expression, context)).toBe(expected);
  });

  it('coerce exactly like $boolean, except that no result is false', async () => {
    const values = [null, false, true, 0, 1, -1, '', 'x', [], [0], [0, 1], [''], ['', 'a'], {}, { a: 1 }, [[]], [{}]];
    const $boolean = jsonata('$boolean($v)');
    for (const value of values) expect(toBoolean(value)).toBe(await $boolean.evaluate({}, { v: value }));
    expect(toBoolean(undefined)).toBe(false);
  });

  it('compile once and list the nodes they read', async () => {
    const condition = compileCondition('nodes.fetch.output.status = 200 and nodes.failed.status = "FAILED"');
    expect(condition.references).toEqual(['fetch', 'failed']);
    expect(await condition.evaluate(context)).toBe(true);
  });

  it('refuse ${} (a when is a bare expression)', () => {
    expect(() => compileCondition('${ input.count > 1 }')).toThrow(WeftExpressionError);
  });
});

describe('referencedNodes', () => {
  it.each([
    ['nodes.a', ['a']],
    ['nodes.a.output.x', ['a']],
    ['$exists(nodes.b)', ['b']],
    ['nodes."weird-id".output', ['weird-id']],
    ['nodes.`w-id`', ['w-id']],
    ['$.nodes.a.output', ['a']],
    ['$$.nodes.a.output', ['a']],
    ['[nodes.a, {"k": nodes.b}]', ['a', 'b']],
    ['a ? nodes.b : nodes.c', ['b', 'c']],
    ['($x := nodes.f.output; $x.y)', ['f']],
    ['$map([1, 2], function($v) { nodes.d.output + $v })', ['d']],
    ['$sum(nodes.a.output.items.price) + $count(nodes.b.output)', ['a', 'b']],
    ["nodes.a.output & ' ' & nodes.a.error.message", ['a']],
    ['nodes.a.output ~> $string', ['a']],
    ['nodes.a.output^(x)', ['a']],
    ['nodes.a@$item.output', ['a']],
    ['input.items[id = $$.nodes.z.output.id]', ['z']],
    ['input.%.nodes.b', ['b']],
    ['input.items.$$.nodes.c.output', ['c']],
    ['$string(nodes.a.output) & $lookup(nodes.b.output, "k")', ['a', 'b']],
    ['input.x + 1', []],
    // Inside a path step, a filter, a group-by or a transform, `nodes` is a field of the current item, not the root:
    ['nodes.a.output.nodes.b', ['a']],
    ['nodes.a.output.items[nodes.z]', ['a']],
    ['input.list.(nodes.c)', []],
    ['input{"k": nodes.e}', []],
    ['nodes.a.output ~> |$|{"x": nodes.b}|', ['a']],
  ])('%s reads %j', (expression, expected) => {
    expect(referencedNodes(expression)).toEqual(expected);
  });

  it.each([
    'nodes',
    'nodes.*',
    'nodes.**',
    'nodes[0]',
    'nodes[status = "FAILED"]',
    '$lookup(nodes, "a")',
    '$keys(nodes)',
    '$each(nodes, function($v) { $v })',
    'nodes.(a)',
    'nodes@$n.a',
    'nodes#$i.a',
    '$.nodes',
    '$$.nodes',
    '$$',
    '$',
    '$string($)',
    '($r := $$; $r.nodes.a)',
    '$$[0].nodes.a',
    '**.output',
    '*',
    '$$.*',
    '%',
  ])('refuses dynamic access: %s', (expression) => {
    const analysis = analyzeExpression(expression);
    expect(analysis.ok).toBe(false);
    expect(() => referencedNodes(expression)).toThrow(WeftExpressionError);
  });

  it('explains why dynamic access is refused', () => {
    expect(analyzeExpression('nodes.*')).toMatchInlineSnapshot(`
{
  "ok": false,
  "reason": "* would read every node; read a node as nodes.<id> (e.g. nodes.fetch.output); "nodes" cannot be used as a whole, filtered or iterated, because the upstream check needs every node named",
}
`);
    expect(analyzeExpression('$lookup(nodes, "a")')).toMatchInlineSnapshot(`
{
  "ok": false,
  "reason": "read a node as nodes.<id> (e.g. nodes.fetch.output); "nodes" cannot be used as a whole, filtered or iterated, because the upstream check needs every node named",
}
`);
    expect(analyzeExpression('$string($$)')).toMatchInlineSnapshot(`
{
  "ok": false,
  "reason": "the whole context ($$, or $ outside a path) cannot be used as a value; read input, run or nodes.<id> from it",
}
`);
    expect(analyzeExpression('**.status')).toMatchInlineSnapshot(`
{
  "ok": false,
  "reason": "** would read every node; read a node as nodes.<id> (e.g. nodes.fetch.output); "nodes" cannot be used as a whole, filtered or iterated, because the upstream check needs every node named",
}
`);
  });

  it('reports syntax errors with JSONata code and position', () => {
    expect(analyzeExpression('nodes.a.output.')).toMatchInlineSnapshot(`
{
  "ok": false,
  "reason": "Unexpected end of expression (S0207 at position 15)",
}
`);
    expect(analyzeExpression('(1 + ')).toMatchInlineSnapshot(`
{
  "ok": false,
  "reason": "Expected ")" before end of expression (S0203 at position 5)",
}
`);
    expect(analyzeExpression('  ')).toMatchInlineSnapshot(`
{
  "ok": false,
  "reason": "the expression is empty",
}
`);
    expect(() => referencedNodes('nodes.a.output.')).toThrowErrorMatchingInlineSnapshot(
      `"expression "nodes.a.output." is invalid: Unexpected end of expression (S0207 at position 15)"`,
    );
  });

  it.each([
    ['$now()', 'run.startedAt'],
    ['$millis()', 'run.startedAt'],
    ['$random()', 'input'],
    ['$shuffle([1, 2])', '$sort'],
    ['($n := $now; $n())', 'run.startedAt'],
    ['$eval("1 + 1")', 'checked before the run'],
    ['$map(["1"], $eval)', 'checked before the run'],
  ])('refuses non-deterministic or dynamic code: %s', (expression, hint) => {
    const analysis = analyzeExpression(expression);
    expect(analysis).toMatchObject({ ok: false });
    expect(analysis.ok === false && analysis.reason).toContain(hint);
  });
});

describe('evaluation errors', () => {
  it('wrap JSONata errors in WeftExpressionError naming the expression', async () => {
    expect(() => evaluateTemplate('${ $error("nope") }', context)).toThrow(WeftExpressionError);
    expect(() => evaluateTemplate('${ $error("nope") }', context)).toThrowErrorMatchingInlineSnapshot(
      `"expression "$error(\\"nope\\")" failed: nope (D3137 at position 7)"`,
    );
    expect(() => evaluateTemplate('${ input.name + 1 }', context)).toThrowErrorMatchingInlineSnapshot(
      `"expression "input.name + 1" failed: The left side of the "+" operator must evaluate to a number (T2001 at position 12)"`,
    );
    expect(() => evaluateTemplate('${ input.count / 0 }', context)).toThrowErrorMatchingInlineSnapshot(
      `"expression "input.count / 0" failed: the result Infinity is not a JSON number"`,
    );
  });

  it('refuse results that are not JSON', async () => {
    expect(() => evaluateTemplate('${ $string }', context)).toThrowErrorMatchingInlineSnapshot(
      `"expression "$string" failed: the result is a function, which is not JSON; call it instead"`,
    );
    expect(() => evaluateTemplate('${ function($x) { $x } }', context)).toThrow(WeftExpressionError);
  });
});

describe('the plain-path shortcut in analysis', () => {
  it.each([
    'nodes.a',
    'nodes.a.output.b_c',
    'input.x.y',
    'run.startedAt',
    'nodes',
    'nodes.constructor',
    'input.and.x',
    'true',
    'null',
    'nodes.true.output',
    'x',
    ' nodes.a.output ',
  ])('gives the same result as the full analysis for %p', (expression) => {
    // The full analysis of the same expression, forced by wrapping it in a block (same meaning, not a plain path).
    const full = analyzeExpression(`(${expression})`);
    const fast = analyzeExpression(expression);
    if (full.ok) expect(fast).toEqual(full);
    else expect(fast.ok).toBe(false);
  });
});
