/**
 * zod issues -> WeftIssues: same paths, Weft codes, and messages written for someone editing the document
 * ("missing required field", "unknown field ...; did you mean ...") rather than zod's generic wording.
 */
import type { z } from 'zod';
import { quoteText, type IssuePath, type WeftIssue, type WeftIssueCode } from './issues';
import { isPlainObject } from './json';
import { DSL_VERSION, KNOWN_FIELDS, NODE_FIELDS, NODE_TYPES } from './schema';
import { didYouMean } from './suggest';

type ZodIssue = z.core.$ZodIssue;

/** `1.5`, `"abc"`, `an array`, `an object`, `null`: what the document actually holds. */
export function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (Array.isArray(value)) return 'an array';
  if (value !== null && typeof value === 'object') return 'an object';
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 37)}...` : value);
  if (typeof value === 'number' || typeof value === 'boolean' || value === null) return String(value);
  return `a ${typeof value}`;
}

const EXPECTED: Readonly<Record<string, string>> = {
  int: 'an integer',
  number: 'a number',
  string: 'a string',
  boolean: 'true or false',
  object: 'an object',
  record: 'an object',
  array: 'an array',
};

function oneOf(values: readonly unknown[]): string {
  const quoted = values.map((v) => JSON.stringify(v));
  return quoted.length === 1 ? quoted[0]! : `one of ${quoted.join(', ')}`;
}

function valueAt(root: unknown, path: IssuePath): unknown {
  let current = root;
  for (const key of path) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string | number, unknown>)[key];
  }
  return current;
}

/** A node's type as written, for hints; unknown types read as activity (the default). */
function nodeTypeAt(root: unknown, path: IssuePath): (typeof NODE_TYPES)[number] | undefined {
  if (path.length !== 2 || path[0] !== 'nodes' || typeof path[1] !== 'number') return undefined;
  const node = valueAt(root, path);
  if (!isPlainObject(node)) return undefined;
  const type = node['type'] ?? 'activity';
  return (NODE_TYPES as readonly unknown[]).includes(type) ? (type as (typeof NODE_TYPES)[number]) : undefined;
}

function unknownField(key: string, path: IssuePath, root: unknown): string {
  const type = nodeTypeAt(root, path);
  if (type !== undefined) {
    const owner = NODE_TYPES.find((other) => other !== type && NODE_FIELDS[other].includes(key));
    if (owner !== undefined && !NODE_FIELDS[type].includes(key)) {
      return `unknown field ${quoteText(key)} for ${type} nodes; ${quoteText(key)} belongs to ${owner} nodes (set "type": "${owner}")`;
    }
  }
  // Quoted as JSON: a key can hold quotes, line breaks or a megabyte of text.
  return `unknown field ${quoteText(key)}${didYouMean(key, KNOWN_FIELDS)}`;
}

function issue(code: WeftIssueCode, path: IssuePath, message: string): WeftIssue {
  return { code, path, message };
}

function missingField(path: IssuePath): WeftIssue {
  const field = String(path[path.length - 1]);
  const hint = path.length === 1 && field === 'dsl' ? `; add "dsl": "${DSL_VERSION}"` : '';
  return issue('WEFT_SCHEMA', path, `missing required field "${field}"${hint}`);
}

function convert(zodIssue: ZodIssue, root: unknown): WeftIssue[] {
  // Issue paths hold strings and numbers; zod's records (Reflect.ownKeys) can put a TypeScript caller's symbol key in one.
  const path = zodIssue.path.map((key) => (typeof key === 'symbol' ? String(key) : key));
  const input = valueAt(root, path);
  switch (zodIssue.code) {
    case 'unrecognized_keys':
      return zodIssue.keys.map((key) => issue('WEFT_UNKNOWN_FIELD', [...path, key], unknownField(key, path, root)));
    case 'custom': {
      const code = (zodIssue.params as { weftCode?: WeftIssueCode } | undefined)?.weftCode ?? 'WEFT_SCHEMA';
      return [issue(code, path, zodIssue.message)];
    }
    case 'invalid_type': {
      if (input === undefined && typeof path[path.length - 1] === 'string') return [missingField(path)];
      const expected = EXPECTED[zodIssue.expected] ?? zodIssue.expected;
      return [issue('WEFT_SCHEMA', path, `expected ${expected}, got ${describeValue(input)}`)];
    }
    case 'invalid_value': {
      if (input === undefined && typeof path[path.length - 1] === 'string') return [missingField(path)];
      if (path.length === 1 && path[0] === 'dsl') {
        return [
          issue(
            'WEFT_SCHEMA',
            path,
            `must be "${DSL_VERSION}", got ${describeValue(input)}; this version of Weft reads ${DSL_VERSION} documents`,
          ),
        ];
      }
      const strings = zodIssue.values.filter((v): v is string => typeof v === 'string');
      const hint = typeof input === 'string' ? didYouMean(input, strings) : '';
      return [issue('WEFT_SCHEMA', path, `must be ${oneOf(zodIssue.values)}, got ${describeValue(input)}${hint}`)];
    }
    case 'too_small':
    case 'too_big': {
      const bound = Number(zodIssue.code === 'too_small' ? zodIssue.minimum : zodIssue.maximum);
      const small = zodIssue.code === 'too_small';
      if (zodIssue.origin === 'array') {
        const what = path.length === 1 && path[0] === 'nodes' ? 'node' : 'item';
        return [
          issue(
            'WEFT_SCHEMA',
            path,
            `must have at ${small ? 'least' : 'most'} ${bound} ${what}${bound === 1 ? '' : 's'}`,
          ),
        ];
      }
      if (zodIssue.origin === 'string') {
        const message =
          small && bound === 1
            ? 'must not be empty'
            : `must be at ${small ? 'least' : 'most'} ${bound} characters long`;
        return [issue('WEFT_SCHEMA', path, message)];
      }
      const op = small ? (zodIssue.inclusive ? '>=' : '>') : zodIssue.inclusive ? '<=' : '<';
      return [issue('WEFT_SCHEMA', path, `must be ${op} ${bound}, got ${describeValue(input)}`)];
    }
    case 'invalid_format':
      return [issue('WEFT_SCHEMA', path, `${zodIssue.message}; got ${describeValue(input)}`)];
    case 'invalid_union': {
      if ((zodIssue as { note?: string }).note === 'No matching discriminator') {
        const types = NODE_TYPES.map((t) => `"${t}"`).join(', ');
        const written = describeValue(valueAt(root, path));
        return [
          issue(
            'WEFT_SCHEMA',
            path,
            `unknown node type ${written}; use one of ${types} (nodes without "type" are activities)`,
          ),
        ];
      }
      return [issue('WEFT_SCHEMA', path, zodIssue.message)];
    }
    default:
      return [issue('WEFT_SCHEMA', path, zodIssue.message)];
  }
}

/** `root` is the document as given, used for hints (a node's type, the value at a path). */
export function schemaIssues(issues: readonly ZodIssue[], root: unknown): WeftIssue[] {
  return issues.flatMap((zodIssue) => convert(zodIssue, root));
}
