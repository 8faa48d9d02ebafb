import { formatInZone } from '../../src/client/triggers/local-time';

describe('times in the trigger’s time zone', () => {
  it.each([
    ['2026-12-03T01:00:00Z', 'Europe/Paris', '2026-12-03 02:00 +01:00 (Europe/Paris)'],
    ['2026-07-03T00:00:00Z', 'Europe/Paris', '2026-07-03 02:00 +02:00 (Europe/Paris)'],
    ['2026-12-03T01:00:00Z', 'UTC', '2026-12-03 01:00 +00:00 (UTC)'],
    ['2026-12-03T01:00:05Z', 'UTC', '2026-12-03 01:00:05 +00:00 (UTC)'],
    ['2026-07-03T01:00:00Z', 'Asia/Kolkata', '2026-07-03 06:30 +05:30 (Asia/Kolkata)'],
    ['2026-07-03T01:00:00Z', 'America/St_Johns', '2026-07-02 22:30 -02:30 (America/St_Johns)'],
    ['2026-12-31T23:30:00Z', 'Pacific/Kiritimati', '2027-01-01 13:30 +14:00 (Pacific/Kiritimati)'],
    ['2026-11-22T00:00:00Z', 'America/New_York', '2026-11-21 19:00 -05:00 (America/New_York)'],
  ])('%s in %s', (iso, timezone, shown) => {
    expect(formatInZone(iso, timezone)).toBe(shown);
  });

  it('tells apart the two 01:30 of the night clocks go back by their offsets', () => {
    expect(formatInZone('2026-11-01T05:30:00Z', 'America/New_York')).toBe('2026-11-01 01:30 -04:00 (America/New_York)');
    expect(formatInZone('2026-11-01T06:30:00Z', 'America/New_York')).toBe('2026-11-01 01:30 -05:00 (America/New_York)');
  });

  it('takes a Date, defaults to UTC, and leaves what is not a time as it is', () => {
    expect(formatInZone(new Date('2026-03-29T00:59:00Z'))).toBe('2026-03-29 00:59 +00:00 (UTC)');
    expect(formatInZone('soon')).toBe('soon');
  });
});
