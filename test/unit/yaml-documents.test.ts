/** YAML documents: the same data as JSON, issues with their line, and YAML's features that are not data refused. */
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  parseDocumentSource,
  parseJsonArgument,
  readDocumentFile,
  type DocumentFile,
} from '../../src/client/documents';
import { formatFileIssues } from '../../src/client/file-issues';
import { WeftUsageError } from '../../src/errors';
import { weft } from '../cli-harness';

const EXAMPLES = join(__dirname, '../../examples');

function lines(file: DocumentFile, name = 'dag.yaml'): string[] {
  return file.ok ? [] : formatFileIssues(file.issues, name).split('\n');
}

const yaml = (text: string): string[] => lines(parseDocumentSource(text, 'dag.yaml', 'yaml'));

const VALID_START = 'dsl: weft/v1\nname: t\nnodes:\n';

describe('YAML documents', () => {
  it('reads examples/etl-diamond.yaml as the very document examples/etl-diamond.json is', () => {
    const file = readDocumentFile(join(EXAMPLES, 'etl-diamond.yaml'));
    const { $schema, ...json } = JSON.parse(readFileSync(join(EXAMPLES, 'etl-diamond.json'), 'utf8'));
    expect($schema).toBeDefined();
    expect(file.ok && file.document).toEqual(json);
  });

  const examples = readdirSync(EXAMPLES).filter((file) => /\.ya?ml$/.test(file));
  it.each(examples)('accepts examples/%s', (file) => {
    expect(lines(readDocumentFile(join(EXAMPLES, file)), file)).toEqual([]);
  });

  it('points the YAML example at the JSON Schema for editors', () => {
    expect(readFileSync(join(EXAMPLES, 'etl-diamond.yaml'), 'utf8').split('\n')[0]).toBe(
      '# yaml-language-server: $schema=../schema/weft-v1.schema.json',
    );
  });

  it('names the path and the line of each issue', () => {
    const text = [
      'dsl: weft/v1',
      'name: t',
      '# a comment moves nothing but the lines',
      'nodes:',
      '  - id: a',
      '    activity: weft.echo',
      '  - id: b',
      '    activity: weft.echo',
      '    dependsOn:',
      '      - x',
      '    timeout: { startToClose: soon }',
      '    activty: typo',
    ].join('\n');
    expect(yaml(text)).toEqual([
      expect.stringMatching(/^nodes\[1\]\.timeout\.startToClose \(line 11\): .*"soon"/),
      'nodes[1].activty (line 12): unknown field "activty"; did you mean "activity"?',
      'nodes[1].dependsOn[0] (line 10): unknown node "x"',
    ]);
  });

  it('gives a missing field the line of the object that lacks it, and a document-wide issue no line', () => {
    expect(yaml(`${VALID_START}  - id: a\n    activity: weft.echo\n  - id: b\n`)).toEqual([
      'nodes[1].activity (line 6): missing required field "activity"',
    ]);
    expect(yaml('dsl: weft/v1\nnodes: []\n')).toEqual(['name: missing required field "name"', expect.any(String)]);
  });

  it('says where YAML that does not parse stopped, as file:line:column', () => {
    expect(yaml('dsl: weft/v1\nname: t\nnodes:\n  - id: a\n   activity: x\n')).toEqual([
      'dag.yaml:5:1: sequence item without - indicator',
    ]);
    expect(yaml('dsl: weft/v1\nname: "t\n')).toEqual([
      'dag.yaml:3:1: a quoted text is not closed: its closing " is missing',
    ]);
    expect(yaml('a:\n\t- b\n')).toEqual(['dag.yaml:2:1: tabs are not allowed as indentation']);
  });

  it('keeps the line and column apart in the issue, for --json', () => {
    const file = parseDocumentSource('a: [b\n', 'dag.yaml', 'yaml');
    expect(file.issues).toEqual([expect.objectContaining({ code: 'WEFT_INVALID_YAML', path: [], line: 2, column: 1 })]);
  });

  it('treats a blank file and one of only comments as the empty JSON file', () => {
    expect(yaml('')).toEqual(['(document): dag.yaml is empty']);
    expect(yaml('# nothing yet\n\n')).toEqual(['(document): dag.yaml is empty']);
  });

  it('reads JSON written in a .yaml file, and a BOM', () => {
    const json = '\uFEFF{"dsl": "weft/v1", "name": "t", "nodes": [{"id": "a", "activity": "weft.echo"}]}';
    expect(yaml(json)).toEqual([]);
  });

  it("reads YAML 1.2's core values only: yes, on and 0777 are not booleans or octal", () => {
    const file = parseDocumentSource(
      `${VALID_START}  - id: a\n    activity: weft.echo\n    input: { a: yes, b: on, c: 0777, d: 0o17, e: ~, f: 2026-11-20 }\n`,
      'dag.yaml',
      'yaml',
    );
    expect(file.ok && (file.document as { nodes: { input: unknown }[] }).nodes[0]!.input).toEqual({
      a: 'yes',
      b: 'on',
      c: 777,
      d: 15,
      e: null,
      f: '2026-11-20',
    });
  });
});

describe('YAML that is not plain data is refused with a sentence', () => {
  it('refuses a key given twice', () => {
    expect(yaml('dsl: weft/v1\nname: t\nname: u\nnodes: []\n')).toEqual([
      'dag.yaml:3:1: the key "name" appears twice in one mapping; give each key once',
    ]);
  });

  it.each([
    '!!js/function "function () {}"',
    '!!js/undefined ~',
    '!!binary aGk=',
    '!!timestamp 2026-11-20',
    '!local x',
  ])('refuses the tag in name: %s', (value) => {
    expect(yaml(`dsl: weft/v1\nname: ${value}\nnodes: []\n`)).toEqual([
      expect.stringMatching(/^dag\.yaml:2:7: the tag "!.*" is refused: a Weft document is plain data/),
    ]);
  });

  it('allows the core tags', () => {
    expect(
      yaml(`dsl: !!str weft/v1\nname: !!str 12\nnodes: !!seq\n  - !!map { id: a, activity: weft.echo }\n`),
    ).toEqual([]);
  });

  it('refuses an alias bomb before it expands', () => {
    const levels = ['a: &a [x, x, x, x, x, x, x, x, x]'];
    for (const name of 'bcdefghi') {
      const previous = String.fromCharCode(name.charCodeAt(0) - 1);
      levels.push(`${name}: &${name} [${Array(9).fill(`*${previous}`).join(', ')}]`);
    }
    const started = Date.now();
    expect(yaml(levels.join('\n'))).toEqual([
      'dag.yaml:1:1: its aliases expand to far more data than the text holds; write the values out, or use fewer aliases',
    ]);
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('allows a few aliases, which are copies of their anchor', () => {
    const text = `${VALID_START}  - id: a\n    activity: weft.echo\n    input: &shared { day: today }\n  - id: b\n    activity: weft.echo\n    input: *shared\n`;
    const file = parseDocumentSource(text, 'dag.yaml', 'yaml');
    expect(file.ok && (file.document as { nodes: { input: unknown }[] }).nodes[1]!.input).toEqual({ day: 'today' });
  });

  it('refuses an alias inside the value it names, and one without an anchor', () => {
    expect(yaml('a: &x [1, *x]\n')).toEqual([
      'dag.yaml:1:11: the alias *x is inside the value it names; JSON cannot hold a cycle',
    ]);
    expect(yaml('a: *nope\n')).toEqual(['dag.yaml:1:4: the alias *nope names no anchor (&nope) set before it']);
  });

  it('refuses a second document in the file', () => {
    expect(yaml(`${VALID_START}  - { id: a, activity: weft.echo }\n---\nname: two\n`)).toEqual([
      'dag.yaml:5:1: the file holds more than one YAML document (a second "---"); put one Weft document in a file',
    ]);
  });

  it('refuses a key that is a list or a mapping', () => {
    expect(yaml('? [a, b]\n: c\n')).toEqual([
      expect.stringMatching(/^dag\.yaml:1:3: a mapping key is a list or a mapping/),
    ]);
  });

  it('refuses infinity and NaN, which JSON cannot write', () => {
    expect(yaml(`${VALID_START}  - id: a\n    activity: weft.echo\n    input: { n: .inf }\n`)).toEqual([
      'dag.yaml:6:14: infinity and NaN are not JSON numbers; write a finite number, or quote the value as text',
    ]);
  });

  it('refuses nesting deeper than it can read, without overflowing the stack', () => {
    expect(yaml(`${'['.repeat(100_000)}${']'.repeat(100_000)}`)).toEqual([
      expect.stringMatching(/^dag\.yaml:\d+:\d+: the YAML nests lists and mappings more than 256 levels deep$/),
    ]);
  });
});

describe('reading standard input (JSON first, then YAML)', () => {
  const detect = (text: string): string[] => lines(parseDocumentSource(text, '<stdin>', 'detect'), '<stdin>');

  it('reads JSON as JSON and YAML as YAML', () => {
    expect(detect(readFileSync(join(EXAMPLES, 'etl-diamond.json'), 'utf8'))).toEqual([]);
    expect(detect(readFileSync(join(EXAMPLES, 'etl-diamond.yaml'), 'utf8'))).toEqual([]);
  });

  it("gives broken JSON JSON's complaint, and YAML issues their lines", () => {
    expect(detect('{"dsl": ')).toEqual(['(document): <stdin> is not valid JSON: Unexpected end of JSON input']);
    expect(detect('dsl: weft/v1\nname: t\nnodes:\n  - id: a\n    activty: x\n')).toEqual([
      'nodes[0].activity (line 4): missing required field "activity"',
      'nodes[0].activty (line 5): unknown field "activty"; did you mean "activity"?',
    ]);
  });
});

describe('--input @file.yaml', () => {
  const dir = mkdtempSync(join(tmpdir(), 'weft-yaml-input-'));

  it('reads the value of a YAML file', () => {
    writeFileSync(join(dir, 'input.yaml'), '# the day to load\nday: 2026-11-20\nrows: 1200\n');
    expect(parseJsonArgument(`@${join(dir, 'input.yaml')}`, '--input')).toEqual({ day: '2026-11-20', rows: 1200 });
  });

  it('names the flag, the file and the line of a YAML problem in one sentence', () => {
    const file = join(dir, 'broken.yml');
    writeFileSync(file, 'day: 1\nday: 2\n');
    expect(() => parseJsonArgument(`@${file}`, '--input')).toThrow(
      new WeftUsageError(
        `--input @${file} is not valid YAML: ${file}:2:1: the key "day" appears twice in one mapping; give each key once.`,
      ),
    );
  });
});

describe('commands that read a document read YAML', () => {
  const offline = { TEMPORAL_ADDRESS: '127.0.0.1:1' };

  it('weft graph draws the YAML example as it draws the JSON one', async () => {
    const fromYaml = await weft(['graph', 'examples/etl-diamond.yaml'], offline);
    const fromJson = await weft(['graph', 'examples/etl-diamond.json'], offline);
    expect(fromYaml).toEqual({ ...fromJson, code: 0 });
  });

  it('weft run refuses an invalid YAML document before connecting, naming the line', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'weft-yaml-run-')), 'dag.yaml');
    writeFileSync(file, `${VALID_START}  - id: a\n    activity: weft.echo\n    dependsOn: [ghost]\n`);
    const { code, stderr } = await weft(['run', file], offline);
    expect({ code, stderr }).toEqual({
      code: 2,
      stderr: `weft: ${file} is not a valid Weft document:\nnodes[0].dependsOn[0] (line 6): unknown node "ghost"`,
    });
  });
});
