import { formatIssue, formatIssues, formatPath, WeftValidationError, type WeftIssue } from '../../src/dsl';

describe('formatPath', () => {
  it('prints the document itself as (document)', () => {
    expect(formatPath([])).toBe('(document)');
  });

  it('joins keys with dots and indexes with brackets', () => {
    expect(formatPath(['nodes', 2, 'dependsOn', 0])).toBe('nodes[2].dependsOn[0]');
    expect(formatPath(['nodes', 0, 'retry', 'maxAttempts'])).toBe('nodes[0].retry.maxAttempts');
    expect(formatPath(['$schema'])).toBe('$schema');
    expect(formatPath([3, 'x'])).toBe('[3].x');
  });

  it('quotes keys that are not identifiers, so the path stays unambiguous', () => {
    expect(formatPath(['input', 'my-key', 'a b', ''])).toBe('input["my-key"]["a b"][""]');
    expect(formatPath(['output', 'x.y'])).toBe('output["x.y"]');
  });
});

describe('formatIssue', () => {
  const issue: WeftIssue = {
    code: 'WEFT_UNKNOWN_NODE',
    path: ['nodes', 2, 'dependsOn', 0],
    message: 'unknown node "x"',
  };

  it('renders path: message', () => {
    expect(formatIssue(issue)).toBe('nodes[2].dependsOn[0]: unknown node "x"');
  });

  it('can append the stable code', () => {
    expect(formatIssue(issue, { withCode: true })).toBe('nodes[2].dependsOn[0]: unknown node "x" (WEFT_UNKNOWN_NODE)');
  });

  it('renders several issues one per line', () => {
    const other: WeftIssue = { code: 'WEFT_EMPTY_DOCUMENT', path: [], message: 'the file is empty' };
    expect(formatIssues([issue, other])).toMatchInlineSnapshot(`
"nodes[2].dependsOn[0]: unknown node "x"
(document): the file is empty"
`);
  });
});

describe('WeftValidationError', () => {
  it('is a plain Error carrying the issues, with every issue in its message', () => {
    const issues: WeftIssue[] = [
      { code: 'WEFT_DUPLICATE_ID', path: ['nodes', 1, 'id'], message: 'duplicate id "a"' },
      { code: 'WEFT_CYCLE', path: ['nodes', 0, 'dependsOn', 0], message: 'dependency cycle a -> b -> a' },
    ];
    const error = new WeftValidationError(issues, 'dag.json');
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('WeftValidationError');
    expect(error.issues).toBe(issues);
    expect(error.message).toMatchInlineSnapshot(`
"invalid Weft document dag.json (2 problems):
  nodes[1].id: duplicate id "a"
  nodes[0].dependsOn[0]: dependency cycle a -> b -> a"
`);
    expect(new WeftValidationError(issues.slice(0, 1)).message).toMatchInlineSnapshot(`
"invalid Weft document (1 problem):
  nodes[1].id: duplicate id "a""
`);
  });
});
