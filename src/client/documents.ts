/** Reading documents and JSON arguments from files and flags, with errors that name the file. */
import { readFileSync } from 'node:fs';
import { formatIssues, type WeftIssue } from '../dsl/issues';
import type { WeftDocument } from '../dsl/schema';
import { parseDocumentText } from '../dsl/validate';
import { WeftUsageError } from '../errors';

/** `document` is the JSON as written; `checked` the document as the DSL reads it (defaults filled in). */
export type DocumentFile =
  { ok: true; document: unknown; checked: WeftDocument; issues: [] } | { ok: false; issues: WeftIssue[] };

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

/** Parses and validates a document file; the raw JSON is kept so the workflow receives what was written. */
export function readDocumentFile(path: string): DocumentFile {
  const parsed = parseDocumentText(readText(path), path);
  if (!parsed.ok) return { ok: false, issues: parsed.issues };
  return { ok: true, document: parsed.value, checked: parsed.document, issues: [] };
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
  if (!file.ok) throw new WeftUsageError(`${path} is not a valid Weft document:\n${formatIssues(file.issues)}`);
  return file;
}

/** `--input '{"a":1}'` or `--input @file.json`. */
export function parseJsonArgument(value: string, flag: string): unknown {
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

export function parseInputObject(value: string | undefined): Record<string, unknown> | undefined {
  if (value === undefined) return undefined;
  const input = parseJsonArgument(value, '--input');
  if (!input || typeof input !== 'object' || Array.isArray(input)) {
    throw new WeftUsageError('--input must be a JSON object, e.g. --input \'{"day": "2026-11-20"}\'.');
  }
  return input as Record<string, unknown>;
}
