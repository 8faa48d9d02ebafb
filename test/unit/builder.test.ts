import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { dag, jsonata, text } from '../../src/workflow';
import { validateDocument } from '../../src/dsl/validate';
import { etlDiamond } from '../../examples/etl-diamond.dag';

describe('the typed builder', () => {
  it('builds exactly the hand-written etl-diamond document', () => {
    const { $schema, ...json } = JSON.parse(readFileSync(join(__dirname, '../../examples/etl-diamond.json'), 'utf8'));
    expect($schema).toBeDefined();
    expect(etlDiamond).toEqual(json);
  });

  it('round-trips through JSON and validates with the same schema', () => {
    const again = JSON.parse(JSON.stringify(etlDiamond));
    expect(again).toEqual(etlDiamond);
    expect(validateDocument(again).ok).toBe(true);
  });

  it('inlines a sub-DAG built with dag(): its body without dsl and name, its output typed downstream', () => {
    const load = dag<{}, { rows: number[] }>('load', { input: { rows: [] } })
      .activity('count', 'weft.echo', { input: ({ input }) => ({ n: input.rows }) })
      .output(({ nodes }) => nodes.count.output)
      .build();
    const parent = dag('etl')
      .activity('extract', 'weft.echo', { input: { rows: [1, 2] } })
      .dag('load', load, {
        dependsOn: ['extract'],
        input: ({ nodes }) => ({ rows: nodes.extract.output.rows }),
        timeout: { execution: '10m' },
      })
      .activity('report', 'weft.echo', { dependsOn: ['load'], input: ({ nodes }) => ({ loaded: nodes.load.output }) })
      .build();
    expect(parent.nodes[1]).toEqual({
      id: 'load',
      type: 'dag',
      dependsOn: ['extract'],
      dag: { input: { rows: [] }, nodes: load.nodes, output: load.output },
      input: { rows: '${ nodes.extract.output.rows }' },
      timeout: { execution: '10m' },
    });
    expect(validateDocument(parent).ok).toBe(true);
  });

  it('maps an activity over an upstream list, item typed from it, the output an array of its outputs', () => {
    type Images = {
      listImages(input: { bucket: string }): Promise<{ images: Array<{ url: string; size: number }> }>;
      resize(input: { url: string; n: number }): Promise<{ thumbnail: string }>;
      remove(input: { thumbnail: string; source: string }): Promise<void>;
    };
    const thumbnails = dag<Images>('thumbnails')
      .activity('list', 'listImages', { input: { bucket: 'b' } })
      .map('resize', ({ nodes }) => nodes.list.output.images, 'resize', {
        dependsOn: ['list'],
        maxConcurrency: 10,
        toleratedFailures: '5%',
        input: ({ item, index }) => ({ url: item.url, n: index }),
        compensate: {
          activity: 'remove',
          input: ({ item, output }) => ({ thumbnail: output.thumbnail, source: item.url }),
        },
      })
      .activity('count', 'weft.echo', {
        dependsOn: ['resize'],
        input: ({ nodes }) => nodes.resize.output[0]!.thumbnail,
      })
      .build();
    expect(thumbnails.nodes[1]).toEqual({
      id: 'resize',
      type: 'map',
      dependsOn: ['list'],
      items: '${ nodes.list.output.images }',
      maxConcurrency: 10,
      toleratedFailures: '5%',
      node: {
        activity: 'resize',
        input: { url: '${ item.url }', n: '${ index }' },
        compensate: { activity: 'remove', input: { thumbnail: '${ output.thumbnail }', source: '${ item.url }' } },
      },
    });
    expect(validateDocument(thumbnails).ok).toBe(true);
  });

  it('refuses, with the validator’s messages, a reference to a node that is not upstream', () => {
    const build = () =>
      dag('bad')
        .activity('a', 'weft.echo', { input: 1 })
        .activity('b', 'weft.echo', { input: ({ nodes }) => nodes.a.output })
        .build();
    expect(build).toThrow(/nodes\[1\]\.input: .*"a".*dependsOn/);
  });

  it('writes ids that are not identifiers, array indexes, conditions and literal ${ correctly', () => {
    const doc = dag<{}, { items: string[] }>('quoting')
      .activity('fetch-all', 'weft.http', { input: { url: 'http://localhost/items' } })
      .activity('first', 'weft.echo', {
        dependsOn: ['fetch-all'],
        when: ({ nodes }) => jsonata`${nodes['fetch-all'].output.status} = 200`,
        input: ({ nodes, input }) => ({
          item: input.items[0],
          body: nodes['fetch-all'].output.body,
          note: text`costs \${price} for ${input.items[1]}`,
        }),
      })
      .build();
    expect(doc.nodes[1]).toEqual({
      id: 'first',
      dependsOn: ['fetch-all'],
      when: '(nodes.`fetch-all`.output.status) = 200',
      activity: 'weft.echo',
      input: {
        item: '${ input.items[0] }',
        body: '${ nodes.`fetch-all`.output.body }',
        note: 'costs $${price} for ${ input.items[1] }',
      },
    });
  });

  it('carries the document-level options, the DAG timeout among them', () => {
    const doc = dag('bounded', { timeout: '2h', maxParallelism: 4, failFast: false })
      .activity('a', 'weft.echo', { input: 1 })
      .build();
    expect(doc).toMatchObject({ timeout: '2h', maxParallelism: 4, failFast: false });
    expect(validateDocument(doc).ok).toBe(true);
  });

  it('builds sleep, approval and workflow nodes', () => {
    async function report(input: { day: string }): Promise<{ rows: number }> {
      return { rows: input.day.length };
    }
    const doc = dag('kinds')
      .sleep('wait', '5m')
      .approval<'go', { by: string }>('go', { dependsOn: ['wait'], timeout: '1h', onTimeout: 'reject' })
      .workflow('count', report, { dependsOn: ['go'], input: ({ nodes }) => ({ day: nodes.go.output.by }) })
      .output(({ nodes }) => nodes.count.output.rows)
      .build();
    expect(doc.nodes).toEqual([
      { id: 'wait', type: 'sleep', duration: '5m' },
      { id: 'go', type: 'approval', dependsOn: ['wait'], timeout: '1h', onTimeout: 'reject' },
      {
        id: 'count',
        type: 'workflow',
        dependsOn: ['go'],
        workflow: 'report',
        input: { day: '${ nodes.go.output.by }' },
      },
    ]);
    expect(doc.output).toBe('${ nodes.count.output.rows }');
  });
});
