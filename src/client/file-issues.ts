/**
 * The issues of a document file: the validator's (src/dsl), plus what only reading a file can find (it cannot be
 * read, its YAML does not parse), with the line of the offending value when the file is YAML.
 */
import { formatPath, type IssuePath, type WeftIssueCode } from '../dsl/issues';

/** WeftIssueCode's codes, and two that only files have. Stable, like those. */
export type FileIssueCode = WeftIssueCode | 'WEFT_INVALID_YAML' | 'WEFT_UNREADABLE_FILE';

export interface FileIssue {
  readonly code: FileIssueCode;
  readonly path: IssuePath;
  readonly message: string;
  /** The line of the value at `path` (YAML files). */
  readonly line?: number;
  /** With `line`: where in the text the reading stopped, for a text that does not parse. */
  readonly column?: number;
}

/** `file.yaml:3:5: message` for the text, `nodes[1].dependsOn[0] (line 9): message` for a value, else as in JSON. */
export function formatFileIssue(issue: FileIssue, file: string): string {
  if (issue.line !== undefined && issue.column !== undefined)
    return `${file}:${issue.line}:${issue.column}: ${issue.message}`;
  if (issue.line !== undefined) return `${formatPath(issue.path)} (line ${issue.line}): ${issue.message}`;
  return `${formatPath(issue.path)}: ${issue.message}`; // formatIssue's line, for a code it does not know
}

export function formatFileIssues(issues: readonly FileIssue[], file: string): string {
  return issues.map((issue) => formatFileIssue(issue, file)).join('\n');
}
