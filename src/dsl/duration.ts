/**
 * Durations exactly as Temporal's TypeScript SDK reads them: a string in the `ms` package's format
 * ("30s", "5m", "1.5h", "1 hour", "2 days", "100ms", "1w"; a bare "500" is milliseconds) or a number of
 * milliseconds. The SDK types these as `any` and only fails when a workflow schedules the timer or activity,
 * so Weft checks them when the document is validated instead.
 *
 * Weft is stricter than the SDK in one way: a duration must be greater than zero (Temporal reads 0 as
 * "no timeout" in some places and rejects it in others; a DAG document that means "none" omits the field).
 */
import ms from 'ms';

export type Duration = string | number;

export type DurationResult =
  { readonly ok: true; readonly ms: number } | { readonly ok: false; readonly reason: string };

/** protobuf's Duration caps at 315,576,000,000 seconds (10,000 years); the server refuses anything longer. */
export const MAX_DURATION_MS = 315_576_000_000_000;

const EXAMPLES = 'write e.g. "30s", "5m", "1.5h", "2 days" or a number of milliseconds';

/** Never throws: the reason reads as the end of a sentence about the offending value. */
export function parseDuration(value: unknown): DurationResult {
  let millis: number | undefined;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) return { ok: false, reason: `${String(value)} is not a duration; ${EXAMPLES}` };
    millis = value;
  } else if (typeof value === 'string') {
    // ms() throws on the empty string and returns undefined when the text does not match its grammar.
    millis = value === '' ? undefined : ms(value as ms.StringValue);
    if (millis === undefined || Number.isNaN(millis)) {
      return { ok: false, reason: `${JSON.stringify(value)} is not a duration; ${EXAMPLES}` };
    }
  } else {
    const what = value === null ? 'null' : Array.isArray(value) ? 'an array' : `a value of type ${typeof value}`;
    return { ok: false, reason: `${what} is not a duration; ${EXAMPLES}` };
  }
  if (millis <= 0) {
    return {
      ok: false,
      reason: `${JSON.stringify(value)} is not a positive duration; durations must be greater than zero`,
    };
  }
  if (millis > MAX_DURATION_MS) {
    return { ok: false, reason: `${JSON.stringify(value)} is longer than Temporal allows (10,000 years)` };
  }
  return { ok: true, ms: millis };
}

/** For values that already passed validation; throws a RangeError otherwise. */
export function durationToMs(value: Duration): number {
  const result = parseDuration(value);
  if (!result.ok) throw new RangeError(result.reason);
  return result.ms;
}
