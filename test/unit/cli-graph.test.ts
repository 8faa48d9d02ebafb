import { copyFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { weft } from '../cli-harness';
import { graphOfDocument } from '../../src/dsl/graph-model';
import { toDot, toMermaid } from '../../src/dsl/graph-text';
import { exampleDocument } from '../graph-documents';

// No server answers there: a document is drawn without one (a run's graph is in test/integration/cli-runs.test.ts).
const offline = { TEMPORAL_ADDRESS: '127.0.0.1:1' };

describe('weft graph <file>', () => {
  it('prints the DAG as Mermaid by default, and exits 0', async () => {
    const { code, stdout, stderr } = await weft(['graph', 'examples/etl-diamond.json'], offline);
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
    expect(stdout).toBe(toMermaid(graphOfDocument(exampleDocument('etl-diamond'))));
    expect(stdout.split('\n')[0]).toBe('flowchart TD');
  });

  it('prints Graphviz DOT with --format dot', async () => {
    const { code, stdout } = await weft(['graph', 'examples/nightly-load.json', '--format', 'dot'], offline);
    expect(code).toBe(0);
    expect(stdout).toBe(toDot(graphOfDocument(exampleDocument('nightly-load'))));
    expect(stdout).toContain('subgraph "cluster_load" {');
  });

  it('reads any file that exists as a document, whatever its name ends with', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'weft-graph-')), 'diamond.weft');
    copyFileSync('examples/etl-diamond.json', file);
    const { code, stdout } = await weft(['graph', file], offline);
    expect(code).toBe(0);
    expect(stdout).toContain('n0["extract<br/>weft.echo"]');
  });

  it('exits 2 with a sentence for an unknown --format, before reading anything', async () => {
    const { code, stdout, stderr } = await weft(['graph', 'test/fixtures/nope.json', '--format', 'svg'], offline);
    expect({ code, stdout }).toEqual({ code: 2, stdout: '' });
    expect(stderr).toBe('weft: --format must be mermaid or dot; got "svg".');
  });

  it("prints an invalid document's issues as weft validate does, and exits 2", async () => {
    const { code, stdout, stderr } = await weft(['graph', 'test/fixtures/four-problems.json'], offline);
    expect({ code, stdout }).toEqual({ code: 2, stdout: '' });
    const validate = await weft(['validate', 'test/fixtures/four-problems.json']);
    expect(stderr).toBe(`weft: test/fixtures/four-problems.json is not a valid Weft document:\n${validate.stdout}`);
  });

  it('names a missing .json file in one sentence, and exits 2', async () => {
    const { code, stderr } = await weft(['graph', 'test/fixtures/nope.json'], offline);
    expect(code).toBe(2);
    expect(stderr).toBe('weft: There is no file "test/fixtures/nope.json".');
  });
});
