import { tracingRequestedByEnv } from '../../src/worker/tracing';

describe('tracingRequestedByEnv', () => {
  it.each([
    [undefined, false],
    ['', false],
    ['none', false],
    ['console', false],
    ['otlp', true],
    ['console, otlp', true],
  ])('OTEL_TRACES_EXPORTER=%p asks for OTLP: %p', (value, expected) => {
    expect(tracingRequestedByEnv(value === undefined ? {} : { OTEL_TRACES_EXPORTER: value })).toBe(expected);
  });
});
