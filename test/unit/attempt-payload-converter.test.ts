import { defaultPayloadConverter } from '@temporalio/common';
import { ATTEMPT_METADATA_KEY, payloadConverter } from '../../src/protocol/attempt-payload-converter';
import { ATTEMPT_KEY } from '../../src/protocol/names';

describe('the attempt payload converter (activity results of DAG nodes)', () => {
  it('writes the output as the data and the attempt as metadata, and reads the envelope back', () => {
    const payload = payloadConverter.toPayload({ [ATTEMPT_KEY]: 3, output: { rows: 12 } });
    // What the Web UI and any other client decode: the output as the activity returned it.
    expect(defaultPayloadConverter.fromPayload(payload)).toEqual({ rows: 12 });
    expect(Buffer.from(payload.metadata![ATTEMPT_METADATA_KEY]!).toString()).toBe('3');
    expect(payloadConverter.fromPayload(payload)).toEqual({ [ATTEMPT_KEY]: 3, output: { rows: 12 } });
  });

  it('keeps outputs of every shape, undefined and null included', () => {
    for (const output of [undefined, null, 0, 'text', [1, 2], { nested: { a: true } }])
      expect(payloadConverter.fromPayload(payloadConverter.toPayload({ [ATTEMPT_KEY]: 1, output }))).toEqual({
        [ATTEMPT_KEY]: 1,
        output,
      });
  });

  it('reads results recorded before it (the envelope in the data) as they were, and leaves other values alone', () => {
    const recorded = defaultPayloadConverter.toPayload({ [ATTEMPT_KEY]: 2, output: 'x' });
    expect(payloadConverter.fromPayload(recorded)).toEqual({ [ATTEMPT_KEY]: 2, output: 'x' });
    const plain = payloadConverter.toPayload({ [ATTEMPT_KEY]: 2, output: 'x', extra: 1 });
    expect(plain.metadata![ATTEMPT_METADATA_KEY]).toBeUndefined();
    expect(payloadConverter.fromPayload(payloadConverter.toPayload({ a: 1 }))).toEqual({ a: 1 });
  });
});
