/**
 * How an activity result of a DAG node travels: the user's output as the payload's data, the attempt it took
 * in the payload's metadata (`weft-attempt`). The worker's attempt interceptor hands over
 * `{ [ATTEMPT_KEY]: n, output }`; this converter writes it so that the Temporal Web UI, `temporal workflow show`
 * and any client show the output as the activity returned it, and gives the DAG run the same envelope back.
 *
 * It is the worker's payload converter (`createWeftWorker` sets `payloadConverterPath`), bundled into the
 * workflow sandbox too. Results recorded before it (the envelope in the data) still decode to the same envelope,
 * so old histories replay unchanged; a worker without it passes results through with no attempt.
 */
import { defaultPayloadConverter, type Payload, type PayloadConverter } from '@temporalio/common';
import { ATTEMPT_KEY, type AttemptEnvelope } from './names';

export const ATTEMPT_METADATA_KEY = 'weft-attempt';

// The attempt is a few ASCII digits: written byte by byte, without TextEncoder (the sandbox's is the SDK's own).
const asBytes = (n: number) => Uint8Array.from(String(n), (c) => c.charCodeAt(0));
const fromBytes = (bytes: Uint8Array) => Number(String.fromCharCode(...bytes));

function isEnvelope(value: unknown): value is AttemptEnvelope {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return false;
  const keys = Object.keys(value);
  return (
    typeof (value as AttemptEnvelope)[ATTEMPT_KEY] === 'number' &&
    keys.every((key) => key === ATTEMPT_KEY || key === 'output')
  );
}

class AttemptPayloadConverter implements PayloadConverter {
  toPayload<T>(value: T): Payload {
    if (!isEnvelope(value)) return defaultPayloadConverter.toPayload(value);
    const payload = defaultPayloadConverter.toPayload(value.output);
    return {
      ...payload,
      metadata: { ...payload.metadata, [ATTEMPT_METADATA_KEY]: asBytes(value[ATTEMPT_KEY]) },
    };
  }

  fromPayload<T>(payload: Payload): T {
    const value = defaultPayloadConverter.fromPayload<unknown>(payload);
    const attempt = payload.metadata?.[ATTEMPT_METADATA_KEY];
    if (!attempt) return value as T;
    return { [ATTEMPT_KEY]: fromBytes(attempt), output: value } as T;
  }
}

export const payloadConverter: PayloadConverter = new AttemptPayloadConverter();
