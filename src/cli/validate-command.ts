/** `weft validate`: documents checked without a server, every problem printed at its path. */
import type { Command } from 'commander';
import { formatIssue } from '../dsl/issues';
import { WeftExit } from '../errors';
import { readDocumentFile } from '../client/documents';
import type { Output } from './output';

export function validateFiles(files: string[], io: Output): boolean {
  let invalid = 0;
  for (const file of files) {
    const { issues } = readDocumentFile(file); // parses and validates
    if (files.length > 1) io.out(issues.length ? `${file}:` : `${file}: valid`);
    for (const issue of issues) io.out(formatIssue(issue));
    if (issues.length) invalid += 1;
    else if (files.length === 1) io.out(`${file}: valid`);
  }
  if (files.length > 1 && invalid) io.err(`weft: ${invalid} of ${files.length} documents are invalid.`);
  return invalid === 0;
}

export function registerValidateCommand(program: Command, io: Output): void {
  program
    .command('validate')
    .description('check DAG documents; prints every problem as <json-path>: <message>')
    .argument('<file...>', 'document files')
    .addHelpText('after', '\nExample:\n  weft validate examples/*.json')
    .action((files: string[]) => {
      if (!validateFiles(files, io)) throw new WeftExit(2, 'invalid document');
    });
}
