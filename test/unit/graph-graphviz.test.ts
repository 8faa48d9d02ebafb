/**
 * Graphviz itself reads what `weft graph --format dot` writes: Debian's `dot`, which `npm test` installs
 * (scripts/bootstrap.js) when it is missing. No server: the unit project.
 */
import { spawnSync } from 'node:child_process';
import { graphOfDocument } from '../../src/dsl/graph-model';
import { toDot } from '../../src/dsl/graph-text';
import { everyShapeStatuses, graphDocuments } from '../graph-documents';

function renderSvg(dot: string): { svg: string; warnings: string } {
  const result = spawnSync('dot', ['-Tsvg'], { input: dot, encoding: 'utf8', timeout: 30_000 });
  if ((result.error as NodeJS.ErrnoException | undefined)?.code === 'ENOENT') {
    throw new Error('Graphviz is not installed (no `dot` on PATH); `npm test` installs it (Debian package graphviz).');
  }
  if (result.error) throw result.error;
  if (result.status !== 0) throw new Error(`dot exited ${result.status}: ${result.stderr}\n${dot}`);
  return { svg: result.stdout, warnings: result.stderr };
}

describe('Graphviz reads the DOT', () => {
  it.each(graphDocuments())('%s, without a warning', (_name, document) => {
    const { svg, warnings } = renderSvg(toDot(graphOfDocument(document)));
    expect(svg).toContain('<svg');
    expect(warnings).toBe('');
  });

  it("a run's colours, sub-DAG clusters and exit handlers, without a warning", () => {
    const every = graphDocuments().find(([name]) => name === 'every-shape')![1];
    const { svg, warnings } = renderSvg(toDot(graphOfDocument(every), everyShapeStatuses));
    expect(warnings).toBe('');
    expect(svg).toContain('<svg');
    expect(svg).toContain('fill="#fee2e2"'); // resize FAILED
    expect(svg).toContain('<title>cluster_load</title>');
    expect(svg).toContain('<title>cluster_on exit</title>');
  });
});
