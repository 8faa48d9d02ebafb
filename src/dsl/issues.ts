/**
 * Validation problems as data. Every check in src/dsl reports a WeftIssue (a stable code, the path of the
 * offending value inside the document, and one sentence saying what is wrong and, where it helps, how to fix it);
 * `formatIssue` is the only place that turns one into text, so the CLI, errors and tests all print the same line.
 */

/**
 * Stable codes: scripts and tests match on these, never on message text. Add new codes; do not rename old ones.
 */
export const WEFT_ISSUE_CODES = [
  /** The text is empty or whitespace only. */
  'WEFT_EMPTY_DOCUMENT',
  /** The text is not JSON. */
  'WEFT_INVALID_JSON',
  /** A value has the wrong type or shape (the catch-all for schema problems without a more specific code). */
  'WEFT_SCHEMA',
  /** An object has a field the DSL does not define (usually a typo). */
  'WEFT_UNKNOWN_FIELD',
  /** Two nodes share an id. */
  'WEFT_DUPLICATE_ID',
  /** `dependsOn` or an expression names a node that does not exist. */
  'WEFT_UNKNOWN_NODE',
  /** A node lists itself in `dependsOn`. */
  'WEFT_SELF_DEPENDENCY',
  /** A node lists the same upstream node twice. */
  'WEFT_DUPLICATE_DEPENDENCY',
  /** The dependencies form a cycle, so the graph is not a DAG. */
  'WEFT_CYCLE',
  /** A duration is not a positive Temporal duration ("30s", "5m", "1 hour", or milliseconds). */
  'WEFT_BAD_DURATION',
  /** A retry policy Temporal would refuse (maxAttempts < 1, backoffCoefficient < 1, maximumInterval < initialInterval). */
  'WEFT_BAD_RETRY',
  /** A trigger rule that can never hold, e.g. `oneSuccess` on a node without upstream nodes. */
  'WEFT_BAD_TRIGGER',
  /** An expression that does not parse, uses a forbidden feature, or reads `nodes` dynamically. */
  'WEFT_BAD_EXPRESSION',
  /** An expression reads a node that is not upstream of the node it belongs to. */
  'WEFT_NOT_UPSTREAM',
  /** More issues than one list shows (MAX_ISSUES): this last one says how many were left out. */
  'WEFT_TOO_MANY_ISSUES',
  /** The document is larger than one run can hold (nodes, or expressions to parse inside a workflow task). */
  'WEFT_TOO_LARGE',
] as const;

/**
 * The most issues one validation lists. A broken generator can produce a document with a problem in each of
 * 100,000 nodes; a person reads the first ones, and a list that long would itself be a payload too large.
 */
export const MAX_ISSUES = 100;

/** The first MAX_ISSUES issues, then one saying how many more there were (`uncounted`: found but not kept). */
export function capIssues(issues: readonly WeftIssue[], uncounted = 0): WeftIssue[] {
  if (issues.length <= MAX_ISSUES && uncounted === 0) return issues.map(clipIssue);
  const more = Math.max(0, issues.length - MAX_ISSUES) + uncounted;
  return [
    ...issues.slice(0, MAX_ISSUES).map(clipIssue),
    {
      code: 'WEFT_TOO_MANY_ISSUES',
      path: [],
      message: `${more.toLocaleString('en-US')} more issue${more === 1 ? '' : 's'} not listed; fix the ones above and validate again`,
    },
  ];
}

export type WeftIssueCode = (typeof WEFT_ISSUE_CODES)[number];

/** A path into the document: object keys and array indexes, outermost first; `[]` is the document itself. */
export type IssuePath = readonly (string | number)[];

export interface WeftIssue {
  readonly code: WeftIssueCode;
  readonly path: IssuePath;
  readonly message: string;
}

/** How the empty path (the whole document) is printed. */
export const DOCUMENT_PATH_LABEL = '(document)';

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/**
 * `['nodes', 2, 'dependsOn', 0]` -> `nodes[2].dependsOn[0]`; `[]` -> `(document)`.
 * Keys that are not identifiers are quoted (`input["my-key"]`) so the printed path is unambiguous.
 */
export function formatPath(path: IssuePath): string {
  if (path.length === 0) return DOCUMENT_PATH_LABEL;
  let out = '';
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else if (IDENTIFIER.test(segment) && segment.length <= MAX_QUOTED_CHARS)
      out += out === '' ? segment : `.${segment}`;
    else out += `[${quoteText(segment)}]`;
  }
  return out;
}

/** How much of a user's text an issue quotes: enough to recognise it, never megabytes of it. */
export const MAX_QUOTED_CHARS = 60;
/** The longest issue message; longer ones (built from long values) are cut. */
export const MAX_MESSAGE_CHARS = 500;

/** `"text"` as JSON, cut to MAX_QUOTED_CHARS with "..." when longer. */
export function quoteText(text: string): string {
  return JSON.stringify(text.length > MAX_QUOTED_CHARS ? `${text.slice(0, MAX_QUOTED_CHARS - 3)}...` : text);
}

/**
 * The issue on one line (line breaks written as `\n`) with its message cut to MAX_MESSAGE_CHARS: the last line of
 * defence against quoting huge or multi-line input, since `formatIssues` prints one issue per line.
 */
export function clipIssue(issue: WeftIssue): WeftIssue {
  const flat = /[\r\n]/.test(issue.message) ? issue.message.replace(/\r/g, '\\r').replace(/\n/g, '\\n') : issue.message;
  if (flat.length <= MAX_MESSAGE_CHARS) return flat === issue.message ? issue : { ...issue, message: flat };
  return { ...issue, message: `${flat.slice(0, MAX_MESSAGE_CHARS - 3)}...` };
}

export interface FormatIssueOptions {
  /** Append the stable code, e.g. `... (WEFT_UNKNOWN_NODE)`; useful in logs that people grep. */
  readonly withCode?: boolean;
}

/** `nodes[2].dependsOn[0]: unknown node "x"` */
export function formatIssue(issue: WeftIssue, options: FormatIssueOptions = {}): string {
  const line = `${formatPath(issue.path)}: ${issue.message}`;
  return options.withCode ? `${line} (${issue.code})` : line;
}

/** One issue per line, in the order given. */
export function formatIssues(issues: readonly WeftIssue[], options: FormatIssueOptions = {}): string {
  return issues.map((issue) => formatIssue(issue, options)).join('\n');
}

/** Thrown by the `assert*` helpers; carries the issues so callers can print or serialise them. */
export class WeftValidationError extends Error {
  override readonly name = 'WeftValidationError';
  readonly issues: readonly WeftIssue[];

  /** `options.cause`: what carried the issues here, e.g. the failure of a run the workflow refused. */
  constructor(issues: readonly WeftIssue[], source?: string, options?: ErrorOptions) {
    const what = source === undefined ? 'invalid Weft document' : `invalid Weft document ${source}`;
    const count = issues.length === 1 ? '1 problem' : `${issues.length} problems`;
    super(
      `${what} (${count}):\n${formatIssues(issues)
        .split('\n')
        .map((line) => `  ${line}`)
        .join('\n')}`,
      options,
    );
    this.issues = issues;
  }
}
