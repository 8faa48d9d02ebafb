/**
 * What the Temporal Web UI shows of a node's activity result: the output as the activity returned it (the
 * attempt travels in the payload's metadata), while the run still knows the attempt it took.
 */
import { defaultPayloadConverter } from '@temporalio/common';
import type { WeftClient } from '../../src/client/weft-client';
import { ATTEMPT_METADATA_KEY } from '../../src/protocol/attempt-payload-converter';
import { doc, useWeft } from './dag-helpers';

let weft: WeftClient;
useWeft({}, (_env, w) => (weft = w));

it("records a node's result as its output, and the run knows it took two attempts", async () => {
  const document = doc('plain-results', [
    {
      id: 'flaky',
      activity: 'weft.fail',
      input: { failTimes: 1 },
      retry: { maxAttempts: 2, initialInterval: '100ms' },
    },
  ]);
  const run = await weft.start(document, { workflowId: `plain-results-${Date.now()}` });
  const result = await run.result();
  expect(result.nodes.flaky).toMatchObject({ status: 'SUCCEEDED', attempts: 2, output: { attempt: 2 } });

  const { history } = await weft.temporal.workflowService.getWorkflowExecutionHistory({
    namespace: 'default',
    execution: { workflowId: run.workflowId },
  });
  const completed = history!.events!.find((e) => e.activityTaskCompletedEventAttributes)!;
  const payload = completed.activityTaskCompletedEventAttributes!.result!.payloads![0]!;
  // Decoded as any client (or the Web UI) decodes it: no Weft envelope.
  expect(defaultPayloadConverter.fromPayload(payload as never)).toEqual({ attempt: 2 });
  expect(Buffer.from(payload.metadata![ATTEMPT_METADATA_KEY]!).toString()).toBe('2');
});
