/**
 * Cron expressions as Weft accepts them: the part of cron that Temporal's schedule parser and cron-parser
 * (used for `weft schedule preview` and validation) read the same way, so the times previewed are the
 * times Temporal fires. Where the two differ, Weft translates when one reading is clearly meant and
 * refuses otherwise, saying why:
 *
 * - 5 fields (minute hour day-of-month month day-of-week): as is.
 * - 6 fields: seconds first (Quartz, Spring, xxl-job). Temporal reads a 6th field as the year, so Weft
 *   sends it as 7 fields with year `*`.
 * - 7 fields: seconds first, year last; only year `*` (cron-parser has no year field).
 * - `?` (Quartz: "no specific value") in day-of-month or day-of-week: read as `*` (Temporal has no `?`).
 * - @yearly, @annually, @monthly, @weekly, @daily, @midnight, @hourly: expanded as Temporal does.
 * - Refused: day-of-month and day-of-week both restricted (Vixie cron and cron-parser fire on either,
 *   Temporal on both); `L`, `W`, `#`, `H` (Temporal has none; it even reads `#` as a comment); 7 for Sunday
 *   (Temporal drops Sunday from `1-7`); names longer than 3 letters; `CRON_TZ=` (use the timezone option);
 *   `@every` (use an interval).
 */
import { CronExpressionParser } from 'cron-parser';

export interface NormalizedCron {
  /** What Temporal's schedule spec receives. */
  temporal: string;
  /** What cron-parser reads for previews. */
  parser: string;
}

export type CronCheck = { ok: true; cron: NormalizedCron } | { ok: false; reason: string };

const MACROS: Record<string, string> = {
  '@yearly': '0 0 1 1 *',
  '@annually': '0 0 1 1 *',
  '@monthly': '0 0 1 * *',
  '@weekly': '0 0 * * 0',
  '@daily': '0 0 * * *',
  '@midnight': '0 0 * * *',
  '@hourly': '0 * * * *',
};

const MONTHS = 'JAN|FEB|MAR|APR|MAY|JUN|JUL|AUG|SEP|OCT|NOV|DEC';
const DAYS = 'SUN|MON|TUE|WED|THU|FRI|SAT';
const number = '\\d{1,2}';
const atom = (names?: string) => (names ? `(?:${number}|${names})` : number);
/** `*`, `a`, `a-b`, each optionally `/step`, comma-separated. */
const fieldPattern = (names?: string) =>
  new RegExp(
    `^(?:\\*|${atom(names)}(?:-${atom(names)})?)(?:/\\d{1,2})?(?:,(?:\\*|${atom(names)}(?:-${atom(names)})?)(?:/\\d{1,2})?)*$`,
    'i',
  );

const FIELD = {
  second: fieldPattern(),
  minute: fieldPattern(),
  hour: fieldPattern(),
  dayOfMonth: fieldPattern(),
  month: fieldPattern(MONTHS),
  dayOfWeek: fieldPattern(DAYS),
};

const unrestricted = (field: string) => field === '*' || field === '?';

export function normalizeCron(expression: string): CronCheck {
  const text = expression.trim().replace(/\s+/g, ' ');
  if (!text) return { ok: false, reason: 'the cron expression is empty' };
  if (/^(CRON_)?TZ=/i.test(text))
    return {
      ok: false,
      reason: 'give the time zone with --timezone (or `timezone`), not as CRON_TZ= in the expression',
    };
  if (text.startsWith('@')) {
    if (text.startsWith('@every'))
      return { ok: false, reason: '@every is an interval: use --every (fixed rate) instead of --cron' };
    const expanded = MACROS[text.toLowerCase()];
    if (!expanded)
      return {
        ok: false,
        reason: `"${text}" is not a cron macro Weft knows; use one of ${Object.keys(MACROS).join(', ')}`,
      };
    return normalizeCron(expanded);
  }
  const fields = text.split(' ');
  let second = '0';
  let rest: string[];
  if (fields.length === 5) rest = fields;
  else if (fields.length === 6) [second, ...rest] = fields;
  else if (fields.length === 7) {
    if (fields[6] !== '*')
      return { ok: false, reason: `the year field "${fields[6]}" is not supported; use * (or 5 or 6 fields)` };
    [second, ...rest] = fields.slice(0, 6);
  } else {
    return {
      ok: false,
      reason: `a cron expression has 5 fields (minute hour day-of-month month day-of-week), or 6 with seconds first; "${text}" has ${fields.length}`,
    };
  }
  let [minute, hour, dayOfMonth, month, dayOfWeek] = rest;
  const special = /[LW#H]/i;
  if (special.test(dayOfMonth) || special.test(dayOfWeek.replace(new RegExp(DAYS, 'gi'), ''))) {
    return { ok: false, reason: 'L, W, # and H are not supported by Temporal schedules; list the days instead' };
  }
  if (!unrestricted(dayOfMonth) && !unrestricted(dayOfWeek)) {
    return {
      ok: false,
      reason:
        `it restricts both day-of-month ("${dayOfMonth}") and day-of-week ("${dayOfWeek}"), which cron tools read differently ` +
        '(classic cron fires on either, Temporal only on days matching both); restrict one of them and set the other to *, or create two schedules',
    };
  }
  if (dayOfMonth === '?') dayOfMonth = '*';
  if (dayOfWeek === '?') dayOfWeek = '*';
  const named = { second, minute, hour, dayOfMonth, month, dayOfWeek };
  for (const [name, value] of Object.entries(named) as [keyof typeof FIELD, string][]) {
    const badName = checkNames(name, value);
    if (badName) return { ok: false, reason: badName };
    if (!FIELD[name].test(value))
      return {
        ok: false,
        reason: `the ${fieldName(name)} field "${value}" is not valid cron; use numbers, 3-letter names, *, ranges a-b, steps /n and lists`,
      };
  }
  if (/(^|[,-])7(?=$|[,/-])/.test(dayOfWeek))
    return { ok: false, reason: 'write Sunday as 0 or SUN in day-of-week, not 7 (Temporal reads 1-7 without Sunday)' };
  for (const [name, value] of Object.entries(named) as [keyof typeof FIELD, string][]) {
    const outOfRange = checkRanges(name, value);
    if (outOfRange) return { ok: false, reason: outOfRange };
  }
  const parser = `${second} ${minute} ${hour} ${dayOfMonth} ${month} ${dayOfWeek}`;
  try {
    CronExpressionParser.parse(parser, { tz: 'UTC' });
  } catch (err) {
    return { ok: false, reason: parserReason((err as Error).message, dayOfMonth, month) };
  }
  const temporal = second === '0' && fields.length === 5 ? parser.slice(2) : `${parser} *`;
  return { ok: true, cron: { temporal, parser } };
}

const RANGES: Record<keyof typeof FIELD, [number, number]> = {
  second: [0, 59],
  minute: [0, 59],
  hour: [0, 23],
  dayOfMonth: [1, 31],
  month: [1, 12],
  dayOfWeek: [0, 6],
};
const NAMES: Partial<Record<keyof typeof FIELD, string[]>> = { month: MONTHS.split('|'), dayOfWeek: DAYS.split('|') };

/** Names where the field has none, or that are not its 3-letter names (cron-parser's "cannot resolve alias"). */
function checkNames(name: keyof typeof FIELD, value: string): string | null {
  const known = NAMES[name];
  const field = fieldName(name);
  for (const word of value.match(/[A-Za-z]+/g) ?? []) {
    if (!known)
      return `the ${field} field "${value}" holds "${word}", but ${field} takes numbers only (${RANGES[name].join('-')})`;
    if (!known.includes(word.toUpperCase()))
      return `"${word}" in the ${field} field is not a 3-letter ${name === 'month' ? 'month' : 'day'} name; use one of ${known.join(', ')}`;
  }
  return null;
}

/**
 * Values, ranges and steps, checked here rather than by cron-parser, whose messages ("got value 61 expected
 * range 0-59") do not say which field. The field has passed its pattern, so every part is `*` or `a[-b]`,
 * optionally `/n`.
 */
function checkRanges(name: keyof typeof FIELD, value: string): string | null {
  const [min, max] = RANGES[name];
  const field = fieldName(name);
  const numberOf = (atom: string) => {
    const index = NAMES[name]?.indexOf(atom.toUpperCase()) ?? -1;
    return index >= 0 ? index + (name === 'month' ? 1 : 0) : Number(atom);
  };
  for (const part of value.split(',')) {
    const [span, step] = part.split('/');
    if (step !== undefined && Number(step) === 0)
      return `the step "/${step}" in the ${field} field never advances; use /1 or more`;
    if (span === '*') continue;
    const [from, to] = span.split('-');
    for (const atom of [from, to]) {
      if (atom === undefined) continue;
      const n = numberOf(atom);
      if (n < min || n > max) return `${field} ${atom} is out of range (${min}-${max})`;
    }
    if (to !== undefined && numberOf(to) < numberOf(from))
      return `the ${field} range ${span} runs backwards; write the smaller value first (cron has no wrap-around ranges)`;
  }
  return null;
}

/** cron-parser's remaining complaints, as sentences; anything unforeseen gets a general one, never its own text. */
function parserReason(message: string, dayOfMonth: string, month: string): string {
  if (/day of month/i.test(message))
    return `day-of-month ${dayOfMonth} never occurs in month ${month}, so it would never fire`;
  return 'it is not a cron expression Weft can read; write 5 fields (minute hour day-of-month month day-of-week), e.g. "0 2 * * *"';
}

function fieldName(name: string): string {
  return name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}

/** Whether this runtime and Temporal know the time zone (both use the IANA database). */
export function checkTimezone(timezone: string): string | null {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: timezone });
    return null;
  } catch {
    return `"${timezone}" is not a time zone; use an IANA name such as UTC, Europe/Paris or America/New_York`;
  }
}

/** The next `count` fire times after `from`, as Temporal will fire them. */
export function previewCron(
  cron: NormalizedCron,
  timezone: string | undefined,
  count: number,
  from: Date = new Date(),
): Date[] {
  const expression = CronExpressionParser.parse(cron.parser, { currentDate: from, tz: timezone ?? 'UTC' });
  const times: Date[] = [];
  for (let i = 0; i < count && expression.hasNext(); i++) times.push(expression.next().toDate());
  return times;
}
