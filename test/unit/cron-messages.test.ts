/** cron-parser's own messages never reach the user: each kind of mistake has a Weft sentence naming the field. */
import { normalizeCron, previewCron } from '../../src/client/triggers/cron';
import { resolveTrigger } from '../../src/client/triggers/spec';
import { WeftUsageError } from '../../src/errors';

const refusal = (cron: string) => {
  try {
    resolveTrigger({ cron });
  } catch (err) {
    return (err as Error).message;
  }
  throw new Error(`"${cron}" was accepted`);
};

describe('cron mistakes as sentences', () => {
  it.each([
    ['61 * * * *', '--cron "61 * * * *": minute 61 is out of range (0-59).'],
    ['0 60 * * * *', '--cron "0 60 * * * *": minute 60 is out of range (0-59).'],
    ['60 0 * * * *', '--cron "60 0 * * * *": second 60 is out of range (0-59).'],
    ['0 24 * * *', '--cron "0 24 * * *": hour 24 is out of range (0-23).'],
    ['0 0 32 * *', '--cron "0 0 32 * *": day-of-month 32 is out of range (1-31).'],
    ['0 0 0 * *', '--cron "0 0 0 * *": day-of-month 0 is out of range (1-31).'],
    ['0 0 * 13 *', '--cron "0 0 * 13 *": month 13 is out of range (1-12).'],
    ['0 0 * * 8', '--cron "0 0 * * 8": day-of-week 8 is out of range (0-6).'],
    ['1-70 * * * *', '--cron "1-70 * * * *": minute 70 is out of range (0-59).'],
    ['0 9-17,25 * * *', '--cron "0 9-17,25 * * *": hour 25 is out of range (0-23).'],
  ])('out of range: %s', (cron, message) => {
    expect(refusal(cron)).toBe(message);
  });

  it.each([
    ['5-2 * * * *', 'the minute range 5-2 runs backwards'],
    ['0 0 * DEC-JAN *', 'the month range DEC-JAN runs backwards'],
    ['0 0 * * SAT-MON', 'the day-of-week range SAT-MON runs backwards'],
  ])('backwards range: %s', (cron, start) => {
    expect(refusal(cron)).toBe(
      `--cron "${cron}": ${start}; write the smaller value first (cron has no wrap-around ranges).`,
    );
  });

  it('a step of 0', () => {
    expect(refusal('*/0 * * * *')).toBe(
      '--cron "*/0 * * * *": the step "/0" in the minute field never advances; use /1 or more.',
    );
  });

  it.each([
    [
      '0 0 * FOO *',
      '"FOO" in the month field is not a 3-letter month name; use one of JAN, FEB, MAR, APR, MAY, JUN, JUL, AUG, SEP, OCT, NOV, DEC',
    ],
    [
      '0 0 * * FOO',
      '"FOO" in the day-of-week field is not a 3-letter day name; use one of SUN, MON, TUE, WED, THU, FRI, SAT',
    ],
    [
      '0 0 * * MONDAY',
      '"MONDAY" in the day-of-week field is not a 3-letter day name; use one of SUN, MON, TUE, WED, THU, FRI, SAT',
    ],
    [
      '0 0 * JANUARY *',
      '"JANUARY" in the month field is not a 3-letter month name; use one of JAN, FEB, MAR, APR, MAY, JUN, JUL, AUG, SEP, OCT, NOV, DEC',
    ],
    ['0 MON * * *', 'the hour field "MON" holds "MON", but hour takes numbers only (0-23)'],
  ])('bad name: %s', (cron, reason) => {
    expect(refusal(cron)).toBe(`--cron "${cron}": ${reason}.`);
  });

  it.each([
    ['0 0 31 2 *', 'day-of-month 31 never occurs in month 2, so it would never fire'],
    ['0 0 30 FEB *', 'day-of-month 30 never occurs in month FEB, so it would never fire'],
  ])('a day that never comes: %s', (cron, reason) => {
    expect(refusal(cron)).toBe(`--cron "${cron}": ${reason}.`);
  });

  it.each([
    ['* * *', /a cron expression has 5 fields .* "\* \* \*" has 3$/],
    ['1,,2 * * * *', /the minute field "1,,2" is not valid cron/],
    ['0 0 * * 1-3/x', /"x" in the day-of-week field is not a 3-letter day name/],
  ])('bad syntax: %s', (cron, reason) => {
    const checked = normalizeCron(cron);
    expect(checked.ok ? '' : checked.reason).toMatch(reason);
  });
});

describe('cron input fuzzed', () => {
  // A small seeded generator, so a failure names an input that fails again.
  let seed = 20261202;
  const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  const pick = <T>(items: readonly T[]) => items[Math.floor(random() * items.length)];
  const ATOMS = [
    '*',
    '?',
    '0',
    '1',
    '7',
    '12',
    '23',
    '31',
    '59',
    '60',
    '99',
    'JAN',
    'MON',
    'FOO',
    'L',
    'W',
    '#',
    'H',
    'x',
    '',
  ];
  const JOINS = ['', '-', '/', ',', ' ', '  '];
  const field = () => Array.from({ length: 1 + Math.floor(random() * 4) }, () => pick(ATOMS) + pick(JOINS)).join('');
  const CHARS = '0123456789*/,-? LWH#@ABCDEFJMNOSTUabcxyz\t';
  const noise = () => Array.from({ length: Math.floor(random() * 25) }, () => pick([...CHARS])).join('');
  const inputs = [
    ...Array.from({ length: 1500 }, () => Array.from({ length: 4 + Math.floor(random() * 4) }, field).join(' ')),
    ...Array.from({ length: 500 }, noise),
  ];

  it('never gives cron-parser’s own message, a stack or a second line', () => {
    for (const cron of inputs) {
      let message: string;
      try {
        const trigger = resolveTrigger({ cron });
        if (trigger.kind !== 'cron') throw new Error('not cron');
        // What is accepted, cron-parser can preview.
        expect(previewCron(trigger.cron, undefined, 2, new Date('2026-01-01T00:00:00Z')).length).toBeGreaterThan(0);
        continue;
      } catch (err) {
        if (!(err instanceof WeftUsageError)) throw new Error(`"${cron}" threw ${String(err)}`);
        message = err.message;
      }
      expect(message.startsWith(`--cron "${cron}": `)).toBe(true);
      expect(message).toMatch(/\.$/);
      expect(message).not.toMatch(
        /Constraint error|Validation error|Invalid|got value|expected range|cannot resolve|alias|\n/,
      );
    }
  });
});
