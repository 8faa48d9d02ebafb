import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { formatIssues, validateDocument } from '../../src/dsl';
import { exitDocument, nodesReadOnExit } from '../../src/dsl/exit-handlers';

const report = (doc: unknown) => {
  const result = validateDocument(doc);
  return result.ok ? 'valid' : formatIssues(result.issues);
};
const base = { dsl: 'weft/v1', name: 'exits', nodes: [{ id: 'load', activity: 'weft.echo' }] };

describe('onExit, the exit handlers', () => {
  it('accepts handlers that depend on each other and read run.status, run.error and any DAG node', () => {
    expect(
      report({
        ...base,
        onExit: [
          { id: 'notify', activity: 'weft.echo', input: { s: '${ run.status }', rows: '${ nodes.load.output }' } },
          { id: 'then', dependsOn: ['notify'], activity: 'weft.echo', when: "run.status = 'SUCCEEDED'" },
        ],
      }),
    ).toBe('valid');
  });

  it('names every problem at its path under onExit', () => {
    expect(
      report({
        ...base,
        onExit: [
          { id: 'load', activity: 'weft.echo' },
          { id: 'n', dependsOn: ['load', 'ghost'], activity: 'weft.echo', input: '${ nodes.gone.output }' },
          { id: 'm', dependsOn: ['m2'], activity: 'weft.echo' },
          { id: 'm2', dependsOn: ['m'], activity: 'weft.echo' },
        ],
      }),
    ).toMatchInlineSnapshot(`
"onExit[0].id: duplicate id "load": a node of the DAG already uses it; exit handlers need ids of their own
onExit[1].dependsOn[0]: "load" is a node of the DAG; exit handlers run once it has ended and depend only on each other (their expressions may read it)
onExit[1].dependsOn[1]: unknown node "ghost"
onExit[2].dependsOn[0]: dependency cycle m -> m2 -> m (each node depends on the one before it); remove one of these dependencies
onExit[1].input: expression "nodes.gone.output" reads unknown node "gone""
`);
  });

  it('gives the handlers a document of their own and the views of the DAG nodes they read', () => {
    const result = validateDocument(
      JSON.parse(readFileSync(join(__dirname, '../../examples/notify-on-exit.json'), 'utf8')),
    );
    if (!result.ok) throw new Error(formatIssues(result.issues));
    expect(nodesReadOnExit(result.document)).toEqual(['extract']);
    const exit = exitDocument(result.document);
    expect(exit).toMatchObject({ name: 'notify-on-exit.onExit', failFast: false, nodes: [{ id: 'notify' }] });
    // The child validates its document knowing the DAG nodes its input carries.
    expect(validateDocument(exit).ok).toBe(false);
    expect(validateDocument(exit, { readable: ['extract'] }).ok).toBe(true);
    const follow = validateDocument(
      JSON.parse(readFileSync(join(__dirname, '../../examples/follow-up-on-success.json'), 'utf8')),
    );
    expect(follow.ok).toBe(true);
  });
});
