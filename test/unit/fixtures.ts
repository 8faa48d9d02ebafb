/** Shared test data: a run context as the interpreter builds it. Not a test file (no .test.ts suffix). */
import type { ExpressionContext } from '../../src/dsl';

export const context: ExpressionContext = {
  input: { name: 'Ada', count: 3, tags: ['a', 'b'], price: 0.1, nested: { deep: { x: 1 } }, nothing: null },
  nodes: {
    fetch: {
      status: 'SUCCEEDED',
      output: {
        status: 200,
        body: {
          items: [
            { id: 1, ok: true },
            { id: 2, ok: false },
          ],
        },
        'weird-key': 1,
      },
      error: null,
    },
    'weird-id': { status: 'SUCCEEDED', output: 'w', error: null },
    failed: { status: 'FAILED', output: null, error: { message: 'boom', type: 'CarrierError' } },
    secret: { status: 'SUCCEEDED', output: { token: 's3cr3t' }, error: null },
  },
  run: { workflowId: 'wf-1', startedAt: '2026-11-20T10:00:00.000Z' },
};
