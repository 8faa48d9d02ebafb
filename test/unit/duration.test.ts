// Temporal's own parser, used only here to prove Weft accepts exactly what the SDK will accept.
import { msToNumber } from '@temporalio/common/lib/time';
import { durationToMs, MAX_DURATION_MS, parseDuration } from '../../src/dsl';

describe('parseDuration', () => {
  it.each([
    ['30s', 30_000],
    ['5m', 300_000],
    ['1 hour', 3_600_000],
    ['1.5h', 5_400_000],
    ['100ms', 100],
    ['2 days', 172_800_000],
    ['1w', 604_800_000],
    ['2 minutes', 120_000],
    ['10 secs', 10_000],
    ['.5s', 500],
    ['1H', 3_600_000],
    ['500', 500],
    [250, 250],
    [0.5, 0.5],
  ])('reads %p as %p ms, as Temporal does', (value, expected) => {
    expect(parseDuration(value)).toEqual({ ok: true, ms: expected });
    expect(msToNumber(value as never)).toBe(expected);
  });

  it.each(['', 'soon', '5 mins later', '1h30m', 'PT5M', ' 5s', '5s ', '5 s s', 'x'.repeat(101)])(
    'refuses %p, which Temporal also refuses',
    (value) => {
      const result = parseDuration(value);
      expect(result.ok).toBe(false);
      if (value !== '') expect(() => msToNumber(value as never)).toThrow();
    },
  );

  it('refuses zero, negative and absurdly long durations that Temporal would read', () => {
    for (const value of [0, '0s', -5, '-5s', '-1 hour', Infinity, NaN, '1000000y', MAX_DURATION_MS + 1]) {
      expect(parseDuration(value).ok).toBe(false);
    }
    expect(parseDuration(MAX_DURATION_MS)).toEqual({ ok: true, ms: MAX_DURATION_MS });
  });

  it('refuses values that are neither strings nor numbers', () => {
    for (const value of [null, undefined, true, {}, ['5s']]) expect(parseDuration(value).ok).toBe(false);
  });

  it('explains what it expected', () => {
    expect(parseDuration('soon')).toMatchInlineSnapshot(`
{
  "ok": false,
  "reason": ""soon" is not a duration; write e.g. "30s", "5m", "1.5h", "2 days" or a number of milliseconds",
}
`);
    expect(parseDuration('0s')).toMatchInlineSnapshot(`
{
  "ok": false,
  "reason": ""0s" is not a positive duration; durations must be greater than zero",
}
`);
    expect(parseDuration(-3)).toMatchInlineSnapshot(`
{
  "ok": false,
  "reason": "-3 is not a positive duration; durations must be greater than zero",
}
`);
    expect(parseDuration(true)).toMatchInlineSnapshot(`
{
  "ok": false,
  "reason": "a value of type boolean is not a duration; write e.g. "30s", "5m", "1.5h", "2 days" or a number of milliseconds",
}
`);
    expect(parseDuration('99999999 years')).toMatchInlineSnapshot(`
{
  "ok": false,
  "reason": ""99999999 years" is longer than Temporal allows (10,000 years)",
}
`);
  });
});

describe('durationToMs', () => {
  it('returns milliseconds for a valid duration and throws for an invalid one', () => {
    expect(durationToMs('1.5h')).toBe(5_400_000);
    expect(() => durationToMs('soon')).toThrow(RangeError);
  });
});
