/**
 * A seeded fuzz test of reading YAML documents (src/client/yaml-text.ts through parseDocumentSource), in the style
 * of validate.test.ts. It starts from the YAML examples and the JSON examples written as YAML, mutates the text at
 * random (YAML's own syntax: indicators, anchors and aliases, tags, directives, document markers, tabs, flow
 * collections, block scalars; cut, repeated and swapped lines; deep nesting; alias bombs; random characters), and
 * checks the contract on every result, read as a .yaml file and as standard input:
 *
 * - it never throws;
 * - it returns `{ ok: true, document }` (data JSON can write: no cycle, no infinity) or `{ ok: false, issues }`
 *   with at least one issue, each with a known code, an array path, a non-empty one-line message, and a line
 *   (and column) that are whole numbers from 1 when given;
 * - it finishes within TIME_BOUND_MS.
 *
 * Environment overrides as in validate.test.ts: WEFT_FUZZ_SEED, WEFT_FUZZ_COUNT (default 1,000: about 10 s on a
 * 2-core machine), WEFT_FUZZ_CASE; with WEFT_FUZZ_CASE, WEFT_FUZZ_DUMP=<file> writes that case's text to the file.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { parseDocumentSource, type DocumentFile, type DocumentFormat } from '../../src/client/documents';
import { formatFileIssue, type FileIssueCode } from '../../src/client/file-issues';
import { MAX_MESSAGE_CHARS, WEFT_ISSUE_CODES } from '../../src/dsl/issues';

const DEFAULT_SEED = 0x5eedf0a7;
const DEFAULT_COUNT = 1_000;
const TIME_BOUND_MS = 2_000;

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
const SEED_TEXT = `0x${SEED.toString(16).padStart(8, '0')}`;

/** mulberry32, as in validate.test.ts. */
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
  int(max: number): number {
    return Math.floor(this.next() * max);
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)]!;
  }
}

function caseSeed(seed: number, index: number): number {
  let h = Math.imul(seed ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(index + 1, 0xc2b2ae35);
  h = Math.imul(h ^ (h >>> 16), 0x7feb352d);
  h = Math.imul(h ^ (h >>> 15), 0x846ca68b);
  return (h ^ (h >>> 16)) >>> 0;
}

const EXAMPLES_DIR = join(__dirname, '../../examples');

function corpus(): string[] {
  const files = readdirSync(EXAMPLES_DIR).sort();
  return [
    ...files.filter((file) => /\.ya?ml$/.test(file)).map((file) => readFileSync(join(EXAMPLES_DIR, file), 'utf8')),
    ...files
      .filter((file) => file.endsWith('.json'))
      .map((file) => stringify(JSON.parse(readFileSync(join(EXAMPLES_DIR, file), 'utf8')))),
  ];
}

/** Pieces of YAML syntax, the hostile ones included. */
const SNIPPETS = [
  ': ',
  '- ',
  '? ',
  '&a ',
  '*a',
  '&b [*a, *a, *a, *a, *a, *a, *a, *a, *a] ',
  '!!js/function "function () { return 1 }" ',
  '!!js/undefined ',
  '!!binary aGk= ',
  '!!timestamp ',
  '!!set ',
  '!!omap ',
  '!!python/object:os.system ',
  '!local ',
  '!<tag:example.com,2000:x> ',
  '!!str ',
  '!!int ',
  '!!float ',
  '!!map ',
  '!!seq ',
  '\n---\n',
  '\n...\n',
  '%YAML 1.1\n---\n',
  '%TAG ! tag:example.com,2000:\n---\n',
  '\t',
  '{',
  '}',
  '[',
  ']',
  ',',
  '"',
  "'",
  '#',
  '|\n',
  '>-\n',
  '<<: *a\n',
  '.inf',
  '-.inf',
  '.nan',
  '~',
  'null',
  'yes',
  '0o777',
  '0x1F',
  '1e400',
  '__proto__: ',
  'constructor: ',
  '\\u0000',
  '\u0000',
  '\uFEFF',
  '\u2028',
  '\r\n',
  '"\\x',
  '@',
  '`',
  '%',
];

function alphabetSoup(rand: Rand, length: number): string {
  let out = '';
  for (let i = 0; i < length; i++) out += String.fromCharCode(rand.chance(0.9) ? 32 + rand.int(95) : rand.int(0x3000));
  return out;
}

function aliasBomb(levels: number): string {
  const lines = ['a0: &a0 [x, x, x, x, x, x, x, x, x, x]'];
  for (let i = 1; i < levels; i++)
    lines.push(
      `a${i}: &a${i} [${Array(10)
        .fill(`*a${i - 1}`)
        .join(', ')}]`,
    );
  return `${lines.join('\n')}\n`;
}

type Mutation = (text: string, rand: Rand) => string;

const MUTATIONS: readonly Mutation[] = [
  (text, rand) => {
    const at = rand.int(text.length + 1);
    return text.slice(0, at) + rand.pick(SNIPPETS) + text.slice(at);
  },
  (text, rand) => {
    const at = rand.int(text.length);
    return text.slice(0, at) + text.slice(at + 1 + rand.int(8));
  },
  (text, rand) => text.slice(0, rand.int(text.length + 1)),
  (text, rand) => {
    const lines = text.split('\n');
    const i = rand.int(lines.length);
    lines.splice(i, 0, lines[rand.int(lines.length)]!);
    return lines.join('\n');
  },
  (text, rand) => {
    const lines = text.split('\n');
    const i = rand.int(lines.length);
    const j = rand.int(lines.length);
    [lines[i], lines[j]] = [lines[j]!, lines[i]!];
    return lines.join('\n');
  },
  (text, rand) => {
    const lines = text.split('\n');
    const i = rand.int(lines.length);
    lines[i] = rand.chance(0.5) ? ` ${lines[i]}` : lines[i]!.replace(/^ {1,2}/, '');
    return lines.join('\n');
  },
  (text, rand) => {
    const at = rand.int(text.length + 1);
    return text.slice(0, at) + alphabetSoup(rand, 1 + rand.int(20)) + text.slice(at);
  },
  (text, rand) => `${text}\n${aliasBomb(3 + rand.int(8))}`,
  (text, rand) => {
    // yaml stops at about a thousand levels; a little past that is enough to see it stop cleanly.
    const depth = 100 + rand.int(2_000);
    const open = rand.pick(['[', '{a: ', '- ']);
    const close = open === '[' ? ']' : open === '{a: ' ? '}' : '';
    return `${text}\nx: ${open.repeat(depth)}1${close.repeat(depth)}\n`;
  },
  (text, rand) => {
    // An anchor on one value and aliases to it elsewhere, maybe inside itself.
    const lines = text.split('\n');
    const i = rand.int(lines.length);
    lines[i] = lines[i]!.replace(/: /, ': &a ');
    const j = rand.int(lines.length);
    lines[j] = lines[j]!.replace(/: .*$/, ': *a');
    return lines.join('\n');
  },
];

const CODES: ReadonlySet<string> = new Set<FileIssueCode>([
  ...WEFT_ISSUE_CODES,
  'WEFT_INVALID_YAML',
  'WEFT_UNREADABLE_FILE',
]);

let slowest = 0;

const isPositiveInteger = (n: unknown): boolean => Number.isSafeInteger(n) && (n as number) >= 1;

/** The contract's violations for one text read one way (none when it holds), and the result. */
function check(text: string, format: DocumentFormat): { violations: string[]; result?: DocumentFile } {
  const started = performance.now();
  let result: DocumentFile;
  try {
    result = parseDocumentSource(text, format === 'yaml' ? 'dag.yaml' : '<stdin>', format);
  } catch (err) {
    return { violations: [`threw ${err instanceof Error ? `${err.name}: ${err.message}` : String(err)}`] };
  }
  const violations: string[] = [];
  const ms = performance.now() - started;
  slowest = Math.max(slowest, ms);
  if (ms > TIME_BOUND_MS) violations.push(`took ${Math.round(ms)} ms`);
  if (result.ok) {
    try {
      if (JSON.stringify(result.document) === undefined) violations.push('the document is not JSON');
    } catch (err) {
      violations.push(`the document cannot be written as JSON: ${(err as Error).message}`);
    }
    return { violations, result };
  }
  if (result.issues.length === 0) violations.push('not ok, but no issues');
  for (const issue of result.issues) {
    if (!CODES.has(issue.code)) violations.push(`unknown code ${issue.code}`);
    if (!Array.isArray(issue.path)) violations.push('a path that is not an array');
    if (typeof issue.message !== 'string' || issue.message.trim() === '') violations.push('an empty message');
    else if (/[\r\n]/.test(formatFileIssue(issue, 'dag.yaml')))
      violations.push(`a message on two lines: ${issue.message}`);
    else if (issue.message.length > MAX_MESSAGE_CHARS) violations.push(`a message of ${issue.message.length} chars`);
    if (issue.line !== undefined && !isPositiveInteger(issue.line)) violations.push(`line ${issue.line}`);
    if (issue.column !== undefined && !isPositiveInteger(issue.column)) violations.push(`column ${issue.column}`);
    if (issue.column !== undefined && issue.line === undefined) violations.push('a column without a line');
  }
  return { violations, result };
}

it(`reading mutated YAML never throws, never hangs, and answers with Weft's own issues (seed ${SEED_TEXT})`, () => {
  const seeds = corpus();
  expect(seeds.length).toBeGreaterThan(5);
  const failures: string[] = [];
  const codes = new Map<string, number>();
  let valid = 0;
  const indexes = ONLY_CASE === undefined ? Array.from({ length: COUNT }, (_, i) => i) : [ONLY_CASE];
  for (const index of indexes) {
    const rand = new Rand(caseSeed(SEED, index));
    let text = rand.pick(seeds);
    const mutations = 1 + rand.int(4);
    for (let m = 0; m < mutations; m++) text = rand.pick(MUTATIONS)(text, rand);
    for (const format of ['yaml', 'detect'] as const) {
      const { violations, result } = check(text, format);
      if (process.env['WEFT_FUZZ_DUMP'] !== undefined && index === ONLY_CASE)
        writeFileSync(process.env['WEFT_FUZZ_DUMP'], text);
      if (violations.length > 0 && failures.length < 10) {
        failures.push(
          `case ${index} (${format}): ${violations.join('; ')}\n    text: ${JSON.stringify(text.slice(0, 300))}`,
        );
      }
      if (result?.ok) valid++;
      for (const issue of result?.issues ?? []) codes.set(issue.code, (codes.get(issue.code) ?? 0) + 1);
    }
  }
  console.log(
    `YAML fuzzing, seed ${SEED_TEXT}: ${indexes.length} cases, ${valid} reads valid, the slowest ${Math.round(slowest)} ms; issue codes: ${[
      ...codes,
    ]
      .sort((a, b) => b[1] - a[1])
      .map(([code, n]) => `${code} ${n}`)
      .join(', ')}`,
  );
  expect(failures).toEqual([]);
  if (ONLY_CASE === undefined) expect(codes.get('WEFT_INVALID_YAML')).toBeGreaterThan(0);
});
