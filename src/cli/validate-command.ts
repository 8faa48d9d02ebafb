/** `weft validate`: documents checked without a server, every problem printed at its path. */
import type { Command } from 'commander';
import { formatPath } from '../dsl/issues';
import { WeftExit, WeftUsageError } from '../errors';
import { parseDocumentSource, readDocumentFile } from '../client/documents';
import { formatFileIssue, type FileIssue } from '../client/file-issues';
import type { Output } from './output';

/** The argument that names standard input, and the name its issues carry. */
const STDIN_ARGUMENT = '-';
export const STDIN_NAME = '<stdin>';

/** One issue as `--json` prints it: the path as the text output writes it; `line` and `column` for YAML. */
export interface ValidateJsonIssue {
  file: string;
  path: string;
  code: string;
  message: string;
  line?: number;
  column?: number;
}

interface CheckedFile {
  readonly name: string;
  readonly issues: readonly FileIssue[];
}

async function readStandardInput(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
  return Buffer.concat(chunks).toString('utf8');
}

/** A reading failure's sentence as an issue's message (lower case, no final stop), for `--json`. */
function unreadable(err: WeftUsageError): FileIssue {
  const message = err.message.replace(/\.$/, '');
  return { code: 'WEFT_UNREADABLE_FILE', path: [], message: message.charAt(0).toLowerCase() + message.slice(1) };
}

/**
 * Each argument's issues, standard input read once however often `-` is given. A file that cannot be read
 * stops the command with its sentence, unless `keepGoing` (`--json`), where it is that file's issue.
 */
async function checkAll(files: readonly string[], keepGoing: boolean): Promise<CheckedFile[]> {
  let stdin: string | undefined;
  const checked: CheckedFile[] = [];
  for (const file of files) {
    if (file === STDIN_ARGUMENT) {
      stdin ??= await readStandardInput();
      checked.push({ name: STDIN_NAME, issues: parseDocumentSource(stdin, STDIN_NAME, 'detect').issues });
      continue;
    }
    try {
      checked.push({ name: file, issues: readDocumentFile(file).issues }); // parses and validates
    } catch (err) {
      if (!keepGoing || !(err instanceof WeftUsageError)) throw err;
      checked.push({ name: file, issues: [unreadable(err)] });
    }
  }
  return checked;
}

export function toJsonIssues(checked: readonly CheckedFile[]): ValidateJsonIssue[] {
  return checked.flatMap(({ name, issues }) =>
    issues.map(({ code, path, message, line, column }) => ({
      file: name,
      path: formatPath(path),
      code,
      message,
      ...(line === undefined ? {} : { line }),
      ...(column === undefined ? {} : { column }),
    })),
  );
}

function printText(checked: readonly CheckedFile[], io: Output): void {
  for (const { name, issues } of checked) {
    if (checked.length > 1) io.out(issues.length ? `${name}:` : `${name}: valid`);
    for (const issue of issues) io.out(formatFileIssue(issue, name));
    if (checked.length === 1 && issues.length === 0) io.out(`${name}: valid`);
  }
}

/** Prints every file's issues (as text, or as one JSON array); true if every document is valid. */
export async function validateFiles(files: string[], io: Output, options: { json?: boolean } = {}): Promise<boolean> {
  const checked = await checkAll(files, Boolean(options.json));
  if (options.json) io.out(JSON.stringify(toJsonIssues(checked), null, 2));
  else printText(checked, io);
  const invalid = checked.filter(({ issues }) => issues.length > 0).length;
  if (files.length > 1 && invalid) io.err(`weft: ${invalid} of ${files.length} documents are invalid.`);
  return invalid === 0;
}

export function registerValidateCommand(program: Command, io: Output): void {
  program
    .command('validate')
    .description('check DAG documents (JSON or YAML); prints every problem as <json-path>: <message>')
    .argument('<file...>', 'document files; - reads one from standard input')
    .option('--json', 'print the issues as one JSON array of { file, path, code, message } ([] when all are valid)')
    .addHelpText(
      'after',
      '\nExamples:\n  weft validate examples/*.json examples/*.yaml\n  cat dag.yaml | weft validate - --json',
    )
    .action(async (files: string[], flags: { json?: boolean }) => {
      if (!(await validateFiles(files, io, flags))) throw new WeftExit(2, 'invalid document');
    });
}
