import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  documentJsonSchema,
  validateDocument,
  WeftDocumentSchema,
  type ActivityNode,
  type ApprovalNode,
  type SleepNode,
  type WeftDocument,
  type WorkflowNode,
} from '../../src/dsl';

const SCHEMA_FILE = join(__dirname, '../../schema/weft-v1.schema.json');

function parse(document: unknown): WeftDocument {
  const result = validateDocument(document);
  if (!result.ok) throw new Error(JSON.stringify(result.issues, null, 2));
  return result.document;
}

describe('the parsed document', () => {
  it('fills in the documented defaults', () => {
    const document = parse({ dsl: 'weft/v1', name: 'd', nodes: [{ id: 'a', activity: 'weft.echo' }] });
    expect(document).toEqual({
      dsl: 'weft/v1',
      name: 'd',
      failFast: true,
      nodes: [
        { id: 'a', type: 'activity', activity: 'weft.echo', dependsOn: [], trigger: 'allSuccess', onFailure: 'fail' },
      ],
    });
  });

  it('reads every node type with all its fields', () => {
    const document = parse({
      $schema: '../schema/weft-v1.schema.json',
      dsl: 'weft/v1',
      name: 'all.types_1-2',
      description: 'every field once',
      input: { region: 'eu', nested: { list: [1, null, true] } },
      defaults: { retry: { maxAttempts: 3 }, timeout: { startToClose: '1m' }, taskQueue: 'default' },
      maxParallelism: 4,
      failFast: false,
      nodes: [
        {
          id: 'charge',
          type: 'activity',
          description: 'charge the card',
          activity: 'chargeCard',
          input: { amount: '${ input.amount }' },
          retry: {
            maxAttempts: 5,
            initialInterval: '1s',
            backoffCoefficient: 2,
            maximumInterval: '1m',
            nonRetryable: ['CardDeclined'],
          },
          timeout: { startToClose: '30s', scheduleToClose: '5m', scheduleToStart: '1m', heartbeat: '10s' },
          compensate: {
            activity: 'refund',
            input: { id: '${ nodes.charge.output.id }' },
            retry: { maxAttempts: 10 },
            timeout: { startToClose: '1m' },
          },
          taskQueue: 'payments',
          onFailure: 'continue',
        },
        { id: 'pause', type: 'sleep', duration: '1 hour', dependsOn: ['charge'], trigger: 'allDone' },
        {
          id: 'approve',
          type: 'approval',
          timeout: '2 days',
          onTimeout: 'approve',
          dependsOn: ['pause'],
          onFailure: 'wait',
        },
        {
          id: 'child',
          type: 'workflow',
          workflow: 'shipOrder',
          input: { order: '${ nodes.approve.output }' },
          taskQueue: 'shipping',
          retry: { maxAttempts: 2 },
          timeout: { execution: '1h', run: '30m', task: '10s' },
          dependsOn: ['approve'],
          when: 'nodes.approve.status = "SUCCEEDED"',
        },
      ],
      output: { shipped: '${ nodes.child.output }' },
    });
    const [charge, pause, approve, child] = document.nodes as [ActivityNode, SleepNode, ApprovalNode, WorkflowNode];
    expect(charge.type).toBe('activity');
    expect(charge.compensate?.activity).toBe('refund');
    expect(pause).toMatchObject({ type: 'sleep', duration: '1 hour', trigger: 'allDone' });
    expect(approve).toMatchObject({ type: 'approval', timeout: '2 days', onTimeout: 'approve', onFailure: 'wait' });
    expect(child).toMatchObject({
      type: 'workflow',
      workflow: 'shipOrder',
      timeout: { execution: '1h', run: '30m', task: '10s' },
    });
    expect(document.failFast).toBe(false);
  });

  it('defaults an approval to reject on timeout', () => {
    const document = parse({ dsl: 'weft/v1', name: 'd', nodes: [{ id: 'ok', type: 'approval', timeout: '1h' }] });
    expect(document.nodes[0]).toMatchObject({ onTimeout: 'reject' });
  });

  it('accepts numbers of milliseconds as durations', () => {
    const document = parse({ dsl: 'weft/v1', name: 'd', nodes: [{ id: 's', type: 'sleep', duration: 1500 }] });
    expect(document.nodes[0]).toMatchObject({ duration: 1500 });
  });

  it('is the same schema validateDocument uses', () => {
    expect(
      WeftDocumentSchema.safeParse({ dsl: 'weft/v1', name: 'd', nodes: [{ id: 'a', activity: 'x' }] }).success,
    ).toBe(true);
  });
});

describe('the JSON Schema for editors', () => {
  const generated = `${JSON.stringify(documentJsonSchema(), null, 2)}\n`;

  it('is committed in schema/weft-v1.schema.json and up to date (WEFT_UPDATE_SCHEMA=1 rewrites it)', () => {
    if (process.env['WEFT_UPDATE_SCHEMA'] === '1') writeFileSync(SCHEMA_FILE, generated);
    expect(readFileSync(SCHEMA_FILE, 'utf8')).toBe(generated);
  });

  it('names where the published package serves it ($id), the path it has in the package', () => {
    const { $id } = documentJsonSchema() as { $id: string };
    expect($id).toBe('https://unpkg.com/weft-dag/schema/weft-v1.schema.json');
    const pkg = JSON.parse(readFileSync(join(__dirname, '../../package.json'), 'utf8')) as { name: string };
    expect($id).toContain(`/${pkg.name}/schema/weft-v1.schema.json`);
  });

  it('describes the document as written: strict objects, required fields, defaults', () => {
    const schema = documentJsonSchema() as {
      required: string[];
      additionalProperties: boolean;
      properties: Record<string, { default?: unknown; minItems?: number; items?: { $ref: string } }>;
      $defs: Record<string, { anyOf?: { required: string[]; properties: Record<string, unknown> }[] }>;
    };
    expect(schema.required).toEqual(['dsl', 'name', 'nodes']);
    expect(schema.additionalProperties).toBe(false);
    expect(schema.properties['failFast']!.default).toBe(true);
    expect(schema.properties['nodes']!.minItems).toBe(1);
    // A node is a definition of its own: `dag` nodes hold nodes.
    expect(schema.properties['nodes']!.items).toEqual({ $ref: '#/$defs/Node' });
    const nodeTypes = schema.$defs['Node']!.anyOf!;
    expect(nodeTypes.map((node) => node.required)).toEqual([
      ['id', 'activity'],
      ['id', 'type', 'duration'],
      ['id', 'type'],
      ['id', 'type', 'workflow'],
      ['id', 'type', 'dag'],
      ['id', 'type', 'items', 'node'],
    ]);
    expect(JSON.stringify(nodeTypes[4]!.properties['dag'])).toContain('"$ref":"#/$defs/Node"');
    expect(Object.keys(schema.$defs)).toEqual(['Node', 'RetryPolicy', 'ActivityTimeouts', 'Duration', 'JsonValue']);
    expect(JSON.stringify(schema)).not.toContain('"id":"Duration"');
  });
});
