/** Reading documents and JSON arguments from files and flags, with errors that name the file. */
import { readFileSync } from 'node:fs';
import type { WeftDocument } from '../dsl/schema';
import { parseDocumentText, validateDocument } from '../dsl/validate';
import { WeftUsageError } from '../errors';
import { formatFileIssue, formatFileIssues, type FileIssue } from './file-issues';
import { parseYamlText } from './yaml-text';

/** `document` is the data as written; `checked` the document as the DSL reads it (defaults filled in). */
export type DocumentFile =
  { ok: true; document: unknown; checked: WeftDocument; issues: [] } | { ok: false; issues: FileIssue[] };

/** How a document's text is read: by its file's extension, or (standard input) JSON first, then YAML. */
export type DocumentFormat = 'json' | 'yaml' | 'detect';

export function isYamlPath(path: string): boolean {
  return /\.ya?ml$/i.test(path);
}

export function readText(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new WeftUsageError(
      code === 'ENOENT' ? `There is no file "${path}".` : `Cannot read "${path}": ${(err as Error).message}`,
      { cause: err },
    );
  }
}

/** Parses and validates a document file; the raw data is kept so the workflow receives what was written. */
export function readDocumentFile(path: string): DocumentFile {
  return parseDocumentSource(readText(path), path, isYamlPath(path) ? 'yaml' : 'json');
}

/** Document text from anywhere (`name` is how messages call it: a file name, or `<stdin>`). */
export function parseDocumentSource(text: string, name: string, format: DocumentFormat): DocumentFile {
  if (format === 'yaml') return parseYamlDocument(text, name);
  const parsed = parseDocumentText(text, name);
  if (!parsed.ok) {
    const [first] = parsed.issues;
    // JSON is YAML too (nearly), so text that is not JSON is read as YAML; a text that starts like JSON and
    // fails as both is more likely broken JSON, and JSON's complaint says more about it.
    if (format === 'detect' && parsed.issues.length === 1 && first?.code === 'WEFT_INVALID_JSON') {
      const yaml = parseYamlDocument(text, name);
      const looksLikeJson = /^\uFEFF?\s*[[{]/.test(text);
      return yaml.ok || !looksLikeJson || yaml.issues[0]?.code !== 'WEFT_INVALID_YAML' ? yaml : parsed;
    }
    return { ok: false, issues: parsed.issues };
  }
  return { ok: true, document: parsed.value, checked: parsed.document, issues: [] };
}

/** A YAML document validated as its JSON would be, each issue with the line of the value it is about. */
function parseYamlDocument(text: string, name: string): DocumentFile {
  const yaml = parseYamlText(text);
  // Blank or only comments: the same issue an empty JSON file gets.
  if (yaml.ok && yaml.empty) {
    const empty = parseDocumentText('', name);
    return { ok: false, issues: empty.ok ? [] : empty.issues };
  }
  if (!yaml.ok) return { ok: false, issues: [yaml.issue] };
  const result = validateDocument(yaml.value);
  if (result.ok) return { ok: true, document: yaml.value, checked: result.document, issues: [] };
  const issues = result.issues.map((issue): FileIssue => {
    const line = issue.path.length === 0 ? undefined : yaml.lineOf(issue.path);
    return line === undefined ? issue : { ...issue, line };
  });
  return { ok: false, issues };
}

export function loadDocumentOrThrow(path: string): unknown {
  return loadValidFile(path).document;
}

/** For commands that read a document rather than hand it to a run (`weft graph`). */
export function loadCheckedDocumentOrThrow(path: string): WeftDocument {
  return loadValidFile(path).checked;
}

function loadValidFile(path: string): Extract<DocumentFile, { ok: true }> {
  const file = readDocumentFile(path);
  if (!file.ok)
    throw new WeftUsageError(`${path} is not a valid Weft document:\n${formatFileIssues(file.issues, path)}`);
  return file;
}

/** `--input '{"a":1}'`, `--input @file.json` or `--input @file.yaml`. */
export function parseJsonArgument(value: string, flag: string): unknown {
  if (value.startsWith('@') && isYamlPath(value)) return parseYamlArgument(value.slice(1), flag);
  const text = value.startsWith('@') ? readText(value.slice(1)) : value;
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new WeftUsageError(
      `${flag} is not valid JSON (${(err as Error).message}); pass a JSON value or @file.json.`,
      {
        cause: err,
      },
    );
  }
}

function parseYamlArgument(path: string, flag: string): unknown {
  const text = readText(path);
  const yaml = parseYamlText(text);
  if (!yaml.ok) throw new WeftUsageError(`${flag} @${path} is not valid YAML: ${formatFileIssue(yaml.issue, path)}.`);
  if (yaml.empty) throw new WeftUsageError(`${flag} @${path} is empty; write a YAML value in it.`);
  return yaml.value;
}

export function parseInputObject(value: string | undefined): Record<string, unknown> | undefined {
  if (value === undefined) return undefined;
  const input = parseJsonArgument(value, '--input');
  if (!input || typeof input !== 'object' || Array.isArray(input)) {
    throw new WeftUsageError('--input must be a JSON object, e.g. --input \'{"day": "2026-11-20"}\'.');
  }
  return input as Record<string, unknown>;
}
