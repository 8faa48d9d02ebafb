/**
 * A seeded fuzz test of the document validator. It starts from valid documents (examples/*.json and a few built
 * here that use every node type and field), mutates them at random (hostile keys, values of the wrong type,
 * megabyte strings, deep nesting, huge arrays, broken expressions, dependency cycles, broken JSON text), and checks
 * the contract of `validateDocument` and `parseDocumentText` on every result:
 *
 * - it never throws;
 * - it returns `{ ok: true, document }` or `{ ok: false, issues }` with 1 to MAX_ISSUES + 1 issues, each with a known
 *   code, an array path of keys and indexes, and a non-empty one-line message of at most MAX_MESSAGE_CHARS;
 * - it finishes within TIME_BOUND_MS (a bound against hangs and blow-ups, not a benchmark);
 * - on a sample: the same input gives the same result twice, and the input is not modified.
 *
 * Deterministic: every case draws from its own mulberry32 stream derived from the seed and the case number, so
 * a failure names a seed and a case that reproduce it alone. Environment overrides:
 *   WEFT_FUZZ_SEED   the seed (decimal or 0x hex; default DEFAULT_SEED)
 *   WEFT_FUZZ_COUNT  how many mutated documents (default 10,000)
 *   WEFT_FUZZ_CASE   run only this case number (with the same seed) to reproduce a failure
 *   WEFT_FUZZ_TRACE  set to 1 to print each case's mutations before it runs (to find a case that hangs)
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  formatIssue,
  MAX_ISSUES,
  parseDocumentText,
  validateDocument,
  WEFT_ISSUE_CODES,
  type WeftIssueCode,
} from '../../src/dsl';
import { MAX_MESSAGE_CHARS } from '../../src/dsl/issues';
import { NODE_TYPES } from '../../src/dsl/schema';

const DEFAULT_SEED = 0x5eedf022;
const DEFAULT_COUNT = 10_000;
/** One validation taking longer than this is a failure. */
const TIME_BOUND_MS = 2_000;
/** The expensive mutations, per case. Tuned so the whole file stays well under 15 s on a 2-core machine. */
const P_LONG_STRING = 0.003;
const P_DEEP_NESTING = 0.004;
const P_HUGE_ARRAY = 0.001;
const LONG_STRING_CHARS = 1_000_000;
const MAX_NESTING = 5_000;
const HUGE_ARRAY_LENGTH = 100_000;
/**
 * A huge `nodes` array is shorter: validating a node is linear work of ~15 µs here (the schema, the graph), so
 * 100,000 of them sit at the time bound on this machine whatever their content. The unit tests validate
 * 100,000-node documents without a bound; the fuzzer looks for what is worse than linear.
 */
const HUGE_NODES_LENGTH = 20_000;

function envInt(name: string): number | undefined {
  const text = process.env[name];
  if (text === undefined || text.trim() === '') return undefined;
  const value = Number(text.trim());
  if (!Number.isSafeInteger(value) || value < 0)
    throw new Error(`${name} must be a non-negative integer, got ${JSON.stringify(text)}`);
  return value;
}

const SEED = (envInt('WEFT_FUZZ_SEED') ?? DEFAULT_SEED) >>> 0;
const COUNT = envInt('WEFT_FUZZ_COUNT') ?? DEFAULT_COUNT;
const ONLY_CASE = envInt('WEFT_FUZZ_CASE');
const TRACE = process.env['WEFT_FUZZ_TRACE'] === '1';
const SEED_TEXT = `0x${SEED.toString(16).padStart(8, '0')}`;

// ---------------------------------------------------------------------------------------------------------------
// Randomness

/** mulberry32: a tiny, fast, well-mixed 32-bit PRNG. */
class Rand {
  private state: number;
  constructor(seed: number) {
    this.state = seed >>> 0;
  }
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  /** 0 <= n < max */
  int(max: number): number {
    return Math.floor(this.next() * max);
  }
  /** lo <= n <= hi */
  range(lo: number, hi: number): number {
    return lo + this.int(hi - lo + 1);
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)]!;
  }
  weighted<T>(entries: readonly (readonly [number, T])[]): T {
    let total = 0;
    for (const [weight] of entries) total += weight;
    let roll = this.next() * total;
    for (const [weight, value] of entries) {
      roll -= weight;
      if (roll < 0) return value;
    }
    return entries[entries.length - 1]![1];
  }
}

/** Each case's own stream, so one case can be rerun without running the ones before it. */
function caseSeed(seed: number, index: number): number {
  let h = Math.imul(seed ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(index + 1, 0xc2b2ae35);
  h = Math.imul(h ^ (h >>> 16), 0x7feb352d);
  h = Math.imul(h ^ (h >>> 15), 0x846ca68b);
  return (h ^ (h >>> 16)) >>> 0;
}

// ---------------------------------------------------------------------------------------------------------------
// The seed corpus

type Json = Record<string, unknown>;

const EXAMPLES_DIR = join(__dirname, '../../examples');

const BUILT_IN: readonly Json[] = [
  {
    $schema: '../schema/weft-v1.schema.json',
    dsl: 'weft/v1',
    name: 'every-node-type',
    description: 'activity, sleep, approval and workflow nodes with every optional field',
    input: {
      user: 'ada',
      amount: 42.5,
      email: 'ada@example.test',
      items: [
        { sku: 'a', price: 3 },
        { sku: 'b', price: 12 },
      ],
    },
    defaults: {
      retry: {
        maxAttempts: 3,
        initialInterval: '1s',
        backoffCoefficient: 2,
        maximumInterval: '1m',
        nonRetryable: ['Fatal'],
      },
      timeout: { startToClose: '1m', scheduleToClose: '10m', scheduleToStart: '5m', heartbeat: '10s' },
      taskQueue: 'weft',
    },
    maxParallelism: 4,
    timeout: '2 days',
    failFast: false,
    nodes: [
      {
        id: 'fetch',
        type: 'activity',
        description: 'reads the user',
        activity: 'weft.http',
        input: {
          url: 'https://example.test/users/${ input.user }',
          method: 'GET',
          valid: '${ $match(input.email, /^[a-z]+@[a-z.]+$/) }',
        },
        timeout: { startToClose: '30s', heartbeat: '5s' },
        retry: { maxAttempts: 5, initialInterval: 500, backoffCoefficient: 1.5, maximumInterval: '1 hour' },
        taskQueue: 'http',
      },
      {
        id: 'charge',
        dependsOn: ['fetch'],
        activity: 'chargeCard',
        when: 'nodes.fetch.output.status = 200 and input.amount > 0',
        input: {
          amount: '${ input.amount }',
          expensive: '${ input.items[price > 10].sku }',
          doubled: '${ $map(input.items, function($v) { $v.price * 2 }) }',
          note: 'charge for ${ input.user } (literal $${ kept })',
        },
        retry: { maxAttempts: 2 },
        compensate: {
          activity: 'refund',
          input: { chargeId: '${ nodes.charge.output.id }', user: '${ nodes.fetch.output.body.user }' },
          retry: { maxAttempts: 10, initialInterval: '2s' },
          timeout: { startToClose: '1m' },
        },
        onFailure: 'fail',
      },
      { id: 'cool_off', type: 'sleep', dependsOn: ['charge'], duration: '5m', trigger: 'allSuccess' },
      {
        id: 'approve',
        type: 'approval',
        dependsOn: ['cool_off'],
        timeout: '4h',
        onTimeout: 'approve',
        description: 'a person signs off',
      },
      {
        id: 'ship',
        type: 'workflow',
        workflow: 'shipOrder',
        dependsOn: ['approve', 'charge'],
        when: 'nodes.approve.output.ok',
        input: {
          order: '${ nodes.charge.output }',
          by: 'approved by ${ nodes.approve.output.by }',
          at: '${ $$.nodes.approve.output.at }',
        },
        taskQueue: 'shipping',
        retry: { maxAttempts: 3, backoffCoefficient: 3 },
        timeout: { execution: '1 day', run: '12h', task: '10s' },
        onFailure: 'wait',
      },
      {
        id: 'cleanup',
        dependsOn: ['ship'],
        trigger: 'allDone',
        onFailure: 'continue',
        activity: 'weft.echo',
        input: '${ nodes.ship.status }',
      },
      {
        id: 'alert',
        dependsOn: ['ship'],
        trigger: 'oneFailed',
        activity: 'weft.echo',
        input: { error: '${ nodes.ship.error.message }' },
      },
      { id: 'all_bad', dependsOn: ['ship', 'cleanup'], trigger: 'allFailed', activity: 'weft.echo' },
      {
        id: 'any_ok',
        dependsOn: ['alert', 'all_bad'],
        trigger: 'oneSuccess',
        activity: 'weft.echo',
        input: [1, '${ nodes.alert.output }', null],
      },
      { id: 'none_failed', dependsOn: ['any_ok'], trigger: 'noneFailed', activity: 'weft.echo' },
    ],
    output: {
      charged: '${ nodes.charge.output }',
      shipped: '${ nodes.ship.status = "SUCCEEDED" ? "yes" : "no" }',
      summary: 'user ${ input.user }: ${ nodes.none_failed.status }',
      ids: ['${ nodes.fetch.output.id }', '${ nodes.cleanup.output }'],
    },
  },
  {
    dsl: 'weft/v1',
    name: 'odd-ids',
    nodes: [
      { id: 'odd-id', activity: 'weft.echo', input: { v: 1 } },
      { id: '_under', dependsOn: ['odd-id'], activity: 'weft.echo', input: '${ nodes.`odd-id`.output.v + 1 }' },
      { id: 'sleep-1', type: 'sleep', duration: 1000, dependsOn: ['_under'] },
      { id: 'gate', type: 'approval', dependsOn: ['sleep-1'] },
      {
        id: 'child',
        type: 'workflow',
        workflow: 'child',
        dependsOn: ['gate'],
        input: { x: '${ nodes._under.output }' },
      },
    ],
    output: '${ { "v": nodes.`odd-id`.output.v, "child": nodes.child.output } }',
  },
  {
    dsl: 'weft/v1',
    name: 'minimal',
    nodes: [{ id: 'a', activity: 'weft.echo' }],
  },
];

interface Seed {
  readonly name: string;
  readonly text: string;
}

function corpus(): Seed[] {
  const files = readdirSync(EXAMPLES_DIR)
    .filter((file) => file.endsWith('.json'))
    .sort();
  return [
    ...files.map((file) => ({ name: `examples/${file}`, text: readFileSync(join(EXAMPLES_DIR, file), 'utf8') })),
    ...BUILT_IN.map((document) => ({
      name: `built-in ${String(document['name'])}`,
      text: JSON.stringify(document, null, 2),
    })),
  ];
}

// ---------------------------------------------------------------------------------------------------------------
// Random values

const HOSTILE_KEYS = [
  'constructor',
  '__proto__',
  'prototype',
  'toString',
  'valueOf',
  'hasOwnProperty',
  'isPrototypeOf',
  '__defineGetter__',
  '__lookupGetter__',
  'then',
  'length',
  '0',
  '-1',
  '',
  ' ',
  'nodes',
  'id',
  'type',
  'dependsOn',
  '$',
  '$$',
  '${ nodes.a.output }',
  'key with spaces',
  'ünïcödé',
  'a\nb',
  '"quoted"',
  '\u0000',
  '\ud800',
  '\u202e',
  '🙂',
];

const NUMBERS: readonly number[] = [
  0,
  -0,
  1,
  -1,
  2,
  0.5,
  -0.5,
  3.14159,
  100,
  1000,
  1e21,
  1e308,
  -1e308,
  5e-324,
  2 ** 31,
  -(2 ** 31),
  2 ** 53,
  Number.MAX_SAFE_INTEGER,
  Number.MAX_SAFE_INTEGER + 2,
  315_576_000_000_000,
  315_576_000_000_001,
  1.7976931348623157e308,
];
const NON_FINITE: readonly number[] = [NaN, Infinity, -Infinity];
const NUMBERISH_STRINGS = [
  'NaN',
  'Infinity',
  '-Infinity',
  '-0',
  '0',
  '00',
  '1e308',
  '1e999',
  '-1e999',
  '0x10',
  '1_000',
  '30s',
  ' 30s',
  '30s ',
  '30 s',
  '30S',
  '-5m',
  '0ms',
  '1.5h',
  '2 days',
  '10000 years',
  '10001y',
  '1e308ms',
  '.5s',
  '5.s',
  '1,5h',
  '',
  ' ',
  '\t',
  'null',
  'undefined',
  'true',
  '٣٠s',
  '1 hour',
  '100',
  '-100',
  '1e-9',
  '9'.repeat(400),
];
const WORDS = [
  'weft.echo',
  'weft.http',
  'weft.sleep',
  'weft.fail',
  'activity',
  'sleep',
  'approval',
  'workflow',
  'allSuccess',
  'allsuccess',
  'oneSucces',
  'allDone',
  'oneFailed',
  'allFailed',
  'noneFailed',
  'fail',
  'continue',
  'wait',
  'reject',
  'approve',
  'weft/v1',
  'weft/v2',
  'WEFT/V1',
  'retry',
  'retyr',
  'timeout',
  'timeOut',
  'dependson',
  'depends_on',
  'compensate',
  'input',
  'output',
  'trigger',
  'when',
  'x',
  'a',
  '',
  'null',
];
const TRIGGERS = [
  'allSuccess',
  'allDone',
  'oneSuccess',
  'oneFailed',
  'allFailed',
  'noneFailed',
  'allsuccess',
  'one_success',
  '',
  'ALLDONE',
];

/** Characters that mean something to JSON, JSONata, templates or regexes, plus a few that break text. */
const SYNTAX_CHARS = '(){}[]$"\'`/*.,;:?&|=<>!~%^#@\\+-_ \n\t0123456789abcxyzAZ';

function randomUnicodeChar(rand: Rand): string {
  const kind = rand.int(9);
  switch (kind) {
    case 0:
      return String.fromCharCode(rand.int(0x20)); // control characters, NUL included
    case 1:
      return String.fromCharCode(0xd800 + rand.int(0x800)); // a lone surrogate
    case 2:
      return String.fromCodePoint(0x1f300 + rand.int(0x300)); // emoji (a surrogate pair)
    case 3:
      return String.fromCharCode(0x0300 + rand.int(0x70)); // combining marks
    case 4:
      return rand.pick(['\u202e', '\u200b', '\ufeff', '\u2028', '\u2029', '\u00a0', '\uffff', '\ufffd']);
    case 5:
      return String.fromCharCode(0x0590 + rand.int(0x200)); // Hebrew, Arabic
    case 6:
      return String.fromCharCode(0x4e00 + rand.int(0x5000)); // CJK
    default:
      return String.fromCharCode(0x20 + rand.int(0x5f)); // printable ASCII
  }
}

function randomUnicodeString(rand: Rand, max = 12): string {
  let text = '';
  const length = rand.int(max + 1);
  for (let i = 0; i < length; i++) text += randomUnicodeChar(rand);
  return text;
}

function randomIdLike(rand: Rand): string {
  const letters = 'abcdefghijklmnopqrstuvwxyz_ABCXYZ0123456789-';
  let text = rand.pick(['a', 'b', 'n', '_', 'x', 'node_', 'fetch', 'ship']);
  const length = rand.int(8);
  for (let i = 0; i < length; i++) text += letters[rand.int(letters.length)];
  return text;
}

const EXPRESSION_ATOMS = [
  'input.x',
  'input.items[0].price',
  'nodes.a.output',
  'nodes.fetch.output.body',
  'nodes.`odd-id`.output',
  'nodes."quoted id".output',
  '$$.nodes.a.output',
  '$',
  '$$',
  '%',
  '**',
  'nodes.*',
  'nodes[0]',
  'nodes',
  '$lookup(nodes, "a")',
  '$keys(nodes)',
  '$now()',
  '$millis()',
  '$random()',
  '$eval("1 + 1")',
  '$shuffle([1, 2])',
  'nodes.__proto__',
  'input.constructor',
  'input.prototype.x',
  'nodes.toString',
  'nodes.constructor.output',
  '$__evaluate_entry',
  '$__x := 1',
  '($x := 1; $x + 1)',
  'function($v) { $v * 2 }',
  '$map([1, 2], function($v) { $v + 1 })',
  '$match("abc", /(a+)+$/)',
  '$replace("aaa", /(?=a)/, "b")',
  '$match("aa", /(a)\\1/)',
  '$contains("a", /a{1001}/)',
  '$contains("a", /((a{100}){100}){100}/)',
  '$split("a,b", /,/i)',
  '/[/',
  '/(?<n>a)\\k<n>/',
  '"string"',
  "'single'",
  '`backtick`',
  '[1..1000000000]',
  '[1..10]',
  '{"a": 1}',
  '{"__proto__": 1}',
  '{"constructor": nodes.a.output}',
  'input.a ? input.b : input.c',
  'input.x[0]',
  'input.x{ "k": $ }',
  'input.x^(>price)',
  'input.x ~> $string()',
  '/* comment */ 1',
  '"${"',
  '"}"',
  '$string(nodes.a.output)',
  '$sum(nodes.a.output.items.price)',
  'nodes.a.output.items[price > 10]',
  '&',
  'and',
  'or',
  'in',
  'true',
  'null',
  '$exists(nodes.missing)',
  'nodes.a.status = "SUCCEEDED"',
  'input.s & "x"',
  '$string(1e308 * 10)',
  '$pad("x", 1000000000)',
  '$join($map([1..100000], $string))',
  'input ~> | $ | {"x": 1} |',
  '$count(input.*)',
  'nodes.a.output.**',
  '$sift(input, function($v, $k) { $k = "a" })',
  '$each(input, function($v) { $v })',
  'input@$i',
  'input#$i',
  '$$$',
  '$.nodes.a',
  '-(-(-(1)))',
  '1/0',
  '$number("1e999")',
  '$formatNumber(1e308, "#")',
  '$base64decode("@@@")',
  '$fromMillis(1e308)',
  '$toMillis("x")',
];
const OPERATORS = [
  ' + ',
  ' - ',
  ' * ',
  ' / ',
  ' % ',
  ' & ',
  ' = ',
  ' != ',
  ' < ',
  ' >= ',
  ' and ',
  ' or ',
  ' in ',
  '.',
  '; ',
  ', ',
  ' ~> ',
  ' ? ',
  ' : ',
  '',
];

function randomExpression(rand: Rand): string {
  let expression = rand.pick(EXPRESSION_ATOMS);
  const terms = rand.int(4);
  for (let i = 0; i < terms; i++) expression += rand.pick(OPERATORS) + rand.pick(EXPRESSION_ATOMS);
  if (rand.chance(0.15)) {
    const depth = rand.chance(0.2) ? rand.range(100, 3_000) : rand.range(1, 120);
    const [open, close] = rand.pick([
      ['(', ')'],
      ['[', ']'],
      ['{"k": ', '}'],
      ['$not(', ')'],
      ['-', ''],
      ['(', ''],
      ['', ')'],
      ['$string(', ')'],
    ] as const);
    expression = open.repeat(depth) + expression + close.repeat(depth);
  }
  return rand.chance(0.2) ? mutateText(rand, expression, SYNTAX_CHARS) : expression;
}

/** Small random edits: insert, delete, duplicate, swap and truncate. */
function mutateText(rand: Rand, text: string, alphabet: string): string {
  const edits = rand.range(1, 4);
  let out = text;
  for (let e = 0; e < edits; e++) {
    const at = rand.int(out.length + 1);
    switch (rand.int(7)) {
      case 0:
        out = out.slice(0, at) + alphabet[rand.int(alphabet.length)] + out.slice(at);
        break;
      case 1:
        out = out.slice(0, at) + out.slice(at + 1);
        break;
      case 2: {
        const end = Math.min(out.length, at + rand.range(1, 12));
        out = out.slice(0, end) + out.slice(at, end) + out.slice(end);
        break;
      }
      case 3:
        if (at + 1 < out.length) out = out.slice(0, at) + out[at + 1] + out[at] + out.slice(at + 2);
        break;
      case 4:
        out = out.slice(0, at);
        break;
      case 5:
        out = out.slice(0, at) + randomUnicodeChar(rand) + out.slice(at);
        break;
      default:
        out =
          out.slice(0, at) +
          rand.pick(['${', '}', '$${', '${}', '"', '`', '/*', '(', ')', '[', ']', '{', '\\']) +
          out.slice(at);
    }
  }
  return out;
}

function randomTemplate(rand: Rand): string {
  const parts = rand.range(1, 3);
  let text = rand.chance(0.5) ? '' : rand.pick(['order ', 'id=', '$${ literal } ', '', 'x']);
  for (let i = 0; i < parts; i++)
    text += `\${ ${randomExpression(rand)} }${rand.chance(0.5) ? rand.pick([' and ', '-', '', '}', '${']) : ''}`;
  return text;
}

function randomString(rand: Rand): string {
  switch (rand.int(8)) {
    case 0:
      return rand.pick(WORDS);
    case 1:
      return rand.pick(NUMBERISH_STRINGS);
    case 2:
      return randomUnicodeString(rand);
    case 3:
      return randomIdLike(rand);
    case 4:
      return randomTemplate(rand);
    case 5:
      return rand.pick(HOSTILE_KEYS);
    case 6:
      return 'x'.repeat(rand.pick([63, 64, 65, 100, 101, 199, 200, 201, 1000, 10_001]));
    default:
      return randomExpression(rand);
  }
}

class Opaque {
  constructor(readonly value = 1) {}
}

/** A value that is not JSON, as a TypeScript caller might pass one. */
function randomNonJson(rand: Rand): unknown {
  switch (rand.int(14)) {
    case 0:
      return undefined;
    case 1:
      return () => 'f';
    case 2:
      return Symbol('s');
    case 3:
      return BigInt(rand.int(100));
    case 4:
      return new Date(0);
    case 5:
      return new Map([['id', 'a']]);
    case 6:
      return new Opaque();
    case 7: {
      const bare = Object.create(null) as Json;
      bare['id'] = 'a';
      bare['activity'] = 'weft.echo';
      return bare;
    }
    case 8: {
      const sparse: unknown[] = [];
      sparse[rand.range(1, 50)] = 'x';
      return sparse;
    }
    case 9:
      return rand.pick(NON_FINITE);
    case 10:
      return new String('weft/v1');
    case 11:
      return Object.freeze({ id: 'a', activity: 'weft.echo' });
    case 12:
      return /regex/g;
    default:
      return new Number(1);
  }
}

interface Options {
  /** The document will be serialised as JSON text: only values JSON.stringify can write. */
  readonly jsonOnly: boolean;
}

function randomValue(rand: Rand, options: Options, depth = 0): unknown {
  const roll = rand.int(options.jsonOnly ? 10 : 11);
  switch (roll) {
    case 0:
      return null;
    case 1:
      return rand.chance(0.5);
    case 2:
      return rand.pick(NUMBERS);
    case 3:
    case 4:
    case 5:
      return randomString(rand);
    case 6:
    case 7: {
      if (depth > 3) return [];
      return Array.from({ length: rand.int(4) }, () => randomValue(rand, options, depth + 1));
    }
    case 8:
    case 9: {
      if (depth > 3) return {};
      const out: Json = {};
      const keys = rand.int(4);
      for (let i = 0; i < keys; i++)
        setKey(
          out,
          rand.chance(0.3) ? rand.pick(HOSTILE_KEYS) : rand.pick(WORDS),
          randomValue(rand, options, depth + 1),
        );
      return out;
    }
    default:
      return randomNonJson(rand);
  }
}

/** A megabyte string, in one of a few shapes that reach different code (ids, expressions, templates, durations). */
function longString(rand: Rand): string {
  const n = LONG_STRING_CHARS;
  const chunk = rand.chance(0.5)
    ? rand.pick(['x', 'a', '9', ' ', '${', '(', '"', '\\', 'é', '🙂', 'ab-'])
    : randomUnicodeString(rand, 6) || 'y';
  const filler = chunk.repeat(Math.ceil(n / chunk.length)).slice(0, n);
  switch (rand.int(7)) {
    case 0:
      return `\${ nodes.${filler}.output }`;
    case 1:
      return `\${ ${filler} }`;
    case 2:
      return `prefix ${filler} \${ input.x } suffix`;
    case 3:
      return `${filler}s`;
    case 4:
      return `nodes.a.output = "${filler}"`;
    default:
      return filler;
  }
}

/** Arrays or objects nested `depth` levels deep. */
function deepValue(rand: Rand, options: Options): unknown {
  const depth = rand.chance(0.3) ? rand.pick([199, 200, 201, 202, MAX_NESTING]) : rand.range(2, MAX_NESTING);
  const key = rand.chance(0.5) ? rand.pick(HOSTILE_KEYS) : 'deeper';
  const arrays = rand.int(3); // 0: arrays, 1: objects, 2: alternating
  let value: unknown = rand.chance(0.5) ? '${ input.x }' : randomValue(rand, options, 4);
  for (let i = 0; i < depth; i++) {
    if (arrays === 0 || (arrays === 2 && i % 2 === 0)) value = [value];
    else {
      const next: Json = {};
      setKey(next, key, value);
      value = next;
    }
  }
  return value;
}

/**
 * `n` elements, generated cheaply: copies of one value (a node of the document, a template, anything), numbered
 * ids, numbered nodes in a chain or a ring, numbers.
 */
function hugeArray(rand: Rand, options: Options, sample: unknown, n: number): unknown[] {
  switch (rand.int(8)) {
    case 0:
      return new Array<unknown>(n).fill(sample);
    case 1:
      return Array.from({ length: n }, (_, i) => `n${i}`);
    case 2:
      return Array.from({ length: n }, (_, i) =>
        i === 0
          ? { id: 'n0', activity: 'weft.echo' }
          : { id: `n${i}`, activity: 'weft.echo', dependsOn: [`n${i - 1}`] },
      );
    case 3:
      // A ring: every node is on one cycle through all of them.
      return Array.from({ length: n }, (_, i) => ({
        id: `n${i}`,
        activity: 'weft.echo',
        dependsOn: [`n${(i + n - 1) % n}`],
        input: `\${ nodes.n${(i + n - 1) % n}.output }`,
      }));
    case 4:
      return Array.from({ length: n }, (_, i) => `\${ input.x${i % 1000} }`);
    case 5:
      return new Array<unknown>(n).fill(randomTemplate(rand));
    case 6:
      return Array.from({ length: n }, (_, i) => i);
    default: {
      const value = randomValue(rand, options, 3);
      return new Array<unknown>(n).fill(value);
    }
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Walking and editing a document

type Container = Json | unknown[];
type PathKey = string | number;

interface Slot {
  readonly parent: Container;
  readonly key: PathKey;
  readonly path: readonly PathKey[];
}

function isObject(value: unknown): value is Json {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function isContainer(value: unknown): value is Container {
  return value !== null && typeof value === 'object';
}

/** An own, enumerable data property, so "__proto__" is a key (as JSON.parse makes it) and not the prototype. */
function setKey(target: Container, key: PathKey, value: unknown): void {
  if (!isEditable(target)) return;
  if (Array.isArray(target) && typeof key === 'number') target[key] = value;
  else Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

/** Plain arrays and objects that are not frozen: the only containers the mutations edit or walk into. */
function isEditable(value: unknown): value is Container {
  if (value === null || typeof value !== 'object' || PROXIES.has(value) || !Object.isExtensible(value)) return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return Array.isArray(value) ? proto === Array.prototype : proto === Object.prototype || proto === null;
}

/** Objects the mutations gave a getter: reading their keys would call it (some throw, on purpose). */
const GETTER_HOSTS = new WeakSet<object>();

/** An own data property's value; planted getters are not called. */
function getKey(target: Container, key: PathKey): unknown {
  if (!GETTER_HOSTS.has(target))
    return Object.prototype.hasOwnProperty.call(target, key) ? (target as Record<PathKey, unknown>)[key] : undefined;
  const descriptor = Object.getOwnPropertyDescriptor(target, key);
  return descriptor !== undefined && 'value' in descriptor ? (descriptor.value as unknown) : undefined;
}

/** Proxies the mutations made: the walker never looks inside them (their traps throw). */
const PROXIES = new WeakSet<object>();

/**
 * Up to `limit` slots (a container and a key in it), breadth first and at most 40 levels down; large containers
 * are sampled rather than walked, so a document holding a huge array or a deep chain costs little to mutate again.
 */
function slots(root: unknown, rand: Rand, limit = 300): Slot[] {
  const out: Slot[] = [];
  const queue: { value: Container; path: PathKey[] }[] = isContainer(root) ? [{ value: root, path: [] }] : [];
  for (let head = 0; head < queue.length && out.length < limit; head++) {
    const { value, path } = queue[head]!;
    if (path.length > 40) continue;
    let keys: PathKey[];
    if (Array.isArray(value)) {
      keys =
        value.length <= 50
          ? Array.from({ length: value.length }, (_, i) => i)
          : Array.from({ length: 10 }, () => rand.int(value.length));
    } else {
      const all = Object.keys(value);
      keys = all.length <= 50 ? all : Array.from({ length: 10 }, () => all[rand.int(all.length)]!);
    }
    for (const key of keys) {
      const child = getKey(value, key);
      const childPath = [...path, key];
      out.push({ parent: value, key, path: childPath });
      if (isEditable(child)) queue.push({ value: child, path: childPath });
    }
  }
  return out;
}

/**
 * A deep copy of the plain arrays and objects in `value` (anything else is shared), own data keys only, bounded in
 * depth; an object met twice is copied once, so a value that contains itself copies into one that does too.
 */
function copy(value: unknown, depth = 0, copies = new Map<object, unknown>()): unknown {
  if (!isEditable(value) || depth > 50) return value;
  const done = copies.get(value);
  if (done !== undefined) return done;
  if (Array.isArray(value)) {
    if (value.length > 1_000) return value.slice();
    const out: unknown[] = [];
    copies.set(value, out);
    for (let i = 0; i < value.length; i++) out.push(copy(getKey(value, i), depth + 1, copies));
    return out;
  }
  const out: Json = Object.getPrototypeOf(value) === null ? (Object.create(null) as Json) : {};
  copies.set(value, out);
  for (const key of Object.keys(value)) setKey(out, key, copy(getKey(value, key), depth + 1, copies));
  return out;
}

function describe_(value: unknown): string {
  if (typeof value === 'string')
    return value.length > 60
      ? `string(${value.length} chars, ${JSON.stringify(value.slice(0, 30))}...)`
      : JSON.stringify(value);
  if (typeof value === 'number') return Object.is(value, -0) ? '-0' : String(value);
  if (typeof value === 'bigint') return `${value}n`;
  if (typeof value === 'symbol' || typeof value === 'function' || value === undefined) return String(value);
  if (Array.isArray(value)) return value.length > 20 ? `array(${value.length})` : `array[${value.length}]`;
  if (value instanceof Date || value instanceof Map || value instanceof Opaque || value instanceof RegExp)
    return value.constructor.name;
  if (isObject(value)) {
    const keys = Object.keys(value);
    return `object{${keys
      .slice(0, 5)
      .map((k) => JSON.stringify(k.length > 20 ? `${k.slice(0, 20)}...` : k))
      .join(',')}${keys.length > 5 ? ',...' : ''}}`;
  }
  return String(value);
}

function pathText(path: readonly PathKey[]): string {
  return path.length === 0
    ? '(root)'
    : path.map((k) => (typeof k === 'number' ? `[${k}]` : `.${k.length > 30 ? `${k.slice(0, 30)}...` : k}`)).join('');
}

interface NodeRef {
  readonly node: Json;
  readonly index: number;
}

function nodesOf(document: unknown): NodeRef[] {
  if (!isObject(document)) return [];
  const nodes = getKey(document, 'nodes');
  if (!Array.isArray(nodes)) return [];
  const out: NodeRef[] = [];
  const indexes =
    nodes.length <= 200 ? Array.from({ length: nodes.length }, (_, i) => i) : Array.from({ length: 50 }, (_, i) => i);
  for (const index of indexes) {
    const node: unknown = nodes[index];
    if (isObject(node) && isEditable(node)) out.push({ node, index });
  }
  return out;
}

function idsOf(document: unknown): string[] {
  return nodesOf(document).flatMap(({ node }) => (typeof node['id'] === 'string' ? [node['id']] : []));
}

// ---------------------------------------------------------------------------------------------------------------
// Mutations: each edits the document in place and says what it did, or returns undefined when it does not apply.

type Mutation = (rand: Rand, document: Json, options: Options) => string | undefined;

/** A random slot anywhere, by a random walk down from the root (cheaper than listing the slots). */
function walkToSlot(rand: Rand, document: Json): Slot | undefined {
  let container: Container = document;
  const path: PathKey[] = [];
  for (let depth = 0; depth < 40; depth++) {
    let key: PathKey;
    if (Array.isArray(container)) {
      if (container.length === 0) return undefined;
      key = rand.int(container.length);
    } else {
      const keys = Object.keys(container);
      if (keys.length === 0) return undefined;
      key = rand.pick(keys);
    }
    const child = getKey(container, key);
    if (!isEditable(child) || rand.chance(0.3)) return { parent: container, key, path: [...path, key] };
    path.push(key);
    container = child;
  }
  return undefined;
}

/** A random slot that passes `filter`: a few random walks first, then a pick among all the slots listed. */
const pickSlot = (rand: Rand, document: Json, filter: (slot: Slot) => boolean = () => true): Slot | undefined => {
  for (let attempt = 0; attempt < 8; attempt++) {
    const slot = walkToSlot(rand, document);
    if (slot !== undefined && filter(slot)) return slot;
  }
  const candidates = slots(document, rand).filter(filter);
  return candidates.length === 0 ? undefined : rand.pick(candidates);
};

const deleteField: Mutation = (rand, document) => {
  const slot = pickSlot(rand, document);
  if (slot === undefined) return undefined;
  if (Array.isArray(slot.parent) && typeof slot.key === 'number') slot.parent.splice(slot.key, 1);
  else delete (slot.parent as Json)[slot.key];
  return `delete ${pathText(slot.path)}`;
};

const duplicateField: Mutation = (rand, document) => {
  const from = pickSlot(rand, document);
  const to = pickSlot(rand, document, (slot) => isEditable(getKey(slot.parent, slot.key)));
  if (from === undefined) return undefined;
  const value = copy(getKey(from.parent, from.key));
  const target = to === undefined ? document : (getKey(to.parent, to.key) as Container);
  if (!isEditable(target)) return undefined;
  if (Array.isArray(target)) {
    target.splice(rand.int(target.length + 1), 0, value);
    return `copy ${pathText(from.path)} into the array ${to === undefined ? '(root)' : pathText(to.path)}`;
  }
  const key = rand.chance(0.5) && typeof from.key === 'string' ? from.key : rand.pick([...WORDS, ...HOSTILE_KEYS]);
  setKey(target, key, value);
  return `copy ${pathText(from.path)} to ${to === undefined ? '' : pathText(to.path)}.${key}`;
};

const replaceValue: Mutation = (rand, document, options) => {
  const slot = pickSlot(rand, document);
  if (slot === undefined) return undefined;
  const value = randomValue(rand, options);
  setKey(slot.parent, slot.key, value);
  return `set ${pathText(slot.path)} = ${describe_(value)}`;
};

const insertHostileKey: Mutation = (rand, document, options) => {
  const slot = pickSlot(
    rand,
    document,
    (s) => isObject(getKey(s.parent, s.key)) && isEditable(getKey(s.parent, s.key)),
  );
  const target = slot === undefined ? document : (getKey(slot.parent, slot.key) as Json);
  if (!isEditable(target)) return undefined;
  const key = rand.pick(HOSTILE_KEYS);
  const value = randomValue(rand, options);
  setKey(target, key, value);
  return `add key ${JSON.stringify(key)} = ${describe_(value)} at ${slot === undefined ? '(root)' : pathText(slot.path)}`;
};

const mutateString: Mutation = (rand, document) => {
  const slot = pickSlot(rand, document, (s) => typeof getKey(s.parent, s.key) === 'string');
  if (slot === undefined) return undefined;
  const before = getKey(slot.parent, slot.key) as string;
  const after = mutateText(rand, before, SYNTAX_CHARS);
  setKey(slot.parent, slot.key, after);
  return `edit the string ${pathText(slot.path)}: ${describe_(after)}`;
};

/** Edits inside `${ ... }` (or a `when`), or puts a new expression where expressions are read. */
const mutateExpression: Mutation = (rand, document) => {
  const templated = pickSlot(rand, document, (s) => {
    const value = getKey(s.parent, s.key);
    return typeof value === 'string' && (value.includes('${') || s.key === 'when');
  });
  if (templated !== undefined && rand.chance(0.6)) {
    const before = getKey(templated.parent, templated.key) as string;
    let after: string;
    const start = before.indexOf('${');
    const end = before.lastIndexOf('}');
    if (start >= 0 && end > start && rand.chance(0.7)) {
      const inner = before.slice(start + 2, end);
      const edited = rand.chance(0.3) ? randomExpression(rand) : mutateText(rand, inner, SYNTAX_CHARS);
      after = before.slice(0, start + 2) + edited + before.slice(end);
    } else {
      after = mutateText(rand, before, SYNTAX_CHARS);
    }
    setKey(templated.parent, templated.key, after);
    return `edit the expression ${pathText(templated.path)}: ${describe_(after)}`;
  }
  const nodes = nodesOf(document);
  const where = rand.int(4);
  const expression = rand.chance(0.5)
    ? randomExpression(rand)
    : `nodes.${rand.pick([...idsOf(document), 'ghost', 'toString'])}.output`;
  if (where === 0 && nodes.length > 0) {
    const { node, index } = rand.pick(nodes);
    setKey(node, 'when', expression);
    return `set nodes[${index}].when = ${describe_(expression)}`;
  }
  if (where === 1 && nodes.length > 0) {
    const { node, index } = rand.pick(nodes);
    const value = rand.chance(0.5) ? `\${ ${expression} }` : { v: `\${ ${expression} }`, t: randomTemplate(rand) };
    if (rand.chance(0.3) && isObject(node['compensate'])) {
      setKey(node['compensate'], 'input', value);
      return `set nodes[${index}].compensate.input = ${describe_(value)}`;
    }
    setKey(node, 'input', value);
    return `set nodes[${index}].input = ${describe_(value)}`;
  }
  const value = rand.chance(0.5) ? `\${ ${expression} }` : [randomTemplate(rand), { k: `\${ ${expression} }` }];
  setKey(document, 'output', value);
  return `set output = ${describe_(value)}`;
};

function typo(rand: Rand, id: string): string {
  return mutateText(rand, id, 'abcdefghijklmnopqrstuvwxyz_-0123456789');
}

const editDependsOn: Mutation = (rand, document, options) => {
  const nodes = nodesOf(document);
  if (nodes.length === 0) return undefined;
  const ids = idsOf(document);
  const { node, index } = rand.pick(nodes);
  const current = Array.isArray(node['dependsOn']) ? (node['dependsOn'] as unknown[]) : [];
  const at = `nodes[${index}].dependsOn`;
  const own = typeof node['id'] === 'string' ? node['id'] : 'a';
  switch (rand.int(10)) {
    case 0:
      node['dependsOn'] = [...current, own];
      return `${at} += its own id ${JSON.stringify(own)}`;
    case 1: {
      const other = ids.length > 0 ? rand.pick(ids) : 'a';
      node['dependsOn'] = [...current, other];
      return `${at} += ${JSON.stringify(other)} (maybe a cycle)`;
    }
    case 2: {
      // A cycle through k nodes: each depends on the next.
      const k = Math.min(nodes.length, rand.range(2, 6));
      const chosen = Array.from({ length: k }, () => rand.pick(nodes));
      chosen.forEach(({ node: from }, i) => {
        const to = chosen[(i + 1) % k]!.node['id'];
        const deps = Array.isArray(from['dependsOn']) ? (from['dependsOn'] as unknown[]) : [];
        from['dependsOn'] = [...deps, to];
      });
      return `cycle through nodes ${chosen.map((c) => c.index).join(' -> ')}`;
    }
    case 3: {
      const unknown = rand.pick([
        'ghost',
        'toString',
        'constructor',
        '__proto__',
        'hasOwnProperty',
        '',
        ' ',
        randomUnicodeString(rand),
      ]);
      node['dependsOn'] = [...current, unknown];
      return `${at} += unknown ${JSON.stringify(unknown)}`;
    }
    case 4: {
      const near = typo(rand, ids.length > 0 ? rand.pick(ids) : 'fetch');
      node['dependsOn'] = [...current, near];
      return `${at} += typo ${JSON.stringify(near)}`;
    }
    case 5:
      node['dependsOn'] = [...current, ...current, ...current];
      return `${at} repeated three times`;
    case 6: {
      const value = randomValue(rand, options);
      node['dependsOn'] = rand.chance(0.5) ? value : [...current, value];
      return `${at} gets ${describe_(value)}`;
    }
    case 7: {
      // Reverse every edge of the document: upstream nodes now depend on their downstream ones.
      const reversed = new Map<unknown, unknown[]>();
      for (const { node: n } of nodes) {
        for (const dep of Array.isArray(n['dependsOn']) ? (n['dependsOn'] as unknown[]) : []) {
          reversed.set(dep, [...(reversed.get(dep) ?? []), n['id']]);
        }
      }
      for (const { node: n } of nodes) n['dependsOn'] = reversed.get(n['id']) ?? [];
      return 'reverse every dependency';
    }
    case 8: {
      // Everything depends on everything else.
      for (const { node: n } of nodes) n['dependsOn'] = ids.filter((id) => id !== n['id']);
      return 'every node depends on every other';
    }
    default:
      delete node['dependsOn'];
      return `delete ${at}`;
  }
};

const editId: Mutation = (rand, document, options) => {
  const nodes = nodesOf(document);
  if (nodes.length === 0) return undefined;
  const ids = idsOf(document);
  const { node, index } = rand.pick(nodes);
  const old = node['id'];
  let id: unknown;
  switch (rand.int(6)) {
    case 0:
      id = ids.length > 0 ? rand.pick(ids) : 'a'; // a duplicate
      break;
    case 1:
      id = rand.pick(HOSTILE_KEYS);
      break;
    case 2:
      id = typeof old === 'string' ? typo(rand, old) : randomIdLike(rand);
      break;
    case 3:
      id = rand.pick([
        'a'.repeat(64),
        'a'.repeat(65),
        '9starts_with_digit',
        'has space',
        'dot.ted',
        '-dash',
        'é',
        'nodes',
        '$',
        'and',
        'true',
        'null',
        'line\nbreak',
        'cr\r',
        'tab\t',
        '"',
        '\\',
      ]);
      break;
    case 4: {
      // Rename consistently: every dependsOn entry and expression follows, so only the id's own validity matters.
      id = rand.pick([
        'renamed',
        'has-dash',
        'and',
        'function',
        'in',
        '_',
        'toString',
        'constructor',
        'two\nlines',
        'q"uote',
        'x'.repeat(70),
        randomIdLike(rand),
      ]);
      if (typeof old === 'string') {
        for (const { node: n } of nodesOf(document)) {
          if (Array.isArray(n['dependsOn']))
            n['dependsOn'] = (n['dependsOn'] as unknown[]).map((dep) => (dep === old ? id : dep));
        }
      }
      break;
    }
    default:
      id = randomValue(rand, options);
  }
  setKey(node, 'id', id);
  return `set nodes[${index}].id = ${describe_(id)}`;
};

const editNumber: Mutation = (rand, document) => {
  const numeric = [
    'maxAttempts',
    'backoffCoefficient',
    'initialInterval',
    'maximumInterval',
    'duration',
    'timeout',
    'startToClose',
    'heartbeat',
    'maxParallelism',
    'execution',
    'run',
    'task',
    'scheduleToClose',
    'scheduleToStart',
  ];
  const slot = pickSlot(
    rand,
    document,
    (s) => typeof getKey(s.parent, s.key) === 'number' || (typeof s.key === 'string' && numeric.includes(s.key)),
  );
  const value = rand.chance(0.4)
    ? rand.pick(NUMBERS)
    : rand.chance(0.3)
      ? rand.pick(NON_FINITE)
      : rand.pick(NUMBERISH_STRINGS);
  if (slot === undefined) {
    setKey(document, 'maxParallelism', value);
    return `set maxParallelism = ${describe_(value)}`;
  }
  setKey(slot.parent, slot.key, value);
  return `set ${pathText(slot.path)} = ${describe_(value)}`;
};

const editNodeShape: Mutation = (rand, document) => {
  const nodes = nodesOf(document);
  if (nodes.length === 0) return undefined;
  const { node, index } = rand.pick(nodes);
  switch (rand.int(6)) {
    case 0: {
      const type = rand.pick([...NODE_TYPES, 'Activity', 'timer', '', null, 1]);
      setKey(node, 'type', type);
      return `set nodes[${index}].type = ${describe_(type)}`;
    }
    case 1:
      delete node['type'];
      return `delete nodes[${index}].type`;
    case 2: {
      const trigger = rand.pick(TRIGGERS);
      node['trigger'] = trigger;
      if (rand.chance(0.5)) delete node['dependsOn'];
      return `set nodes[${index}].trigger = ${JSON.stringify(trigger)}`;
    }
    case 3: {
      const field = rand.pick(['onFailure', 'onTimeout', 'failFast']);
      const value = rand.pick(['fail', 'continue', 'wait', 'reject', 'approve', 'Fail', '', true, 0, null]);
      setKey(rand.chance(0.3) ? document : node, field, value);
      return `set ${field} = ${describe_(value)} (node ${index} or document)`;
    }
    case 4: {
      // Fields of another node type.
      const extra = rand.pick([
        { duration: '5m' },
        { workflow: 'child' },
        { activity: 'weft.echo' },
        { onTimeout: 'approve' },
        { timeout: { execution: '1m' } },
        { compensate: { activity: 'undo' } },
      ]);
      Object.assign(node, extra);
      return `nodes[${index}] += ${JSON.stringify(extra)}`;
    }
    default: {
      const retry = rand.pick([
        { maxAttempts: 0 },
        { maxAttempts: 1.5 },
        { backoffCoefficient: 0.5 },
        { initialInterval: '1h', maximumInterval: '1s' },
        { maximumInterval: '10ms' },
        { initialInterval: 0 },
        { nonRetryable: [''] },
        { nonRetryable: 'x' },
        { maxAttempts: 1e308 },
        { maxAttempts: -0 },
      ]);
      setKey(rand.chance(0.3) && isObject(node['compensate']) ? node['compensate'] : node, 'retry', retry);
      return `set nodes[${index}] retry = ${JSON.stringify(retry)}`;
    }
  }
};

const editNodesArray: Mutation = (rand, document, options) => {
  const nodes = getKey(document, 'nodes');
  const list = Array.isArray(nodes) ? nodes : [];
  switch (rand.int(6)) {
    case 0: {
      const value = rand.pick<unknown>([[], {}, 'nodes', null, 0, [null], [[]], [{}]]);
      document['nodes'] = value;
      return `set nodes = ${describe_(value)}`;
    }
    case 1:
      for (let i = list.length - 1; i > 0; i--) {
        const j = rand.int(i + 1);
        [list[i], list[j]] = [list[j], list[i]];
      }
      return 'shuffle nodes';
    case 2:
      if (list.length === 0) return undefined;
      list.push(copy(rand.pick(list)));
      return 'duplicate a node';
    case 3:
      if (list.length === 0) return undefined;
      list.splice(rand.int(list.length), 1);
      return 'remove a node';
    case 4: {
      const value = randomValue(rand, options);
      list.push(value);
      return `push ${describe_(value)} onto nodes`;
    }
    default: {
      const field = rand.pick(['dsl', 'name', 'description', 'input', 'defaults', '$schema', 'output', 'timeout']);
      const value = rand.chance(0.5) ? randomValue(rand, options) : rand.pick(WORDS);
      setKey(document, field, value);
      return `set ${field} = ${describe_(value)}`;
    }
  }
};

const insertNonJson: Mutation = (rand, document) => {
  const slot = pickSlot(rand, document);
  const value = randomNonJson(rand);
  if (slot === undefined) return undefined;
  setKey(slot.parent, slot.key, value);
  return `set ${pathText(slot.path)} = non-JSON ${describe_(value)}`;
};

/** A value that contains itself, or a real prototype instead of a "__proto__" key. */
const insertOddObject: Mutation = (rand, document) => {
  const slot = pickSlot(
    rand,
    document,
    (s) => isObject(getKey(s.parent, s.key)) && isEditable(getKey(s.parent, s.key)),
  );
  const target = slot === undefined ? document : (getKey(slot.parent, slot.key) as Json);
  const where = slot === undefined ? '(root)' : pathText(slot.path);
  if (rand.chance(0.5)) {
    setKey(target, rand.pick(['self', 'input', 'nodes', 'retry']), target);
    return `a cycle of references at ${where}`;
  }
  (target as { __proto__: unknown }).__proto__ = { id: 'inherited', activity: 'weft.echo' };
  return `set the prototype of ${where}`;
};

const expensive = {
  longString: ((rand, document) => {
    const value = longString(rand);
    const nodes = nodesOf(document);
    const target = rand.int(6);
    if (target === 0 && nodes.length > 0) {
      const { node, index } = rand.pick(nodes);
      const field = rand.pick(['id', 'activity', 'when', 'input', 'description', 'trigger', 'duration']);
      setKey(node, field, value);
      if (field === 'id' && rand.chance(0.7)) {
        // Another node names it with a small typo, in its dependsOn and in an expression.
        const other = rand.pick(nodes).node;
        const near = `${value.slice(0, 10)}z${value.slice(11)}`;
        other['dependsOn'] = [near];
        other['input'] = `\${ nodes.${near.length > 100 ? 'x' : near}.output }`;
        return `set nodes[${index}].id = ${describe_(value)}, and another node depends on a near copy of it`;
      }
      return `set nodes[${index}].${field} = ${describe_(value)}`;
    }
    if (target === 1 && nodes.length > 0) {
      const { node, index } = rand.pick(nodes);
      setKey(node, value, 1);
      return `add key ${describe_(value)} to nodes[${index}]`;
    }
    if (target === 2 && nodes.length > 0) {
      const { node, index } = rand.pick(nodes);
      node['dependsOn'] = [value, value];
      return `set nodes[${index}].dependsOn = [${describe_(value)} x2]`;
    }
    const slot = pickSlot(rand, document);
    if (slot === undefined) return undefined;
    setKey(slot.parent, slot.key, value);
    return `set ${pathText(slot.path)} = ${describe_(value)}`;
  }) satisfies Mutation,

  deepNesting: ((rand, document, options) => {
    const value = deepValue(rand, options);
    const slot = pickSlot(rand, document);
    if (slot === undefined) return undefined;
    setKey(slot.parent, slot.key, value);
    return `set ${pathText(slot.path)} = ${describe_(value)} nested deep`;
  }) satisfies Mutation,

  hugeArray: ((rand, document, options) => {
    const nodes = nodesOf(document);
    const sample = nodes.length > 0 ? copy(rand.pick(nodes).node) : { id: 'a', activity: 'weft.echo' };
    const target = rand.int(4);
    const value = hugeArray(rand, options, sample, target === 0 ? HUGE_NODES_LENGTH : HUGE_ARRAY_LENGTH);
    if (target === 0) {
      document['nodes'] = value;
      return `set nodes = ${describe_(value)} of ${describe_(value[1])}`;
    }
    if (target === 1 && nodes.length > 0) {
      const { node, index } = rand.pick(nodes);
      node[rand.pick(['dependsOn', 'input'])] = value;
      return `set nodes[${index}].dependsOn or input = ${describe_(value)} of ${describe_(value[1])}`;
    }
    const slot = pickSlot(rand, document);
    if (slot === undefined) return undefined;
    // The nodes themselves, picked at random: as short as above.
    setKey(
      slot.parent,
      slot.key,
      slot.path.length === 1 && slot.key === 'nodes' ? value.slice(0, HUGE_NODES_LENGTH) : value,
    );
    return `set ${pathText(slot.path)} = ${describe_(value)} of ${describe_(value[1])}`;
  }) satisfies Mutation,
};

/**
 * Keys JSON cannot hold, as a TypeScript caller's object can: symbol keys, non-enumerable keys, a getter that
 * throws, a getter whose value changes on every read, a Proxy whose traps throw.
 */
/** The messages of the errors planted getters and Proxies throw. */
const PLANTED_ERRORS = ['getter throws', 'proxy trap throws'];

const insertOddKey: Mutation = (rand, document, options) => {
  const slot = pickSlot(
    rand,
    document,
    (s) => isObject(getKey(s.parent, s.key)) && isEditable(getKey(s.parent, s.key)),
  );
  const target = slot === undefined ? document : (getKey(slot.parent, slot.key) as Json);
  const where = slot === undefined ? '(root)' : pathText(slot.path);
  const name = rand.pick(['id', 'nodes', 'dependsOn', 'activity', 'input', 'when', 'x', 'retry']);
  switch (rand.int(5)) {
    case 0: {
      const key = rand.pick([Symbol('weft'), Symbol.iterator, Symbol.toPrimitive, Symbol.for('id')]);
      Object.defineProperty(target, key, {
        value: randomValue(rand, options),
        enumerable: true,
        writable: true,
        configurable: true,
      });
      return `add the symbol key ${String(key)} at ${where}`;
    }
    case 1:
      Object.defineProperty(target, name, {
        value: randomValue(rand, options),
        enumerable: false,
        writable: true,
        configurable: true,
      });
      return `add the non-enumerable key ${JSON.stringify(name)} at ${where}`;
    case 2:
      GETTER_HOSTS.add(target);
      Object.defineProperty(target, name, {
        get: () => {
          throw new Error('getter throws');
        },
        enumerable: true,
        configurable: true,
      });
      return `add a getter that throws for ${JSON.stringify(name)} at ${where}`;
    case 3: {
      let reads = 0;
      const values = [randomValue(rand, options), randomValue(rand, options)];
      GETTER_HOSTS.add(target);
      Object.defineProperty(target, name, { get: () => values[reads++ % 2], enumerable: true, configurable: true });
      return `add a getter for ${JSON.stringify(name)} whose value alternates between ${describe_(values[0])} and ${describe_(values[1])} at ${where}`;
    }
    default: {
      const trap = (): never => {
        throw new Error('proxy trap throws');
      };
      const proxy = new Proxy(
        {},
        { get: trap, has: trap, ownKeys: trap, getOwnPropertyDescriptor: trap, getPrototypeOf: trap },
      );
      PROXIES.add(proxy);
      setKey(target, name, proxy);
      return `set ${where}.${name} = a Proxy whose traps throw`;
    }
  }
};

const MUTATIONS: readonly (readonly [number, Mutation])[] = [
  [10, deleteField],
  [6, duplicateField],
  [14, replaceValue],
  [8, insertHostileKey],
  [8, mutateString],
  [16, mutateExpression],
  [12, editDependsOn],
  [8, editId],
  [6, editNumber],
  [8, editNodeShape],
  [3, editNodesArray],
];
const OBJECT_ONLY_MUTATIONS: readonly (readonly [number, Mutation])[] = [
  [4, insertNonJson],
  [1, insertOddObject],
  [2, insertOddKey],
];

// ---------------------------------------------------------------------------------------------------------------
// Mutating JSON text

function mutateJsonText(rand: Rand, text: string): { text: string; steps: string[] } {
  const steps: string[] = [];
  let out = text;
  const edits = rand.range(1, 3);
  for (let e = 0; e < edits; e++) {
    const at = rand.int(out.length + 1);
    switch (rand.int(11)) {
      case 0:
        out = out.slice(0, at);
        steps.push(`truncate at ${at}`);
        break;
      case 1: {
        let bytes = '';
        const n = rand.range(1, 8);
        for (let i = 0; i < n; i++)
          bytes += rand.chance(0.5) ? SYNTAX_CHARS[rand.int(SYNTAX_CHARS.length)] : randomUnicodeChar(rand);
        out = out.slice(0, at) + bytes + out.slice(at);
        steps.push(`insert ${JSON.stringify(bytes)} at ${at}`);
        break;
      }
      case 2: {
        const n = rand.range(1, 40);
        out = out.slice(0, at) + out.slice(at + n);
        steps.push(`delete ${n} chars at ${at}`);
        break;
      }
      case 3: {
        const n = rand.range(1, 200);
        out = out.slice(0, at + n) + out.slice(at, at + n) + out.slice(at + n);
        steps.push(`duplicate ${n} chars at ${at}`);
        break;
      }
      case 4:
        out = `\ufeff${out}`;
        steps.push('prepend a byte-order mark');
        break;
      case 5: {
        const replacement = rand.pick([
          '1e999',
          '-1e999',
          '-0',
          '1e308',
          'NaN',
          'Infinity',
          '0x10',
          '01',
          '1.',
          '.5',
          '-',
          '1e',
          'true',
          'null',
        ]);
        const match = /-?\d+(\.\d+)?([eE][+-]?\d+)?/g;
        const found = [...out.matchAll(match)];
        if (found.length > 0) {
          const m = rand.pick(found);
          out = out.slice(0, m.index) + replacement + out.slice(m.index! + m[0].length);
          steps.push(`replace the number at ${m.index} with ${replacement}`);
        } else {
          out = out.slice(0, at) + replacement + out.slice(at);
          steps.push(`insert ${replacement} at ${at}`);
        }
        break;
      }
      case 6: {
        const brace = out.indexOf('{', at);
        const key = rand.pick([
          '"__proto__": {"id": "x", "activity": "weft.echo"},',
          '"constructor": {"prototype": 1},',
          '"id": "dup",',
          '"dsl": "weft/v2",',
          '"nodes": 1,',
          '"toString": "x",',
        ]);
        if (brace >= 0) out = out.slice(0, brace + 1) + key + out.slice(brace + 1);
        steps.push(`insert ${key} after the "{" at ${brace}`);
        break;
      }
      case 7: {
        const q = out.indexOf('"', at);
        if (q >= 0)
          out =
            out.slice(0, q + 1) +
            rand.pick(['\\u', '\\x41', '\\ud800', '\\', '\n', '\t', '\u0000', '${', '\\"']) +
            out.slice(q + 1);
        steps.push(`break the string at ${q}`);
        break;
      }
      case 8:
        out = rand.pick([
          '',
          ' ',
          '\n\t ',
          '\ufeff',
          '\ufeff ',
          'null',
          '[]',
          '{}',
          '"weft/v1"',
          '0',
          '[[[[[[[[',
          '{"a":',
          '\u0000',
        ]);
        steps.push(`replace the text with ${JSON.stringify(out)}`);
        break;
      case 9: {
        const depth = rand.chance(0.5) ? MAX_NESTING : rand.range(100, 3_000);
        const open = rand.pick(['[', '{"a":']);
        const close = open === '[' ? ']' : '}';
        const balanced = rand.chance(0.7);
        const inner = open.repeat(depth) + '1' + (balanced ? close.repeat(depth) : '');
        const value = out.indexOf(':', at);
        if (value >= 0) out = out.slice(0, value + 1) + inner + out.slice(value + 1);
        steps.push(`insert ${depth} levels of ${open}${balanced ? '' : ' (unclosed)'} after the ":" at ${value}`);
        break;
      }
      default: {
        const chars = mutateText(rand, out.slice(at, at + 20), SYNTAX_CHARS);
        out = out.slice(0, at) + chars + out.slice(at + 20);
        steps.push(`edit the 20 chars at ${at}`);
      }
    }
  }
  return { text: out, steps };
}

function safeStringify(value: unknown, indent?: number): string | undefined {
  try {
    return JSON.stringify(value, (_key, item: unknown) => (typeof item === 'bigint' ? String(item) : item), indent);
  } catch {
    return undefined; // a cycle
  }
}

// ---------------------------------------------------------------------------------------------------------------
// One case

interface Case {
  readonly index: number;
  readonly seedName: string;
  readonly mode: 'object' | 'text';
  readonly steps: string[];
  readonly input: unknown;
  /** A megabyte string, deep nesting or a huge array was put in. */
  readonly heavy: boolean;
  /** The file name parseDocumentText is given (text mode). */
  readonly source?: string | undefined;
}

/** File names as the CLI passes them: ordinary, odd and hostile ones. */
const SOURCES = [
  'dag.json',
  'examples/order-saga.json',
  'C:\\Users\\ada\\my dag.json',
  'dag\n.json',
  '"quoted".json',
  'ünïcödé.json',
  '',
  ' ',
  `${'very-long-directory/'.repeat(60)}dag.json`,
];

const CORPUS = corpus();
const CORPUS_OBJECTS = CORPUS.map((seed) => ({ name: seed.name, value: JSON.parse(seed.text) as Json }));

function buildCase(index: number): Case {
  const rand = new Rand(caseSeed(SEED, index));
  const seed = rand.pick(CORPUS);
  const mode = rand.chance(0.25) ? 'text' : 'object';
  const options: Options = { jsonOnly: mode === 'text' };
  const document = JSON.parse(seed.text) as Json;
  const steps: string[] = [];
  const table = options.jsonOnly ? MUTATIONS : [...MUTATIONS, ...OBJECT_ONLY_MUTATIONS];
  const count = mode === 'text' && rand.chance(0.4) ? 0 : 1 + Math.floor(-Math.log(1 - rand.next()) * 1.2);
  const apply = (mutation: Mutation): string | undefined => {
    try {
      return mutation(rand, document, options);
    } catch (err) {
      // A mutation tripped over a getter or Proxy an earlier one planted: the document is hostile enough.
      return `(a mutation stopped: ${String(err)})`;
    }
  };
  for (let i = 0; i < Math.min(count, 8); i++) {
    const step = apply(rand.weighted(table));
    if (step !== undefined) steps.push(step);
  }
  const regular = steps.length;
  if (rand.chance(P_LONG_STRING)) steps.push(apply(expensive.longString) ?? 'long string: no slot');
  if (rand.chance(P_DEEP_NESTING)) steps.push(apply(expensive.deepNesting) ?? 'deep nesting: no slot');
  if (rand.chance(P_HUGE_ARRAY)) steps.push(apply(expensive.hugeArray) ?? 'huge array: no slot');
  const heavy = steps.length > regular;
  if (heavy && rand.chance(0.5)) steps.push(apply(rand.weighted(table)) ?? 'no further mutation');
  if (mode === 'object') return { index, seedName: seed.name, mode, steps, input: document, heavy };
  const text = safeStringify(document, rand.pick([undefined, 2, 0, 1])) ?? seed.text;
  const edited = count === 0 || rand.chance(0.5) ? mutateJsonText(rand, text) : { text, steps: [] };
  const source = rand.chance(0.3) ? rand.pick(SOURCES) : undefined;
  const textSteps = [
    ...edited.steps.map((s) => `text: ${s}`),
    ...(source === undefined
      ? []
      : [`source ${JSON.stringify(source.length > 60 ? `${source.slice(0, 60)}...` : source)}`]),
  ];
  return { index, seedName: seed.name, mode, steps: [...steps, ...textSteps], input: edited.text, heavy, source };
}

const CODES: ReadonlySet<string> = new Set(WEFT_ISSUE_CODES);

/** What is wrong with a result, as sentences; empty when it keeps the contract. */
function contractViolations(result: unknown): string[] {
  if (!isObject(result)) return [`the result is ${describe_(result)}, not an object`];
  if (result['ok'] === true) {
    return isContainer(result['document']) ? [] : ['ok: true without a document'];
  }
  if (result['ok'] !== false) return [`ok is ${describe_(result['ok'])}`];
  const issues = result['issues'];
  if (!Array.isArray(issues)) return ['ok: false without an issues array'];
  const problems: string[] = [];
  if (issues.length === 0) problems.push('ok: false with no issues');
  if (issues.length > MAX_ISSUES + 1)
    problems.push(`${issues.length} issues, more than MAX_ISSUES + 1 = ${MAX_ISSUES + 1}`);
  issues.forEach((issue: unknown, i) => {
    if (problems.length > 5) return;
    if (!isObject(issue)) return void problems.push(`issue ${i} is ${describe_(issue)}`);
    const { code, path, message } = issue;
    const where = `issue ${i} (${String(code)})`;
    if (typeof code !== 'string' || !CODES.has(code)) problems.push(`${where}: unknown code ${describe_(code)}`);
    if (!Array.isArray(path)) problems.push(`${where}: path is ${describe_(path)}, not an array`);
    else if (
      !path.every((k: unknown) => typeof k === 'string' || (typeof k === 'number' && Number.isInteger(k) && k >= 0))
    ) {
      problems.push(`${where}: path ${describe_(path)} holds something other than keys and indexes`);
    }
    if (typeof message !== 'string' || message.trim() === '')
      problems.push(`${where}: message ${describe_(message)} is empty or not a string`);
    else {
      // validateDocument's last resort, for values that throw when read: only the getters and Proxies planted here may.
      if (
        message.startsWith('the document could not be read') &&
        !PLANTED_ERRORS.some((planted) => message.includes(planted))
      ) {
        problems.push(`${where}: the validator caught an error of its own: ${JSON.stringify(message.slice(0, 300))}`);
      }
      if (message.length > MAX_MESSAGE_CHARS)
        problems.push(`${where}: message is ${message.length} chars, over ${MAX_MESSAGE_CHARS}: ${describe_(message)}`);
      if (/[\n\r]/.test(message)) problems.push(`${where}: message spans lines: ${describe_(message)}`);
    }
    try {
      formatIssue(issue as never);
    } catch (err) {
      problems.push(`${where}: formatIssue threw ${String(err)}`);
    }
  });
  return problems;
}

function runOnce(testCase: Case): unknown {
  return testCase.mode === 'text'
    ? parseDocumentText(testCase.input as string, testCase.source)
    : validateDocument(testCase.input);
}

interface Outcome {
  readonly ms: number;
  readonly violations: string[];
  readonly ok: boolean | undefined;
  readonly codes: readonly string[];
}

function runCase(testCase: Case, checkRepeat: boolean): Outcome {
  const before = checkRepeat && testCase.mode === 'object' ? safeStringify(testCase.input) : undefined;
  const started = performance.now();
  let result: unknown;
  try {
    result = runOnce(testCase);
  } catch (err) {
    const ms = performance.now() - started;
    const stack =
      err instanceof Error
        ? (err.stack ?? '')
            .split('\n')
            .slice(1, 8)
            .map((line) => `      ${line.trim().replace(/^at /, 'from ')}`)
        : [];
    const what =
      err instanceof Error ? [`${err.name}: ${err.message.slice(0, 300)}`, ...stack].join('\n') : String(err);
    return { ms, violations: [`threw ${what}`], ok: undefined, codes: [] };
  }
  const ms = performance.now() - started;
  const violations = contractViolations(result);
  if (ms > TIME_BOUND_MS) violations.push(`took ${Math.round(ms)} ms, over the bound of ${TIME_BOUND_MS} ms`);
  // A planted getter that alternates makes the input itself change between reads: nothing to compare then.
  if (
    checkRepeat &&
    violations.length === 0 &&
    ms < 50 &&
    !testCase.steps.some((step) => step.includes('alternates'))
  ) {
    const again = safeStringify(runOnce(testCase));
    if (again !== safeStringify(result))
      violations.push('a second validation of the same input gave a different result');
    if (before !== undefined && safeStringify(testCase.input) !== before)
      violations.push('validation modified its input');
  }
  const r = result as { ok?: unknown; issues?: { code: string }[] };
  return {
    ms,
    violations,
    ok: r.ok === true,
    codes: r.ok === false && Array.isArray(r.issues) ? r.issues.map((i) => i.code) : [],
  };
}

function describeCase(testCase: Case): string {
  return [
    `case ${testCase.index} (seed ${SEED_TEXT}, ${testCase.mode} mode, from ${testCase.seedName})`,
    ...testCase.steps.map((step) => `    - ${step.length > 300 ? `${step.slice(0, 300)}...` : step}`),
    `    reproduce: WEFT_FUZZ_SEED=${SEED_TEXT} WEFT_FUZZ_CASE=${testCase.index} npx jest test/fuzz/validate.test.ts`,
  ].join('\n');
}

// ---------------------------------------------------------------------------------------------------------------

describe('validator fuzzing', () => {
  it('starts from documents that are valid', () => {
    const invalid = CORPUS_OBJECTS.flatMap(({ name, value }) => {
      const result = validateDocument(value);
      return result.ok ? [] : [`${name}: ${result.issues.map((issue) => formatIssue(issue)).join('; ')}`];
    });
    expect(invalid).toEqual([]);
    expect(
      new Set(CORPUS_OBJECTS.flatMap(({ value }) => nodesOf(value).map(({ node }) => node['type'] ?? 'activity'))),
    ).toEqual(new Set(NODE_TYPES));
  });

  const cases = ONLY_CASE === undefined ? COUNT : 1;
  it(`keeps the contract on ${cases.toLocaleString('en-US')} mutated documents (seed ${SEED_TEXT}${ONLY_CASE === undefined ? '' : `, case ${ONLY_CASE}`})`, () => {
    const started = performance.now();
    const kinds = new Map<string, { count: number; example: string }>();
    let failed = 0;
    const slowest: { ms: number; testCase: Case }[] = [];
    const stats = {
      object: 0,
      text: 0,
      valid: 0,
      invalid: 0,
      throws: 0,
      overBound: 0,
      issues: 0,
      heavy: 0,
      heavyMs: 0,
      validationMs: 0,
      buildMs: 0,
    };
    const codes = new Map<string, number>();
    const first = ONLY_CASE ?? 0;
    for (let index = first; index < first + cases; index++) {
      const built = performance.now();
      const testCase = buildCase(index);
      stats.buildMs += performance.now() - built;
      if (TRACE) process.stderr.write(`${describeCase(testCase)}\n`);
      const outcome = runCase(testCase, index % 50 === 0);
      stats[testCase.mode]++;
      stats.validationMs += outcome.ms;
      if (testCase.heavy) {
        stats.heavy++;
        stats.heavyMs += outcome.ms;
      }
      if (outcome.ok === true) stats.valid++;
      else if (outcome.ok === false) stats.invalid++;
      else stats.throws++;
      if (outcome.ms > TIME_BOUND_MS) stats.overBound++;
      stats.issues += outcome.codes.length;
      for (const code of outcome.codes) codes.set(code, (codes.get(code) ?? 0) + 1);
      slowest.push({ ms: outcome.ms, testCase: { ...testCase, input: undefined } });
      slowest.sort((a, b) => b.ms - a.ms);
      slowest.length = Math.min(slowest.length, 5);
      if (outcome.violations.length > 0) {
        failed++;
        // One example of each kind of failure (the first line, minus numbers and quoted text), the first 10 kinds.
        const kind = outcome.violations[0]!.split('\n')[0]!
          .replace(/"(?:[^"\\]|\\.)*"|\d+/g, '_')
          .slice(0, 100);
        const seen = kinds.get(kind);
        if (seen !== undefined) seen.count++;
        else if (kinds.size < 10)
          kinds.set(kind, { count: 1, example: `${describeCase(testCase)}\n    ${outcome.violations.join('\n    ')}` });
      }
    }
    const elapsed = performance.now() - started;
    const unseen = WEFT_ISSUE_CODES.filter((code: WeftIssueCode) => !codes.has(code));
    console.log(
      [
        `validator fuzzing, seed ${SEED_TEXT}: ${cases} cases (${stats.object} objects, ${stats.text} texts) in ${Math.round(elapsed)} ms;`,
        `  building the cases took ${Math.round(stats.buildMs)} ms; validating ${Math.round(stats.validationMs)} ms, ${Math.round(stats.heavyMs)} ms of it for the ${stats.heavy} cases with a megabyte string, deep nesting or a huge array;`,
        `  ${stats.valid} valid, ${stats.invalid} invalid (${stats.issues} issues), ${stats.throws} throws, ${stats.overBound} over ${TIME_BOUND_MS} ms, ${failed} failing`,
        `  issue codes: ${[...codes]
          .sort((a, b) => b[1] - a[1])
          .map(([code, n]) => `${code} ${n}`)
          .join(', ')}${unseen.length > 0 ? `; never seen: ${unseen.join(', ')}` : ''}`,
        '  slowest:',
        ...slowest.map(
          ({ ms, testCase }) =>
            `  ${ms.toFixed(1)} ms: ${describeCase(testCase).split('\n').slice(0, -1).join('\n  ')}`,
        ),
      ].join('\n'),
    );
    if (failed > 0) {
      const examples = [...kinds.values()].map(({ count, example }) => `${count} like this one:\n${example}`);
      throw new Error(
        `${failed} of ${cases} fuzzed documents broke the validator's contract (seed ${SEED_TEXT}); an example of each kind:\n\n${examples.join('\n\n')}`,
      );
    }
  }, 300_000);
});
