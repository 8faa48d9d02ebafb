import { formatIssues, validateDocument } from '../../src/dsl';
import {
  cutBatches,
  fitOutputs,
  gatherOutputs,
  outputsPerItem,
  unitOutput,
  mapUnits,
  MAX_BATCH_INPUT_CHARS,
  MAX_UNITS_PER_BATCH,
  outputCharsPerBatch,
  planBatches,
  templateReferences,
  toleratedCount,
} from '../../src/dsl/map-plan';
import { mapDetail } from '../../src/dsl/run-result';
import type { MapNode } from '../../src/dsl/schema';

describe('map units', () => {
  it('are the items, or with batchSize slices of them indexed by their first item', () => {
    expect(mapUnits(['a', 'b'], undefined)).toEqual([
      { value: 'a', index: 0, size: 1 },
      { value: 'b', index: 1, size: 1 },
    ]);
    expect(mapUnits([1, 2, 3, 4, 5], 2)).toEqual([
      { value: [1, 2], index: 0, size: 2 },
      { value: [3, 4], index: 2, size: 2 },
      { value: [5], index: 4, size: 1 },
    ]);
  });

  it('gather back one output per item when every batch returns an array of its length, else one per batch', () => {
    const units = mapUnits([1, 2, 3], 2);
    expect(gatherOutputs(units, [['a', 'b'], ['c']], true)).toEqual(['a', 'b', 'c']);
    expect(gatherOutputs(units, [{ sum: 3 }, { sum: 3 }], true)).toEqual([{ sum: 3 }, { sum: 3 }]);
    expect(gatherOutputs(units, [['a', 'b'], null], true)).toEqual([['a', 'b'], null]);
  });
});

describe('toleratedFailures', () => {
  it('is a count, or a percentage of the items rounded down; none by default', () => {
    expect(toleratedCount(undefined, 100)).toBe(0);
    expect(toleratedCount(3, 100)).toBe(3);
    expect(toleratedCount('5%', 100)).toBe(5);
    expect(toleratedCount('5%', 39)).toBe(1);
    expect(toleratedCount('0.5%', 100_000)).toBe(500);
    expect(toleratedCount('100%', 7)).toBe(7);
  });
});

describe('partitioning into child batches', () => {
  const items = (n: number, value: unknown = 1) =>
    mapUnits(
      Array.from({ length: n }, () => value),
      undefined,
    );

  it('cuts at MAX_UNITS_PER_BATCH units and shares the concurrency between batches', () => {
    const plan = planBatches(items(2_100), 300);
    expect(plan.batches).toEqual([
      { first: 0, count: MAX_UNITS_PER_BATCH },
      { first: 1000, count: 1000 },
      { first: 2000, count: 100 },
    ]);
    // Two batches at once, 150 items in flight in each: 300 in all.
    expect(plan).toMatchObject({ perBatch: 150, parallelBatches: 2 });
    expect(planBatches(items(100_000), 100)).toMatchObject({ perBatch: 50, parallelBatches: 2 });
    expect(planBatches(items(100_000), 5_000)).toMatchObject({ perBatch: 1000, parallelBatches: 5 });
    expect(planBatches(items(100_000), 1)).toMatchObject({ perBatch: 1, parallelBatches: 1 });
    expect(planBatches(items(100_000), 100).batches).toHaveLength(100);
  });

  it('cuts earlier when the items are large, so each batch input fits one payload', () => {
    const big = 'x'.repeat(100_000);
    const plan = planBatches(items(30, big), 100);
    expect(plan.batches.length).toBeGreaterThanOrEqual(3);
    for (const { count } of plan.batches)
      expect(count * (big.length + 3)).toBeLessThanOrEqual(MAX_BATCH_INPUT_CHARS + big.length + 3);
  });

  it('gives each batch its share of one payload for outputs, and leaves the largest out to fit', () => {
    expect(outputCharsPerBatch(100)).toBe(15_000);
    expect(outputCharsPerBatch(100_000)).toBe(1_000);
    const { outputs, omitted } = fitOutputs(['a', 'x'.repeat(500), 'b', 'y'.repeat(400)], 100);
    expect(outputs).toEqual(['a', null, 'b', null]);
    expect(omitted).toBe(2);
    expect(fitOutputs([1, 2], 100)).toEqual({ outputs: [1, 2], omitted: 0 });
  });

  it("hands a batch only the upstream nodes its template's input reads", () => {
    const template = {
      type: 'activity',
      activity: 'x',
      input: { a: '${ nodes.list.output[index] }', b: '${ item & nodes.cfg.output.sep }' },
    };
    expect(templateReferences(template as MapNode['node'])).toEqual(['cfg', 'list']);
  });
});

describe('map nodes in a document', () => {
  const doc = (nodes: unknown[]) => ({ dsl: 'weft/v1', name: 'm', nodes });
  const report = (document: unknown) => {
    const result = validateDocument(document);
    if (result.ok) throw new Error('expected the document to be invalid');
    return formatIssues(result.issues, { withCode: true });
  };

  it('accepts an activity, workflow or dag template and fills in the defaults', () => {
    const result = validateDocument(
      doc([
        { id: 'list', activity: 'weft.echo' },
        {
          id: 'm',
          type: 'map',
          dependsOn: ['list'],
          items: '${ nodes.list.output }',
          toleratedFailures: '5%',
          node: {
            activity: 'weft.echo',
            input: { x: '${ item }', i: '${ index }', cfg: '${ nodes.list.output.cfg }' },
          },
        },
        { id: 'w', type: 'map', items: [1], node: { type: 'workflow', workflow: 'report' } },
        {
          id: 'd',
          type: 'map',
          items: [1],
          node: { type: 'dag', dag: { nodes: [{ id: 'a', activity: 'weft.echo' }] } },
        },
      ]),
    );
    if (!result.ok) throw new Error(formatIssues(result.issues));
    const m = result.document.nodes[1]!;
    expect(m.type === 'map' && m.node.type).toBe('activity');
  });

  it('names problems at their path: the items, the template, its sub-DAG', () => {
    expect(
      report(
        doc([
          { id: 'late', activity: 'weft.echo' },
          {
            id: 'm',
            type: 'map',
            items: '${ nodes.late.output }',
            toleratedFailures: '5 percent',
            node: { id: 'x', activity: 'weft.echo', compensate: { activity: 'undo', input: '${ nodes.gone.output }' } },
          },
          {
            id: 'd',
            type: 'map',
            items: [],
            node: { type: 'dag', dag: { nodes: [{ id: 'a', dependsOn: ['b'], activity: 'weft.echo' }] } },
          },
        ]),
      ),
    ).toMatchInlineSnapshot(`
"nodes[1].node.id: unknown field "id" (WEFT_UNKNOWN_FIELD)
nodes[1].toleratedFailures: a percentage such as "5%"; got "5 percent" (WEFT_SCHEMA)
nodes[1].items: "nodes.late" is not upstream of "m"; add "late" to dependsOn (WEFT_NOT_UPSTREAM)
nodes[1].node.compensate.input: expression "nodes.gone.output" reads unknown node "gone" (WEFT_UNKNOWN_NODE)
nodes[2].node.dag.nodes[0].dependsOn[0]: unknown node "b" (WEFT_UNKNOWN_NODE)"
`);
  });
});

describe("a map's progress for a person", () => {
  it('reads as items done, failed, running, and outputs left out', () => {
    expect(mapDetail({ items: 10_000, succeeded: 1_197, failed: 3, running: 100 })).toBe(
      '1,200 / 10,000 items done, 3 failed, 100 running',
    );
    expect(mapDetail({ items: 5, succeeded: 5, failed: 0, running: 0, outputsOmitted: 2 })).toBe(
      '5 / 5 items done, 2 outputs left out of the result',
    );
  });
});

describe("reading a unit's output back for its compensation", () => {
  it('takes the entry of the unit, or its slice when the outputs were gathered per item', () => {
    const units = mapUnits(['a', 'b', 'c', 'd', 'e'], 2);
    const perUnit = ['x', 'y', 'z'];
    expect(outputsPerItem(units, perUnit, true)).toBe(false);
    expect(unitOutput(units[1]!, 1, gatherOutputs(units, perUnit, true), false)).toBe('y');
    const perItem = [['a0', 'b1'], ['c2', 'd3'], ['e4']];
    expect(outputsPerItem(units, perItem, true)).toBe(true);
    expect(unitOutput(units[1]!, 1, gatherOutputs(units, perItem, true), true)).toEqual(['c2', 'd3']);
    expect(unitOutput(units[2]!, 2, gatherOutputs(units, perItem, true), true)).toEqual(['e4']);
    // Without batchSize a unit is an item; an output left out of the result reads as null.
    const single = mapUnits(['a', 'b'], undefined);
    expect(outputsPerItem(single, ['A', 'B'], false)).toBe(false);
    expect(unitOutput(single[1]!, 1, ['A', null], false)).toBeNull();
  });

  it('cuts compensations into batches by count and by size', () => {
    expect(cutBatches(new Array<number>(2500).fill(10))).toEqual([
      { first: 0, count: MAX_UNITS_PER_BATCH },
      { first: 1000, count: MAX_UNITS_PER_BATCH },
      { first: 2000, count: 500 },
    ]);
    const big = MAX_BATCH_INPUT_CHARS / 2 + 1;
    expect(cutBatches([big, big, big])).toEqual([
      { first: 0, count: 1 },
      { first: 1, count: 1 },
      { first: 2, count: 1 },
    ]);
  });

  it("names the upstream nodes a batch needs: the template's input and its compensation's", () => {
    const template = {
      type: 'activity',
      activity: 'upload',
      input: '${ nodes.b.output }',
      compensate: { activity: 'remove', input: { key: '${ output.key }', bucket: '${ nodes.a.output }' } },
    } as MapNode['node'];
    expect(templateReferences(template)).toEqual(['a', 'b']);
  });
});
