import { edgesOf, graphOfDocument } from '../../src/dsl/graph-model';
import { assertValidDocument } from '../../src/dsl/validate';
import { everyShapeDocument, exampleDocument } from '../graph-documents';

describe('graphOfDocument', () => {
  it('draws the diamond as its four nodes in document order, each with its activity and upstream nodes', () => {
    expect(graphOfDocument(exampleDocument('etl-diamond'))).toEqual({
      name: 'etl-diamond',
      nodes: [
        { id: 'extract', type: 'activity', label: 'weft.echo', dependsOn: [] },
        { id: 'clean', type: 'activity', label: 'weft.echo', dependsOn: ['extract'] },
        { id: 'aggregate', type: 'activity', label: 'weft.echo', dependsOn: ['extract'] },
        { id: 'load', type: 'activity', label: 'weft.echo', dependsOn: ['clean', 'aggregate'] },
      ],
    });
  });

  it('labels each node type in a word, nests sub-DAGs in their node, and keeps a map as one node', () => {
    const graph = graphOfDocument(assertValidDocument(everyShapeDocument));
    expect(graph.nodes.map(({ id, type, label }) => ({ id, type, label }))).toEqual([
      { id: 'fetch-orders', type: 'activity', label: 'http "GET" C:\\orders' },
      { id: 'wait-a-bit', type: 'sleep', label: 'sleep 5m' },
      { id: 'sign_off', type: 'approval', label: 'approval' },
      { id: 'resize', type: 'map', label: 'map: weft.echo' },
      { id: 'per-item', type: 'map', label: 'map: sub-DAG, 1 node' },
      { id: 'load', type: 'dag', label: 'sub-DAG, 3 nodes' },
      { id: 'end', type: 'workflow', label: 'report' },
    ]);
    const byId = new Map(graph.nodes.map((node) => [node.id, node]));
    expect(byId.get('resize')).toMatchObject({ map: { template: 'activity', label: 'weft.echo' } });
    expect(byId.get('resize')!.dag).toBeUndefined();
    expect(byId.get('per-item')).toMatchObject({
      map: { template: 'dag', label: 'sub-DAG, 1 node' },
      dag: { nodes: [{ id: 'check', type: 'activity', label: 'weft.echo', dependsOn: [] }] },
    });
    expect(byId.get('load')!.dag).toEqual({
      nodes: [
        { id: 'stage', type: 'activity', label: 'weft.echo', dependsOn: [] },
        { id: 'swap', type: 'activity', label: 'weft.echo', dependsOn: ['stage'] },
        {
          id: 'verify',
          type: 'dag',
          label: 'sub-DAG, 1 node',
          dependsOn: ['swap'],
          dag: { nodes: [{ id: 'count', type: 'activity', label: 'weft.echo', dependsOn: [] }] },
        },
      ],
    });
  });

  it('puts the exit handlers beside the DAG, and leaves onExit out when there are none', () => {
    const graph = graphOfDocument(assertValidDocument(everyShapeDocument));
    expect(graph.onExit).toEqual([
      { id: 'notify', type: 'activity', label: 'weft.http', dependsOn: [] },
      { id: 'tidy-up', type: 'activity', label: 'weft.echo', dependsOn: ['notify'] },
    ]);
    expect(graphOfDocument(exampleDocument('etl-diamond'))).not.toHaveProperty('onExit');
  });

  it("copies each node's dependsOn, so changing the graph does not change the document", () => {
    const document = exampleDocument('etl-diamond');
    graphOfDocument(document).nodes[3]!.dependsOn.push('extract');
    expect(document.nodes[3]!.dependsOn).toEqual(['clean', 'aggregate']);
  });
});

describe('edgesOf', () => {
  it("lists one level's edges upstream first, in document order", () => {
    expect(edgesOf(graphOfDocument(exampleDocument('etl-diamond')).nodes)).toEqual([
      { from: 'extract', to: 'clean' },
      { from: 'extract', to: 'aggregate' },
      { from: 'clean', to: 'load' },
      { from: 'aggregate', to: 'load' },
    ]);
  });

  it("stops at a sub-DAG's box: its inner edges belong to its own level", () => {
    const graph = graphOfDocument(exampleDocument('nightly-load'));
    expect(edgesOf(graph.nodes)).toEqual([
      { from: 'extract', to: 'load' },
      { from: 'load', to: 'report' },
    ]);
    expect(edgesOf(graph.nodes[1]!.dag!.nodes)).toEqual([{ from: 'stage', to: 'swap' }]);
  });
});
