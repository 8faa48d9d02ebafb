/**
 * Documents the graph tests draw: every node type, sub-DAGs inside a node (one inside another) and inside a
 * map, exit handlers, ids with dashes and a Mermaid keyword, a label with quotes and a backslash; and a run's
 * statuses for it.
 * Shared by the renderer's unit tests and the tests that hand the text to Graphviz and Mermaid.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { GraphStatuses } from '../src/dsl/graph-text';
import type { WeftDocument } from '../src/dsl/schema';
import { assertValidDocument } from '../src/dsl/validate';

export const everyShapeDocument = {
  dsl: 'weft/v1',
  name: 'every-shape',
  nodes: [
    { id: 'fetch-orders', activity: 'http "GET" C:\\orders' },
    { id: 'wait-a-bit', type: 'sleep', duration: '5m', dependsOn: ['fetch-orders'] },
    { id: 'sign_off', type: 'approval', dependsOn: ['wait-a-bit'] },
    {
      id: 'resize',
      type: 'map',
      dependsOn: ['sign_off'],
      items: '${ [1..10] }',
      node: { activity: 'weft.echo' },
    },
    {
      id: 'per-item',
      type: 'map',
      dependsOn: ['sign_off'],
      items: '${ [1, 2] }',
      node: { type: 'dag', dag: { nodes: [{ id: 'check', activity: 'weft.echo' }] } },
    },
    {
      id: 'load',
      type: 'dag',
      dependsOn: ['resize', 'per-item'],
      dag: {
        nodes: [
          { id: 'stage', activity: 'weft.echo' },
          { id: 'swap', dependsOn: ['stage'], activity: 'weft.echo' },
          { id: 'verify', type: 'dag', dependsOn: ['swap'], dag: { nodes: [{ id: 'count', activity: 'weft.echo' }] } },
        ],
      },
    },
    { id: 'end', type: 'workflow', workflow: 'report', dependsOn: ['load'] },
  ],
  onExit: [
    { id: 'notify', activity: 'weft.http' },
    { id: 'tidy-up', dependsOn: ['notify'], activity: 'weft.echo' },
  ],
};

/** A run of everyShapeDocument part way: a map failed an item, another still runs, an exit handler waits. */
export const everyShapeStatuses: GraphStatuses = {
  'fetch-orders': { status: 'SUCCEEDED' },
  'wait-a-bit': { status: 'SUCCEEDED' },
  sign_off: { status: 'SUCCEEDED' },
  resize: { status: 'FAILED', map: { items: 10, succeeded: 2, failed: 1, running: 0 } },
  'per-item': { status: 'RUNNING', map: { items: 2, succeeded: 1, failed: 0, running: 1 } },
  load: { status: 'PENDING' },
  end: { status: 'PENDING' },
  notify: { status: 'WAITING' },
};

export function exampleDocument(name: string): WeftDocument {
  const path = join(__dirname, '..', 'examples', `${name}.json`);
  return assertValidDocument(JSON.parse(readFileSync(path, 'utf8')), path);
}

/** Every example document and everyShapeDocument, by name. */
export function graphDocuments(): Array<[string, WeftDocument]> {
  const examples = readdirSync(join(__dirname, '..', 'examples'))
    .filter((file) => file.endsWith('.json'))
    .map((file) => file.slice(0, -'.json'.length));
  return [
    ...examples.map((name): [string, WeftDocument] => [name, exampleDocument(name)]),
    ['every-shape', assertValidDocument(everyShapeDocument)],
  ];
}
