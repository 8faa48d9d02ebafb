/**
 * YAML text -> the same plain data a JSON document is, with the line of every value kept so an issue at a JSON
 * path can name its line. YAML stays out of src/dsl (which holds only pure, dependency-light modules): the
 * client reads files, so the client reads their formats.
 *
 * A Weft document is data, so the YAML is read strictly: YAML 1.2's core schema and no other tags (`!!js/function`,
 * `!!binary` or a local `!tag` would each mean something JSON cannot say), unique keys, scalar keys only, one
 * document per file, no alias that contains itself, and aliases that cannot expand the text beyond a bound.
 */
import {
  Composer,
  type CST,
  isAlias,
  isMap,
  isScalar,
  isSeq,
  LineCounter,
  Parser,
  visit,
  type Document,
  type DocumentOptions,
  type ParseOptions,
  type SchemaOptions,
  type Node as YamlNode,
  type YAMLError,
} from 'yaml';
import { quoteText, type IssuePath } from '../dsl/issues';

/** A refusal of the text itself, at a line and column (both from 1). */
export interface YamlSyntaxIssue {
  readonly code: 'WEFT_INVALID_YAML';
  readonly path: IssuePath;
  readonly message: string;
  readonly line: number;
  readonly column: number;
}

export type YamlTextResult =
  | { readonly ok: true; readonly empty: false; readonly value: unknown; lineOf(path: IssuePath): number | undefined }
  | { readonly ok: true; readonly empty: true }
  | { readonly ok: false; readonly issue: YamlSyntaxIssue };

/**
 * How far aliases may multiply the text (yaml's own measure: an alias to a node of n values counts n). yaml's
 * default; a "billion laughs" of nested aliases passes it within a few levels.
 */
const MAX_ALIAS_COUNT = 100;

const OPTIONS: ParseOptions & DocumentOptions & SchemaOptions = {
  schema: 'core',
  version: '1.2',
  // yaml resolves !!binary, !!set, !!timestamp... even outside their schema unless told not to.
  resolveKnownTags: false,
  customTags: [],
  uniqueKeys: true,
  stringKeys: true,
  prettyErrors: false,
  // yaml would otherwise console.warn on its own; every warning is an issue here.
  logLevel: 'silent',
};

/**
 * How deep collections may nest. yaml's composer recurses per level and, past the stack, catches the overflow at
 * each level and goes on, which can take seconds; a document nests a few dozen levels at most.
 */
const MAX_NESTING = 256;
const TOO_DEEP = `the YAML nests lists and mappings more than ${MAX_NESTING} levels deep`;
const COLLECTIONS = new Set(['block-map', 'block-seq', 'flow-collection']);

const CORE_TAGS = '!!str, !!int, !!float, !!bool, !!null, !!map and !!seq';

/** `tag:yaml.org,2002:js/function` -> `!!js/function`, as it was written. */
function shortTag(tag: string): string {
  return tag.startsWith('tag:yaml.org,2002:') ? `!!${tag.slice('tag:yaml.org,2002:'.length)}` : tag;
}

/** yaml's complaint as one sentence in the voice of Weft's issues (lower case, no final stop). */
function sentence(error: YAMLError, text: string, document: Document.Parsed): string {
  const written = text.slice(error.pos[0], error.pos[1]);
  switch (error.code) {
    case 'DUPLICATE_KEY': {
      const key = keyAt(document, error.pos[0]);
      return `the key ${key === undefined ? '' : `${quoteText(key)} `}appears twice in one mapping; give each key once`;
    }
    case 'MISSING_CHAR': {
      const quote = /^Missing closing (["'])quote/.exec(error.message)?.[1];
      if (quote !== undefined) return `a quoted text is not closed: its closing ${quote} is missing`;
      break;
    }
    case 'TAG_RESOLVE_FAILED': {
      const tag = /^Unresolved tag: (.*)$/.exec(error.message)?.[1] ?? written;
      return `the tag ${quoteText(shortTag(tag))} is refused: a Weft document is plain data, so only YAML's core tags (${CORE_TAGS}) are allowed`;
    }
    case 'NON_STRING_KEY':
      return 'a mapping key is a list or a mapping; keys must be plain text, as in JSON';
    case 'RESOURCE_EXHAUSTION':
      return TOO_DEEP;
  }
  const message = error.message.split('\n')[0]!.replace(/\.$/, '');
  return message.charAt(0).toLowerCase() + message.slice(1);
}

/** The text of the mapping key that starts at `offset`. */
function keyAt(document: Document.Parsed, offset: number): string | undefined {
  let key: string | undefined;
  visit(document, {
    Pair(_key, pair) {
      if (!isScalar(pair.key) || pair.key.range?.[0] !== offset) return undefined;
      key = String(pair.key.value);
      return visit.BREAK;
    },
  });
  return key;
}

function issueAt(offset: number, lines: LineCounter, message: string): YamlSyntaxIssue {
  const { line, col } = lines.linePos(offset);
  return { code: 'WEFT_INVALID_YAML', path: [], message, line, column: col };
}

/** What the text means that JSON cannot hold: aliases to no anchor or to a value containing them. */
function aliasIssue(document: Document.Parsed, lines: LineCounter): YamlSyntaxIssue | undefined {
  let found: YamlSyntaxIssue | undefined;
  visit(document, {
    Alias(_key, alias, ancestors) {
      const target = alias.resolve(document);
      const at = alias.range?.[0] ?? 0;
      if (target === undefined) {
        found = issueAt(at, lines, `the alias *${alias.source} names no anchor (&${alias.source}) set before it`);
      } else if (ancestors.includes(target as never)) {
        found = issueAt(at, lines, `the alias *${alias.source} is inside the value it names; JSON cannot hold a cycle`);
      }
      return found === undefined ? undefined : visit.BREAK;
    },
  });
  return found;
}

/** The first number JSON cannot write (YAML's .inf and .nan), with its path; a loop, as the data may be deep. */
function nonFinitePath(value: unknown): IssuePath | undefined {
  const pending: [unknown, IssuePath][] = [[value, []]];
  while (pending.length > 0) {
    const [item, path] = pending.pop()!;
    if (typeof item === 'number' && !Number.isFinite(item)) return path;
    if (item === null || typeof item !== 'object') continue;
    const entries = Array.isArray(item) ? item.entries() : Object.entries(item);
    for (const [key, child] of [...entries].reverse()) pending.push([child, [...path, key]]);
  }
  return undefined;
}

/**
 * The node at `path`, or the deepest one on the way to it (a missing field: its object). A path ending at a key of
 * a mapping gives that key's node, whose line is the one a person looks for.
 */
function nodeAt(document: Document.Parsed, path: IssuePath): YamlNode | undefined {
  let node: unknown = document.contents;
  let found: YamlNode | undefined;
  for (const [depth, segment] of path.entries()) {
    if (isAlias(node)) node = node.resolve(document);
    if (isMap(node)) {
      const pair = node.items.find((item) => isScalar(item.key) && String(item.key.value) === String(segment));
      if (pair === undefined) break;
      found = (depth === path.length - 1 ? pair.key : pair.value) as YamlNode | undefined;
      node = pair.value;
    } else if (isSeq(node) && typeof segment === 'number') {
      node = node.items[segment];
      if (node === undefined) break;
      found = node as YamlNode;
    } else break;
  }
  return found;
}

/** Where the parsed text first nests deeper than MAX_NESTING, if it does (a loop: the tokens may be deep). */
function deepestOffset(tokens: readonly CST.Token[]): number | undefined {
  const pending: [unknown, number][] = tokens.map((token) => [token, 0]);
  while (pending.length > 0) {
    const [item, depth] = pending.pop()!;
    if (item === null || typeof item !== 'object') continue;
    const type = (item as { type?: unknown }).type;
    const level = typeof type === 'string' && COLLECTIONS.has(type) ? depth + 1 : depth;
    if (level > MAX_NESTING) return (item as { offset?: number }).offset ?? 0;
    for (const child of Object.values(item))
      if (child !== null && typeof child === 'object') pending.push([child, level]);
  }
  return undefined;
}

/**
 * Parses YAML text the way JSON.parse parses JSON: to plain data, or to one issue at a line and column. A
 * byte-order mark that editors leave at the start is not part of the text.
 */
export function parseYamlText(source: string): YamlTextResult {
  const text = source.charCodeAt(0) === 0xfeff ? source.slice(1) : source;
  const lines = new LineCounter();
  // parseAllDocuments in its two steps, to measure the nesting between them.
  const tokens = Array.from(new Parser(lines.addNewLine).parse(text));
  const deep = deepestOffset(tokens);
  if (deep !== undefined) return { ok: false, issue: issueAt(deep, lines, TOO_DEEP) };
  let documents: Document.Parsed[];
  try {
    documents = Array.from(new Composer(OPTIONS).compose(tokens)) as Document.Parsed[];
  } catch (err) {
    if (err instanceof RangeError) return { ok: false, issue: issueAt(0, lines, TOO_DEEP) };
    throw err;
  }
  if (documents.length === 0) return { ok: true, empty: true };
  const [document] = documents as [Document.Parsed];
  const problem = document.errors[0] ?? document.warnings[0];
  if (problem !== undefined)
    return { ok: false, issue: issueAt(problem.pos[0], lines, sentence(problem, text, document)) };
  if (documents.length > 1) {
    const second = documents[1]!.range[0];
    const message = 'the file holds more than one YAML document (a second "---"); put one Weft document in a file';
    return { ok: false, issue: issueAt(second, lines, message) };
  }
  if (document.contents === null) return { ok: true, empty: true };
  const alias = aliasIssue(document, lines);
  if (alias !== undefined) return { ok: false, issue: alias };
  let value: unknown;
  try {
    value = document.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (err) {
    if (!(err instanceof ReferenceError || err instanceof RangeError)) throw err;
    const message =
      err instanceof RangeError
        ? TOO_DEEP
        : 'its aliases expand to far more data than the text holds; write the values out, or use fewer aliases';
    return { ok: false, issue: issueAt(0, lines, message) };
  }
  const lineOf = (path: IssuePath): number | undefined => {
    const offset = nodeAt(document, path)?.range?.[0];
    return offset === undefined ? undefined : lines.linePos(offset).line;
  };
  const infinite = nonFinitePath(value);
  if (infinite !== undefined) {
    const offset = nodeAt(document, infinite)?.range?.[0] ?? 0;
    const message = 'infinity and NaN are not JSON numbers; write a finite number, or quote the value as text';
    return { ok: false, issue: { ...issueAt(offset, lines, message), path: infinite } };
  }
  return { ok: true, empty: false, value, lineOf };
}
