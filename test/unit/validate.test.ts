import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  assertValidDocument,
  formatIssue,
  formatIssues,
  MAX_ISSUES,
  MAX_NODES,
  MAX_PARSED_EXPRESSIONS,
  parseDocumentText,
  validateDocument,
  WEFT_ISSUE_CODES,
  WeftValidationError,
  type WeftIssue,
  type WeftIssueCode,
} from '../../src/dsl';
import { findCycles } from '../../src/dsl/graph';

/** Every code any test in this file saw; the last test checks that all codes were exercised. */
const seenCodes = new Set<WeftIssueCode>();

function issuesOf(document: unknown): WeftIssue[] {
  const result = validateDocument(document);
  if (result.ok) throw new Error('expected the document to be invalid');
  result.issues.forEach((issue) => seenCodes.add(issue.code));
  return [...result.issues];
}

/** The rendered issues, one per line, each with its code: what a person sees, plus what a script matches. */
function report(document: unknown): string {
  return formatIssues(issuesOf(document), { withCode: true });
}

function issuesOfText(text: string, source?: string): WeftIssue[] {
  const result = parseDocumentText(text, source);
  if (result.ok) throw new Error('expected the text to be invalid');
  result.issues.forEach((issue) => seenCodes.add(issue.code));
  return [...result.issues];
}

function textReport(text: string, source?: string): string {
  const result = parseDocumentText(text, source);
  if (result.ok) throw new Error('expected the text to be invalid');
  result.issues.forEach((issue) => seenCodes.add(issue.code));
  return formatIssues(result.issues, { withCode: true });
}

type Node = Record<string, unknown>;
const doc = (nodes: Node[], extra: Record<string, unknown> = {}) => ({ dsl: 'weft/v1', name: 'test', nodes, ...extra });
const echo = (id: string, ...dependsOn: string[]): Node => ({
  id,
  activity: 'weft.echo',
  ...(dependsOn.length ? { dependsOn } : {}),
});

describe('valid documents', () => {
  it('accepts a document using every part of the contract', () => {
    const result = validateDocument(
      doc(
        [
          {
            id: 'fetch',
            activity: 'weft.http',
            input: { url: 'https://example.test/${ input.user }', method: 'GET' },
            timeout: { startToClose: '30s' },
          },
          {
            id: 'charge',
            dependsOn: ['fetch'],
            activity: 'chargeCard',
            input: { amount: '${ nodes.fetch.output.body.amount }' },
            retry: {
              maxAttempts: 5,
              initialInterval: '1s',
              backoffCoefficient: 2,
              maximumInterval: '1 hour',
              nonRetryable: ['CardDeclined'],
            },
            compensate: {
              activity: 'refund',
              input: { chargeId: '${ nodes.charge.output.id }', user: '${ nodes.fetch.output.body.user }' },
            },
          },
          { id: 'wait', type: 'sleep', duration: '5m', dependsOn: ['charge'] },
          { id: 'approve', type: 'approval', timeout: '2 days', onTimeout: 'reject', dependsOn: ['wait'] },
          {
            id: 'ship',
            type: 'workflow',
            workflow: 'shipOrder',
            dependsOn: ['approve'],
            when: 'nodes.approve.output.ok and nodes.fetch.output.status = 200',
            input: { order: '${ nodes.charge.output }', note: 'approved by ${ nodes.approve.output.by }' },
          },
          {
            id: 'cleanup',
            dependsOn: ['ship'],
            trigger: 'allDone',
            onFailure: 'continue',
            activity: 'weft.echo',
            input: '${ nodes.ship.status }',
          },
          {
            id: 'alert',
            dependsOn: ['ship'],
            trigger: 'oneFailed',
            activity: 'weft.echo',
            input: { error: '${ nodes.ship.error }' },
          },
        ],
        {
          description: 'the contract in one document',
          input: { user: 'ada' },
          defaults: { retry: { maxAttempts: 3 }, timeout: { startToClose: '1m', heartbeat: '10s' }, taskQueue: 'weft' },
          maxParallelism: 2,
          failFast: true,
          output: {
            charged: '${ nodes.charge.output }',
            shipped: '${ nodes.ship.status = "SUCCEEDED" }',
            alerted: '${ $exists(nodes.alert.output) }',
          },
        },
      ),
    );
    expect(result.ok ? [] : result.issues).toEqual([]);
  });

  const examples = join(__dirname, '../../examples');
  const files = readdirSync(examples).filter((file) => file.endsWith('.json'));
  it.each(files)('accepts examples/%s', (file) => {
    const result = parseDocumentText(readFileSync(join(examples, file), 'utf8'), file);
    expect(result.ok ? [] : formatIssues(result.issues)).toEqual([]);
  });

  it('accepts transitive upstream references and lets the output read any node', () => {
    const result = validateDocument(
      doc(
        [
          echo('a'),
          echo('b', 'a'),
          { ...echo('c', 'b'), input: '${ nodes.a.output }', when: '$exists(nodes.a.output)' },
          echo('d'),
        ],
        {
          output: '${ [nodes.c.output, nodes.d.output] }',
        },
      ),
    );
    expect(result.ok).toBe(true);
  });

  it('returns the raw JSON next to the parsed document when reading text', () => {
    const result = parseDocumentText('{"dsl": "weft/v1", "name": "t", "nodes": [{"id": "a", "activity": "x"}]}');
    expect(result.ok && result.value).toEqual({ dsl: 'weft/v1', name: 't', nodes: [{ id: 'a', activity: 'x' }] });
    expect(result.ok && result.document.nodes[0]!.type).toBe('activity');
  });
});

describe('every problem at once', () => {
  it('reports a cycle, an unknown dependency, a bad duration and a duplicate id together', () => {
    const document = doc([
      echo('a', 'c'),
      echo('b', 'a'),
      echo('c', 'b'),
      echo('d', 'ghost'),
      { id: 'nap', type: 'sleep', duration: '5 mins later' },
      echo('a'),
    ]);
    expect(report(document)).toMatchInlineSnapshot(`
"nodes[0].dependsOn[0]: dependency cycle a -> b -> c -> a (each node depends on the one before it); remove one of these dependencies (WEFT_CYCLE)
nodes[3].dependsOn[0]: unknown node "ghost" (WEFT_UNKNOWN_NODE)
nodes[4].duration: "5 mins later" is not a duration; write e.g. "30s", "5m", "1.5h", "2 days" or a number of milliseconds (WEFT_BAD_DURATION)
nodes[5].id: duplicate id "a": nodes[0] already uses it; node ids must be unique (WEFT_DUPLICATE_ID)"
`);
  });

  it('runs the cross-node checks even when the schema fails elsewhere', () => {
    const document = {
      dsl: 'weft/v2',
      name: 'bad name!',
      maxParallelism: 0,
      extra: true,
      nodes: [
        { id: 'a', activity: 'weft.echo', retyr: { maxAttempts: 2 } },
        { id: 'b', dependsOn: ['a', 'a', 'b', 'zz'], type: 'sleep', duration: 0 },
        {
          id: 'c',
          dependsOn: ['b'],
          activity: 'weft.echo',
          input: { x: '${ nodes.d.output }', y: '${ nodes.a.output. }' },
        },
        { id: 'd', type: 'teleport' },
        'not a node',
      ],
      output: '${ nodes.nope }',
    };
    expect(report(document)).toMatchInlineSnapshot(`
"dsl: must be "weft/v1", got "weft/v2"; this version of Weft reads weft/v1 documents (WEFT_SCHEMA)
name: names contain only letters, digits, ".", "_" and "-" (1 to 100 characters); got "bad name!" (WEFT_SCHEMA)
maxParallelism: must be >= 1, got 0 (WEFT_SCHEMA)
extra: unknown field "extra" (WEFT_UNKNOWN_FIELD)
nodes[0].retyr: unknown field "retyr"; did you mean "retry"? (WEFT_UNKNOWN_FIELD)
nodes[1].duration: 0 is not a positive duration; durations must be greater than zero (WEFT_BAD_DURATION)
nodes[1].dependsOn[1]: "a" is already listed in dependsOn; remove the repeat (WEFT_DUPLICATE_DEPENDENCY)
nodes[1].dependsOn[2]: node "b" depends on itself; remove "b" from its dependsOn (WEFT_SELF_DEPENDENCY)
nodes[1].dependsOn[3]: unknown node "zz" (WEFT_UNKNOWN_NODE)
nodes[2].input.y: expression "nodes.a.output." is invalid: Unexpected end of expression (S0207 at position 15) (WEFT_BAD_EXPRESSION)
nodes[2].input.x: "nodes.d" is not upstream of "c"; add "d" to dependsOn (WEFT_NOT_UPSTREAM)
nodes[3].type: unknown node type "teleport"; use one of "activity", "sleep", "approval", "workflow", "dag", "map" (nodes without "type" are activities) (WEFT_SCHEMA)
nodes[4]: expected an object, got "not a node" (WEFT_SCHEMA)
output: expression "nodes.nope" reads unknown node "nope" (WEFT_UNKNOWN_NODE)"
`);
  });

  it('orders issues: top level first, then each node in document order, then the output', () => {
    const issues = issuesOf({ ...doc([echo('b', 'x'), echo('a', 'y')]), output: '${ nodes.q }', bogus: 1 });
    expect(
      issues.map((issue) => (issue.path[0] === 'nodes' ? `nodes[${String(issue.path[1])}]` : String(issue.path[0]))),
    ).toEqual(['bogus', 'nodes[0]', 'nodes[1]', 'output']);
  });
});

describe('schema problems', () => {
  it('refuses what is not a document at all', () => {
    for (const value of [null, 42, 'text', [], undefined]) expect(issuesOf(value)).toHaveLength(1);
    expect(report([])).toMatchInlineSnapshot(`"(document): expected an object, got an array (WEFT_SCHEMA)"`);
  });

  it('names missing and mistyped fields', () => {
    expect(report({ name: 'x', nodes: [{ id: 'a' }], maxParallelism: 1.5, failFast: 'yes' })).toMatchInlineSnapshot(`
"dsl: missing required field "dsl"; add "dsl": "weft/v1" (WEFT_SCHEMA)
maxParallelism: expected an integer, got 1.5 (WEFT_SCHEMA)
failFast: expected true or false, got "yes" (WEFT_SCHEMA)
nodes[0].activity: missing required field "activity" (WEFT_SCHEMA)"
`);
    expect(report({ dsl: 'weft/v2', name: '', nodes: [] })).toMatchInlineSnapshot(`
"dsl: must be "weft/v1", got "weft/v2"; this version of Weft reads weft/v1 documents (WEFT_SCHEMA)
name: names contain only letters, digits, ".", "_" and "-" (1 to 100 characters); got "" (WEFT_SCHEMA)
nodes: must have at least 1 node (WEFT_SCHEMA)"
`);
  });

  it('checks ids, names and enums', () => {
    const document = doc([
      { id: '1st', activity: 'x' },
      { id: 'ok', activity: 'x', trigger: 'allsuccess', onFailure: 'retry' },
      { id: 'q', type: 'approval', onTimeout: 'maybe' },
      { id: 'x'.repeat(65), activity: '' },
    ]);
    expect(report(document)).toMatchInlineSnapshot(`
"nodes[0].id: node ids start with a letter or "_" and contain only letters, digits, "_" and "-" (at most 64 characters); got "1st" (WEFT_SCHEMA)
nodes[1].trigger: must be one of "allSuccess", "allDone", "oneSuccess", "oneFailed", "allFailed", "noneFailed", got "allsuccess"; did you mean "allSuccess"? (WEFT_SCHEMA)
nodes[1].onFailure: must be one of "fail", "continue", "wait", got "retry" (WEFT_SCHEMA)
nodes[2].onTimeout: must be one of "reject", "approve", got "maybe" (WEFT_SCHEMA)
nodes[3].id: node ids start with a letter or "_" and contain only letters, digits, "_" and "-" (at most 64 characters); got "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx..." (WEFT_SCHEMA)
nodes[3].activity: must not be empty (WEFT_SCHEMA)"
`);
  });

  it('refuses node ids that name JavaScript internals', () => {
    expect(
      report(
        doc([
          { id: '__proto__', activity: 'x' },
          { id: 'constructor', activity: 'x' },
        ]),
      ),
    ).toMatchInlineSnapshot(`
"nodes[0].id: "__proto__" is reserved (expressions could not read it as nodes.<id>); choose another id (WEFT_SCHEMA)
nodes[1].id: "constructor" is reserved (expressions could not read it as nodes.<id>); choose another id (WEFT_SCHEMA)"
`);
  });

  it('names unknown node types and fields, suggesting what was meant', () => {
    const document = doc(
      [
        { id: 'a', type: 'lambda' },
        { id: 'b', activity: 'x', retyr: {}, retry: { maxAttempt: 3 }, timeout: { startToClos: '1s' } },
        { id: 'c', duration: '5s' },
        { id: 'd', type: 'sleep', duration: '5s', activity: 'x', input: {} },
        { id: 'e', activity: 'x', compensate: { activity: 'y', inputs: {} } },
      ],
      { node: [], defaults: { retries: 1 } },
    );
    expect(report(document)).toMatchInlineSnapshot(`
"defaults.retries: unknown field "retries" (WEFT_UNKNOWN_FIELD)
node: unknown field "node"; did you mean "nodes"? (WEFT_UNKNOWN_FIELD)
nodes[0].type: unknown node type "lambda"; use one of "activity", "sleep", "approval", "workflow", "dag", "map" (nodes without "type" are activities) (WEFT_SCHEMA)
nodes[1].retry.maxAttempt: unknown field "maxAttempt"; did you mean "maxAttempts"? (WEFT_UNKNOWN_FIELD)
nodes[1].timeout.startToClos: unknown field "startToClos"; did you mean "startToClose"? (WEFT_UNKNOWN_FIELD)
nodes[1].retyr: unknown field "retyr"; did you mean "retry"? (WEFT_UNKNOWN_FIELD)
nodes[2].activity: missing required field "activity" (WEFT_SCHEMA)
nodes[2].duration: unknown field "duration" for activity nodes; "duration" belongs to sleep nodes (set "type": "sleep") (WEFT_UNKNOWN_FIELD)
nodes[3].activity: unknown field "activity" for sleep nodes; "activity" belongs to activity nodes (set "type": "activity") (WEFT_UNKNOWN_FIELD)
nodes[3].input: unknown field "input" for sleep nodes; "input" belongs to activity nodes (set "type": "activity") (WEFT_UNKNOWN_FIELD)
nodes[4].compensate.inputs: unknown field "inputs"; did you mean "input"? (WEFT_UNKNOWN_FIELD)"
`);
  });

  it('requires JSON values where the document says JSON', () => {
    expect(report(doc([{ id: 'a', activity: 'x', input: { f: () => 1, u: undefined } }], { output: Number.NaN })))
      .toMatchInlineSnapshot(`
"nodes[0].input: expected a JSON value (no undefined, functions, NaN or Infinity, at most 200 levels deep) (WEFT_SCHEMA)
output: expected a JSON value (no undefined, functions, NaN or Infinity, at most 200 levels deep) (WEFT_SCHEMA)"
`);
  });
});

describe('graph problems', () => {
  it('duplicate ids', () => {
    expect(report(doc([echo('a'), echo('b'), echo('a'), echo('a')]))).toMatchInlineSnapshot(`
"nodes[2].id: duplicate id "a": nodes[0] already uses it; node ids must be unique (WEFT_DUPLICATE_ID)
nodes[3].id: duplicate id "a": nodes[0] already uses it; node ids must be unique (WEFT_DUPLICATE_ID)"
`);
  });

  it('unknown, self and repeated dependencies', () => {
    expect(report(doc([echo('fetch'), echo('load', 'fetchh', 'load', 'fetch', 'fetch')]))).toMatchInlineSnapshot(`
"nodes[1].dependsOn[0]: unknown node "fetchh"; did you mean "fetch"? (WEFT_UNKNOWN_NODE)
nodes[1].dependsOn[1]: node "load" depends on itself; remove "load" from its dependsOn (WEFT_SELF_DEPENDENCY)
nodes[1].dependsOn[3]: "fetch" is already listed in dependsOn; remove the repeat (WEFT_DUPLICATE_DEPENDENCY)"
`);
  });

  it('cycles, each printed as a path', () => {
    expect(
      report(doc([echo('a', 'c'), echo('b', 'a'), echo('c', 'b'), echo('x', 'y'), echo('y', 'x'), echo('z', 'c')])),
    ).toMatchInlineSnapshot(`
"nodes[0].dependsOn[0]: dependency cycle a -> b -> c -> a (each node depends on the one before it); remove one of these dependencies (WEFT_CYCLE)
nodes[3].dependsOn[0]: dependency cycle x -> y -> x (each node depends on the one before it); remove one of these dependencies (WEFT_CYCLE)"
`);
  });

  it('triggers that need upstream nodes', () => {
    const document = doc([
      { ...echo('a'), trigger: 'oneSuccess' },
      { ...echo('b'), trigger: 'allFailed' },
      { ...echo('c'), trigger: 'allDone' },
    ]);
    expect(report(document)).toMatchInlineSnapshot(`
"nodes[0].trigger: trigger "oneSuccess" is decided by upstream results, but this node has no dependsOn; add upstream nodes or remove the trigger (WEFT_BAD_TRIGGER)
nodes[1].trigger: trigger "allFailed" is decided by upstream results, but this node has no dependsOn; add upstream nodes or remove the trigger (WEFT_BAD_TRIGGER)"
`);
  });
});

describe('durations and retry policies', () => {
  it('checks every duration in the document', () => {
    const document = doc(
      [
        { id: 's', type: 'sleep', duration: '0s' },
        {
          id: 'a',
          activity: 'x',
          timeout: { startToClose: 'soon', heartbeat: -1 },
          retry: { initialInterval: '1 fortnight' },
        },
        { id: 'p', type: 'approval', timeout: '' },
        { id: 'w', type: 'workflow', workflow: 'w', timeout: { execution: '1h30m' } },
        { id: 'c', activity: 'x', compensate: { activity: 'y', timeout: { scheduleToClose: true } } },
      ],
      { defaults: { timeout: { startToClose: 'PT5M' }, retry: { maximumInterval: '0ms' } } },
    );
    expect(report(document)).toMatchInlineSnapshot(`
"defaults.retry.maximumInterval: "0ms" is not a positive duration; durations must be greater than zero (WEFT_BAD_DURATION)
defaults.timeout.startToClose: "PT5M" is not a duration; write e.g. "30s", "5m", "1.5h", "2 days" or a number of milliseconds (WEFT_BAD_DURATION)
nodes[0].duration: "0s" is not a positive duration; durations must be greater than zero (WEFT_BAD_DURATION)
nodes[1].retry.initialInterval: "1 fortnight" is not a duration; write e.g. "30s", "5m", "1.5h", "2 days" or a number of milliseconds (WEFT_BAD_DURATION)
nodes[1].timeout.startToClose: "soon" is not a duration; write e.g. "30s", "5m", "1.5h", "2 days" or a number of milliseconds (WEFT_BAD_DURATION)
nodes[1].timeout.heartbeat: -1 is not a positive duration; durations must be greater than zero (WEFT_BAD_DURATION)
nodes[2].timeout: "" is not a duration; write e.g. "30s", "5m", "1.5h", "2 days" or a number of milliseconds (WEFT_BAD_DURATION)
nodes[3].timeout.execution: "1h30m" is not a duration; write e.g. "30s", "5m", "1.5h", "2 days" or a number of milliseconds (WEFT_BAD_DURATION)
nodes[4].compensate.timeout.scheduleToClose: expected a duration: a string such as "30s", "5m", "1 hour", or a number of milliseconds (WEFT_SCHEMA)"
`);
  });

  it('checks retry policies as Temporal would', () => {
    const document = doc([
      { id: 'a', activity: 'x', retry: { maxAttempts: 0, backoffCoefficient: 0.5 } },
      { id: 'b', activity: 'x', retry: { initialInterval: '10s', maximumInterval: '5s' } },
      { id: 'c', activity: 'x', retry: { maximumInterval: '500ms' } },
      { id: 'd', activity: 'x', retry: { maxAttempts: 2.5 } },
    ]);
    expect(report(document)).toMatchInlineSnapshot(`
"nodes[0].retry.maxAttempts: maxAttempts must be at least 1 (1 means no retries) (WEFT_BAD_RETRY)
nodes[0].retry.backoffCoefficient: backoffCoefficient must be at least 1 (WEFT_BAD_RETRY)
nodes[1].retry.maximumInterval: maximumInterval ("5s") is shorter than initialInterval ("10s"); make it at least as long (WEFT_BAD_RETRY)
nodes[2].retry.maximumInterval: maximumInterval ("500ms") is shorter than the default initialInterval of 1s; make it at least as long (WEFT_BAD_RETRY)
nodes[3].retry.maxAttempts: expected an integer, got 2.5 (WEFT_SCHEMA)"
`);
  });
});

describe('expressions', () => {
  it('reports invalid expressions at the field that holds them', () => {
    const document = doc(
      [
        echo('a'),
        {
          ...echo('b', 'a'),
          input: { url: 'https://x/${ nodes.a.output. }', when: '${ $now() }' },
          when: 'nodes.a.output.ok and',
        },
        {
          ...echo('c', 'a'),
          input: ['${ nodes.* }', 'Hello ${ input.name'],
          compensate: { activity: 'undo', input: '${ $random() }' },
        },
        { ...echo('d', 'a'), when: '' },
        { ...echo('e', 'a'), when: '${ nodes.a.output.ok }' },
      ],
      { output: { all: '${ $keys(nodes) }' } },
    );
    expect(report(document)).toMatchInlineSnapshot(`
"nodes[1].when: expression "nodes.a.output.ok and" is invalid: Unexpected end of expression (S0207 at position 21) (WEFT_BAD_EXPRESSION)
nodes[1].input.url: expression "nodes.a.output." is invalid: Unexpected end of expression (S0207 at position 15) (WEFT_BAD_EXPRESSION)
nodes[1].input.when: expression "$now()" is invalid: $now is not allowed because expressions must give the same result on every replay; use run.startedAt for the time the run started (WEFT_BAD_EXPRESSION)
nodes[2].input[0]: expression "nodes.*" is invalid: * would read every node; read a node as nodes.<id> (e.g. nodes.fetch.output); "nodes" cannot be used as a whole, filtered or iterated, because the upstream check needs every node named (WEFT_BAD_EXPRESSION)
nodes[2].input[1]: template "Hello \${ input.name" is invalid: a "\${" is not closed; close it with "}" (or write "$\${" for a literal "\${") (WEFT_BAD_EXPRESSION)
nodes[2].compensate.input: expression "$random()" is invalid: $random is not allowed because expressions must give the same result on every replay; pass random values in the input instead (WEFT_BAD_EXPRESSION)
nodes[3].when: expression "" is invalid: the expression is empty (WEFT_BAD_EXPRESSION)
nodes[4].when: expression "\${ nodes.a.output.ok }" is invalid: this field holds a bare expression; remove the surrounding "\${ }" (WEFT_BAD_EXPRESSION)
output.all: expression "$keys(nodes)" is invalid: read a node as nodes.<id> (e.g. nodes.fetch.output); "nodes" cannot be used as a whole, filtered or iterated, because the upstream check needs every node named (WEFT_BAD_EXPRESSION)"
`);
  });

  it('requires every node an expression reads to be upstream', () => {
    const document = doc([
      echo('a'),
      echo('b', 'a'),
      {
        ...echo('c', 'a'),
        input: { fromSibling: '${ nodes.b.output }', fromLater: '${ nodes.d.output }', own: '${ nodes.c.output }' },
      },
      { ...echo('d', 'c'), when: 'nodes.b.status = "SUCCEEDED"' },
      { ...echo('e', 'a'), input: { typo: '${ nodes.bb.output }', weird: '${ nodes.`x-y`.output }' } },
      { id: 'x-y', activity: 'x', input: 'see ${ nodes.a.output }' },
    ]);
    expect(report(document)).toMatchInlineSnapshot(`
"nodes[2].input.fromSibling: "nodes.b" is not upstream of "c"; add "b" to dependsOn (WEFT_NOT_UPSTREAM)
nodes[2].input.fromLater: "nodes.d" is not upstream of "c": "d" runs after "c" (it depends on it) (WEFT_NOT_UPSTREAM)
nodes[2].input.own: "nodes.c" is node "c" itself; a node cannot read its own output (only its compensate.input can) (WEFT_NOT_UPSTREAM)
nodes[3].when: "nodes.b" is not upstream of "d"; add "b" to dependsOn (WEFT_NOT_UPSTREAM)
nodes[4].input.typo: expression "nodes.bb.output" reads unknown node "bb"; did you mean "b"? (WEFT_UNKNOWN_NODE)
nodes[4].input.weird: "nodes.\`x-y\`" is not upstream of "e"; add "x-y" to dependsOn (WEFT_NOT_UPSTREAM)
nodes[5].input: "nodes.a" is not upstream of "x-y"; add "a" to dependsOn (WEFT_NOT_UPSTREAM)"
`);
  });

  it("lets a compensation read its own node's output", () => {
    const result = validateDocument(
      doc([{ ...echo('a'), compensate: { activity: 'undo', input: '${ nodes.a.output.id }' } }]),
    );
    expect(result.ok).toBe(true);
  });

  it('checks the output only for unknown nodes', () => {
    expect(
      report(doc([echo('a')], { output: { x: '${ nodes.a.output }', y: '${ nodes.b.output }' } })),
    ).toMatchInlineSnapshot(`"output.y: expression "nodes.b.output" reads unknown node "b" (WEFT_UNKNOWN_NODE)"`);
  });
});

describe('document text', () => {
  it('reports an empty file as one issue', () => {
    expect(textReport('')).toMatchInlineSnapshot(`"(document): the file is empty (WEFT_EMPTY_DOCUMENT)"`);
    expect(textReport(' \n\t\n', 'dag.json')).toMatchInlineSnapshot(
      `"(document): dag.json is empty (WEFT_EMPTY_DOCUMENT)"`,
    );
    expect(textReport('\ufeff')).toMatchInlineSnapshot(`"(document): the file is empty (WEFT_EMPTY_DOCUMENT)"`);
  });

  it('reports invalid JSON as one issue with line and column', () => {
    expect(textReport('{\n  "dsl": "weft/v1",\n  "name": }')).toMatchInlineSnapshot(
      `"(document): not valid JSON: Unexpected token '}' at line 3 column 11 (WEFT_INVALID_JSON)"`,
    );
    expect(textReport('{"dsl": "weft/v1",}', 'dag.json')).toMatchInlineSnapshot(
      `"(document): dag.json is not valid JSON: Expected double-quoted property name at line 1 column 19 (WEFT_INVALID_JSON)"`,
    );
    expect(textReport('{"dsl": "weft/v1"')).toMatchInlineSnapshot(
      `"(document): not valid JSON: Expected ',' or '}' after property value at the end of the text (WEFT_INVALID_JSON)"`,
    );
    expect(textReport('{"a": 1} trailing')).toMatchInlineSnapshot(
      `"(document): not valid JSON: Unexpected non-whitespace character after JSON at line 1 column 10 (WEFT_INVALID_JSON)"`,
    );
    expect(textReport('name: test')).toMatchInlineSnapshot(
      `"(document): not valid JSON: Unexpected token 'a' at line 1 column 2 (WEFT_INVALID_JSON)"`,
    );
  });

  it('validates the parsed JSON, accepting a byte-order mark', () => {
    expect(textReport('\ufeff{"dsl": "weft/v1", "name": "t", "nodes": []}')).toMatchInlineSnapshot(
      `"nodes: must have at least 1 node (WEFT_SCHEMA)"`,
    );
  });
});

describe('assertValidDocument', () => {
  it('returns the document or throws WeftValidationError with every issue', () => {
    expect(assertValidDocument(doc([echo('a')])).nodes).toHaveLength(1);
    let error: unknown;
    try {
      assertValidDocument(doc([echo('a', 'b'), echo('a')]), 'dag.json');
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(WeftValidationError);
    expect((error as WeftValidationError).issues.map((issue) => issue.code)).toEqual([
      'WEFT_UNKNOWN_NODE',
      'WEFT_DUPLICATE_ID',
    ]);
    expect((error as Error).message).toMatchInlineSnapshot(`
"invalid Weft document dag.json (2 problems):
  nodes[0].dependsOn[0]: unknown node "b"
  nodes[1].id: duplicate id "a": nodes[0] already uses it; node ids must be unique"
`);
  });
});

describe('robustness', () => {
  it('never throws, whatever it is given', () => {
    let deep: unknown = 'bottom';
    for (let i = 0; i < 10_000; i++) deep = { deeper: deep };
    const inputs = [
      { nodes: 'x' },
      { nodes: [null, 1, 'a', [], { id: 5, dependsOn: 'a' }, { id: 'a', dependsOn: [1, null] }] },
      doc([{ ...echo('a'), input: deep }]),
      doc([{ ...echo('a'), input: { $: '${ '.repeat(1000) } }]),
      Object.create(null),
    ];
    for (const input of inputs) expect(() => validateDocument(input)).not.toThrow();
    expect(report(doc([{ ...echo('a'), input: deep }]))).toMatchInlineSnapshot(
      `"nodes[0].input: expected a JSON value (no undefined, functions, NaN or Infinity, at most 200 levels deep) (WEFT_SCHEMA)"`,
    );
  });
});

describe('a large document', () => {
  it('validates 5,000 nodes (10 levels of 500, each reading upstream outputs) in well under a second', () => {
    const nodes: Node[] = [];
    for (let level = 0; level < 10; level++) {
      for (let i = 0; i < 500; i++) {
        const id = `n${level}_${i}`;
        if (level === 0) {
          nodes.push({ id, activity: 'weft.echo', input: { i } });
          continue;
        }
        const deps = [0, 1, 2].map((k) => `n${level - 1}_${(i + k * 167) % 500}`);
        nodes.push({
          id,
          activity: 'weft.echo',
          dependsOn: deps,
          when: `nodes.${deps[0]}.status = "SUCCEEDED"`,
          // Reads a direct dependency and a node two levels up, which is upstream only transitively.
          input: {
            a: `\${ nodes.${deps[1]}.output }`,
            b: level > 1 ? `\${ nodes.n${level - 2}_${(i + 167) % 500}.output.i }` : 0,
          },
        });
      }
    }
    const started = performance.now();
    const result = validateDocument(doc(nodes, { output: '${ nodes.n9_0.output }' }));
    const elapsed = performance.now() - started;
    expect(result.ok ? [] : formatIssues(result.issues.slice(0, 5))).toEqual([]);
    // Not an assertion on speed (CI machines vary); printed so a slowdown is visible in the test log.
    if (elapsed > 1000) console.warn(`validating 5,000 nodes took ${Math.round(elapsed)} ms`);

    // The same document with one reference that is not upstream is caught among the 5,000 nodes.
    nodes[4_999] = { ...nodes[4_999], input: '${ nodes.n9_0.output }' };
    expect(report(doc(nodes))).toMatchInlineSnapshot(
      `"nodes[4999].input: "nodes.n9_0" is not upstream of "n9_499"; add "n9_0" to dependsOn (WEFT_NOT_UPSTREAM)"`,
    );
  });
});

describe('hostile documents get a short list of issues, fast', () => {
  it('takes "constructor", "__proto__" and "prototype" keys inside free JSON values as data', () => {
    const result = validateDocument(
      JSON.parse(
        '{"dsl":"weft/v1","name":"t","nodes":[{"id":"a","activity":"weft.echo","input":{"constructor":null,"__proto__":{"x":1},"prototype":[]}}]}',
      ),
    );
    expect(result.ok).toBe(true);
  });

  it('refuses expressions nested 2,000 levels deep with an issue, not a RangeError', () => {
    for (const [open, close] of [
      ['(', ')'],
      ['[', ']'],
      ['{"a":', '}'],
      ['$not(', ')'],
    ]) {
      const expression = `${open!.repeat(2_000)}1${close!.repeat(2_000)}`;
      expect(issuesOf(doc([{ ...echo('a'), input: `\${ ${expression} }` }])).map((i) => i.code)).toEqual([
        'WEFT_BAD_EXPRESSION',
      ]);
    }
  });

  it('lists at most MAX_ISSUES issues, then one that counts the rest, for 10,000 broken nodes', () => {
    const nodes = Array.from({ length: MAX_NODES }, (_, i) => echo(`n${i}`, 'ghost'));
    const issues = issuesOf(doc(nodes));
    expect(issues).toHaveLength(MAX_ISSUES + 1);
    expect(issues[0]).toEqual({
      code: 'WEFT_UNKNOWN_NODE',
      path: ['nodes', 0, 'dependsOn', 0],
      message: 'unknown node "ghost"',
    });
    expect(formatIssue(issues[MAX_ISSUES]!)).toBe(
      '(document): 9,900 more issues not listed; fix the ones above and validate again',
    );
  });

  it('refuses more than MAX_NODES nodes with one issue, before the costly checks', () => {
    const nodes = Array.from({ length: 100_000 }, (_, i) => echo(`n${i}`, 'ghost'));
    expect(report(doc(nodes))).toMatchInlineSnapshot(
      `"nodes: 100,000 nodes, over the limit of 10,000 for one document (the run validates it in one workflow task); split the DAG into documents run by workflow nodes (WEFT_TOO_LARGE)"`,
    );
  });

  it('refuses more distinct parsed expressions than a workflow task can parse, but not plain paths', () => {
    const parsed = Array.from({ length: MAX_PARSED_EXPRESSIONS + 1 }, (_, i) => `\${ $sum([1, ${i}]) }`);
    expect(issuesOf(doc([{ ...echo('a'), input: parsed }])).map((i) => i.code)).toEqual(['WEFT_TOO_LARGE']);
    const plain = Array.from({ length: 2 * MAX_PARSED_EXPRESSIONS }, (_, i) => `\${ input.items.x${i} }`);
    expect(validateDocument(doc([{ ...echo('a'), input: plain }])).ok).toBe(true);
    const long = Array.from({ length: 60 }, (_, i) => `\${ "${'x'.repeat(9_000)}" & "${i}" }`);
    expect(issuesOf(doc([{ ...echo('a'), input: long }])).map((i) => i.code)).toEqual(['WEFT_TOO_LARGE']);
  });

  it('caps schema issues the same way (100,000 nodes that are not objects)', () => {
    const issues = issuesOf(doc(Array.from({ length: 100_000 }, (_, i) => i) as unknown as Node[]));
    expect(issues).toHaveLength(MAX_ISSUES + 1);
    expect(issues.at(-1)!.code).toBe('WEFT_TOO_MANY_ISSUES');
  });

  it('validates a 10,000-node chain that reads upstream outputs', () => {
    const nodes = Array.from({ length: MAX_NODES }, (_, i) =>
      i === 0 ? echo('n0') : { ...echo(`n${i}`, `n${i - 1}`), input: `\${ nodes.n${Math.max(0, i - 3)}.output }` },
    );
    expect(validateDocument(doc(nodes)).ok).toBe(true);
  });

  it('keeps every message short, however long the value it is about', () => {
    const long = 'x'.repeat(1_000_000);
    const documents = [
      doc([{ ...echo('a'), activity: long }]),
      doc([echo('a', long)]),
      doc([{ ...echo('a'), input: `\${ nodes.${long}.output }` }]),
      doc([{ ...echo('a'), input: `\${ ${long} ) }` }]),
      doc([{ ...echo('a'), [long]: 1 }]),
      doc([{ ...echo('a'), timeout: { startToClose: long } }]),
      { ...doc([echo('a')]), name: long, dsl: long },
    ];
    for (const document of documents) {
      const issues = issuesOf(document);
      expect(issues.length).toBeGreaterThan(0);
      for (const issue of issues) expect(formatIssue(issue).length).toBeLessThan(1_000);
    }
  });

  // Each case below is a bug test/fuzz/validate.test.ts found, reduced to its cause.

  it('quotes keys, ids and file names that hold quotes or line breaks, so each issue stays on one line', () => {
    const odd = 'two\nlines';
    expect(
      formatIssues(
        issuesOf(doc([{ ...echo('a'), 'a\nb': 1 }, echo(odd, odd), echo(odd), echo('x', 'y'), echo('y', 'x"', 'x')])),
      ),
    ).toBe(
      [
        'nodes[0]["a\\nb"]: unknown field "a\\nb"',
        'nodes[1].id: node ids start with a letter or "_" and contain only letters, digits, "_" and "-" (at most 64 characters); got "two\\nlines"',
        'nodes[1].dependsOn[0]: node "two\\nlines" depends on itself; remove "two\\nlines" from its dependsOn',
        'nodes[2].id: node ids start with a letter or "_" and contain only letters, digits, "_" and "-" (at most 64 characters); got "two\\nlines"',
        'nodes[2].id: duplicate id "two\\nlines": nodes[1] already uses it; node ids must be unique',
        'nodes[3].dependsOn[0]: dependency cycle x -> y -> x (each node depends on the one before it); remove one of these dependencies',
        'nodes[4].dependsOn[0]: unknown node "x\\""; did you mean "x"?',
      ].join('\n'),
    );
    expect(textReport('', 'dag\n.json')).toBe('(document): "dag\\n.json" is empty (WEFT_EMPTY_DOCUMENT)');
    const [issue] = issuesOfText('{', `${'directory/'.repeat(200)}dag.json`);
    expect(issue!.message).toMatch(/^"directory\/directory\/.*\.\.\." is not valid JSON: /);
  });

  it('suggests ids in linear time, even for a megabyte id and a near copy of it', () => {
    const long = 'x'.repeat(1_000_000);
    const started = performance.now();
    const issues = issuesOf(doc([{ ...echo('a'), id: long }, echo('b', `${long.slice(0, 10)}z${long.slice(11)}`)]));
    // Edit distance over the whole of both strings was 10^12 steps: a hang.
    expect(performance.now() - started).toBeLessThan(2_000);
    expect(issues.map((i) => i.code)).toEqual(['WEFT_SCHEMA', 'WEFT_UNKNOWN_NODE']);
    // 2,000 ids of 50 characters that differ only at the end, and 20 typos of them: only cells near the diagonal count.
    const id = (i: number) => `n${'_'.repeat(39)}${String(i).padStart(10, '0')}`;
    const nodes = [
      ...Array.from({ length: 2_000 }, (_, i) => echo(id(i))),
      ...Array.from({ length: 20 }, (_, i) => echo(`t${i}`, `${id(i)}x`)),
    ];
    const before = performance.now();
    expect(issuesOf(doc(nodes)).map((i) => i.message)[0]).toBe(`unknown node "${id(0)}x"; did you mean "${id(0)}"?`);
    expect(performance.now() - before).toBeLessThan(2_000);
  });

  it('reports a dependency cycle through 10,000 nodes as one short issue', () => {
    const n = MAX_NODES;
    const nodes = Array.from({ length: n }, (_, i) => echo(`n${i}`, `n${(i + n - 1) % n}`));
    expect(issuesOf(doc(nodes))).toEqual([
      {
        code: 'WEFT_CYCLE',
        path: ['nodes', 0, 'dependsOn', 0],
        message:
          'dependency cycle n0 -> n1 -> n2 -> n3 -> ... (9,993 more) ... -> n9997 -> n9998 -> n9999 -> n0 (each node depends on the one before it); remove one of these dependencies',
      },
    ]);
  });

  it('finds a cycle through 200,000 nodes without overflowing the stack (graph.ts)', () => {
    const n = 200_000;
    // Math.min(...component) overflowed the stack for a component this large.
    const cycles = findCycles(
      Array.from({ length: n }, (_, i) => ({ id: `n${i}`, dependsOn: [`n${(i + n - 1) % n}`] })),
    );
    expect(cycles).toHaveLength(1);
    expect(cycles[0]).toHaveLength(n + 1);
  });

  it('parses an expression repeated 100,000 times once', () => {
    const started = performance.now();
    expect(validateDocument(doc([{ ...echo('a'), input: new Array(100_000).fill('${ input.a + 1 }') }])).ok).toBe(true);
    // Each parse costs ~100 µs: 10 s when every copy was parsed again.
    expect(performance.now() - started).toBeLessThan(5_000);
  });

  it('checks values that contain themselves or share objects (from TypeScript) once per object', () => {
    const cyclic: Record<string, unknown> = { a: 1 };
    cyclic['self'] = cyclic;
    cyclic['again'] = cyclic;
    expect(report(doc([{ ...echo('a'), input: cyclic }]))).toBe(
      'nodes[0].input: expected a JSON value (no undefined, functions, NaN or Infinity, at most 200 levels deep) (WEFT_SCHEMA)',
    );
    let shared: unknown = '${ input.x }';
    for (let i = 0; i < 60; i++) shared = { left: shared, right: shared }; // 2^60 paths through 60 objects
    expect(validateDocument(doc([{ ...echo('a'), input: shared }])).ok).toBe(true);
  });

  it('accepts a "constructor" key in the document input, as in any other JSON value', () => {
    // zod's record read value.constructor.prototype: it refused these objects, and threw on null.
    for (const value of [null, 1, 'x', { prototype: {} }]) {
      const result = validateDocument(JSON.parse(JSON.stringify(doc([echo('a')], { input: { constructor: value } }))));
      expect(result.ok ? [] : result.issues).toEqual([]);
    }
  });

  it('ignores symbol keys (from TypeScript) in the document input, as JSON does', () => {
    // zod's record reported them at a path holding a Symbol, which formatIssue could not print.
    expect(validateDocument(doc([echo('a')], { input: { [Symbol('s')]: 1, a: 2 } })).ok).toBe(true);
    expect(report(doc([echo('a', 'b')], { input: { [Symbol('s')]: 1 } }))).toBe(
      'nodes[0].dependsOn[0]: unknown node "b" (WEFT_UNKNOWN_NODE)',
    );
  });

  it('turns values that throw when read (getters, Proxies) into one issue', () => {
    const node = {
      ...echo('a'),
      get input(): unknown {
        throw new Error('boom');
      },
    };
    expect(issuesOf(doc([node]))).toEqual([
      {
        code: 'WEFT_SCHEMA',
        path: [],
        message: 'the document could not be read: reading it threw "Error: boom"; pass plain data',
      },
    ]);
    const trap = (): never => {
      throw new Error('trap');
    };
    const proxy = new Proxy({}, { get: trap, ownKeys: trap, getPrototypeOf: trap, getOwnPropertyDescriptor: trap });
    expect(issuesOf(doc([echo('a')], { output: proxy })).map((i) => i.message)).toEqual([
      'the document could not be read: reading it threw "Error: trap"; pass plain data',
    ]);
  });

  it('reads each field once, so a getter that changes its answer cannot break the checks', () => {
    let reads = 0;
    // zod reads the id first (an array), the cross-node checks once more: a string, then an array on the read after.
    const node = {
      activity: 'x',
      get id(): unknown {
        return reads++ % 2 === 1 ? 'a' : ['not', 'an', 'id'];
      },
    };
    const messages = issuesOf(doc([node, echo('b', 'c')])).map((i) => i.message);
    expect(messages.filter((m) => m.startsWith('the document could not be read'))).toEqual([]);
  });
});

afterAll(() => {
  // Runs last: every stable code must be produced by at least one of the documents above.
  expect([...WEFT_ISSUE_CODES].filter((code) => !seenCodes.has(code))).toEqual([]);
});
