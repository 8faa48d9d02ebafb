/**
 * Fire times as people read them in the trigger's own time zone: `2026-12-03 02:00 +01:00 (Europe/Paris)`.
 * The offset is printed because a wall time alone is ambiguous on the night clocks go back; JSON output
 * keeps ISO UTC strings, which programs compare.
 */
const formats = new Map<string, Intl.DateTimeFormat>();

function formatOf(timezone: string): Intl.DateTimeFormat {
  let format = formats.get(timezone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone: timezone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      timeZoneName: 'longOffset',
    });
    formats.set(timezone, format);
  }
  return format;
}

/** `time` (a Date or an ISO string) in `timezone` (default UTC); seconds only when they are not zero. */
export function formatInZone(time: Date | string, timezone = 'UTC'): string {
  const date = typeof time === 'string' ? new Date(time) : time;
  if (Number.isNaN(date.getTime())) return String(time);
  const parts = Object.fromEntries(
    formatOf(timezone)
      .formatToParts(date)
      .map((p) => [p.type, p.value]),
  );
  // longOffset is "GMT+01:00", or plain "GMT" at offset zero.
  const offset = parts.timeZoneName === 'GMT' ? '+00:00' : parts.timeZoneName.replace('GMT', '');
  const seconds = parts.second === '00' ? '' : `:${parts.second}`;
  return `${parts.year}-${parts.month}-${parts.day} ${parts.hour}:${parts.minute}${seconds} ${offset} (${timezone})`;
}
