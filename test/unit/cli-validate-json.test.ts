/** `weft validate --json`, `weft validate -` and YAML files, through the CLI as a user runs it. */
import { Readable } from 'node:stream';
import { weft } from '../cli-harness';

/** Runs `weft` with `text` as its standard input (the command reads process.stdin). */
async function withStdin<T>(text: string, run: () => Promise<T>): Promise<T> {
  const saved = Object.getOwnPropertyDescriptor(process, 'stdin')!;
  Object.defineProperty(process, 'stdin', { value: Readable.from([Buffer.from(text)]), configurable: true });
  try {
    return await run();
  } finally {
    Object.defineProperty(process, 'stdin', saved);
  }
}

const BROKEN_YAML = 'dsl: weft/v1\nname: t\nnodes:\n  - id: a\n    activity: weft.echo\n    dependsOn: [ghost]\n';

describe('weft validate --json', () => {
  it('prints [] for valid documents, JSON and YAML alike, and exits 0', async () => {
    const { code, stdout } = await weft([
      'validate',
      'examples/etl-diamond.json',
      'examples/etl-diamond.yaml',
      '--json',
    ]);
    expect(JSON.parse(stdout)).toEqual([]);
    expect(code).toBe(0);
  });

  it('prints every issue as { file, path, code, message } and exits 2', async () => {
    const { code, stdout } = await weft(['validate', 'test/fixtures/four-problems.json', '--json']);
    expect(code).toBe(2);
    const issues = JSON.parse(stdout) as Record<string, unknown>[];
    expect(issues).toHaveLength(4);
    expect(issues).toContainEqual({
      file: 'test/fixtures/four-problems.json',
      path: 'nodes[3].dependsOn[0]',
      code: 'WEFT_UNKNOWN_NODE',
      message: 'unknown node "ghost"',
    });
    for (const issue of issues) expect(Object.keys(issue).sort()).toEqual(['code', 'file', 'message', 'path']);
  });

  it('makes a file that cannot be read or parsed an issue of that file, not the end of the command', async () => {
    const { code, stdout, stderr } = await weft([
      'validate',
      'test/fixtures/nope.json',
      'test/fixtures/not-json.json',
      'examples/etl-diamond.json',
      '--json',
    ]);
    expect(code).toBe(2);
    expect(JSON.parse(stdout)).toEqual([
      {
        file: 'test/fixtures/nope.json',
        path: '(document)',
        code: 'WEFT_UNREADABLE_FILE',
        message: 'there is no file "test/fixtures/nope.json"',
      },
      expect.objectContaining({ file: 'test/fixtures/not-json.json', path: '(document)', code: 'WEFT_INVALID_JSON' }),
    ]);
    expect(stderr).toBe('weft: 2 of 3 documents are invalid.');
  });

  it('adds the line of a YAML issue, and the line and column of YAML that does not parse', async () => {
    const issues = await withStdin(BROKEN_YAML, async () =>
      JSON.parse((await weft(['validate', '-', '--json'])).stdout),
    );
    expect(issues).toEqual([
      {
        file: '<stdin>',
        path: 'nodes[0].dependsOn[0]',
        code: 'WEFT_UNKNOWN_NODE',
        message: 'unknown node "ghost"',
        line: 6,
      },
    ]);
    const syntax = await withStdin('a: 1\na: 2\n', async () =>
      JSON.parse((await weft(['validate', '-', '--json'])).stdout),
    );
    expect(syntax).toEqual([
      {
        file: '<stdin>',
        path: '(document)',
        code: 'WEFT_INVALID_YAML',
        message: 'the key "a" appears twice in one mapping; give each key once',
        line: 2,
        column: 1,
      },
    ]);
  });
});

describe('weft validate -', () => {
  it('reads a JSON document from standard input', async () => {
    const json = '{"dsl": "weft/v1", "name": "t", "nodes": [{"id": "a", "activity": "weft.echo"}]}';
    const { code, stdout } = await withStdin(json, () => weft(['validate', '-']));
    expect({ code, stdout }).toEqual({ code: 0, stdout: '<stdin>: valid' });
  });

  it('reads a YAML document from standard input, with the line of each issue', async () => {
    const { code, stdout } = await withStdin(BROKEN_YAML, () => weft(['validate', '-']));
    expect({ code, stdout }).toEqual({ code: 2, stdout: 'nodes[0].dependsOn[0] (line 6): unknown node "ghost"' });
  });

  it('works together with files', async () => {
    const { code, stdout } = await withStdin(BROKEN_YAML, () => weft(['validate', 'examples/etl-diamond.yaml', '-']));
    expect(code).toBe(2);
    expect(stdout.split('\n')).toEqual([
      'examples/etl-diamond.yaml: valid',
      '<stdin>:',
      'nodes[0].dependsOn[0] (line 6): unknown node "ghost"',
    ]);
  });

  it('says an empty standard input is empty', async () => {
    const { code, stdout } = await withStdin('', () => weft(['validate', '-']));
    expect({ code, stdout }).toEqual({ code: 2, stdout: '(document): <stdin> is empty' });
  });
});

describe('weft validate with YAML files', () => {
  it('accepts every example, JSON and YAML', async () => {
    const files = ['examples/etl-diamond.json', 'examples/etl-diamond.yaml'];
    const { code, stdout } = await weft(['validate', ...files]);
    expect(stdout).toBe(files.map((f) => `${f}: valid`).join('\n'));
    expect(code).toBe(0);
  });

  it('prints a YAML syntax error as file:line:column and exits 2', async () => {
    const { code, stdout } = await withStdin('dsl: weft/v1\nname: "open\n', () => weft(['validate', '-']));
    expect(code).toBe(2);
    expect(stdout).toBe('<stdin>:3:1: a quoted text is not closed: its closing " is missing');
  });
});
