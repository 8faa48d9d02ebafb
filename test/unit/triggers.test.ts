import { normalizeCron, previewCron } from '../../src/client/triggers/cron';
import { previewTrigger, resolveTrigger } from '../../src/client/triggers/spec';

describe('normalizeCron', () => {
  it.each([
    ['0 2 * * *', '0 2 * * *', '0 0 2 * * *'],
    ['0 0 12 ? * MON', '0 0 12 * * MON *', '0 0 12 * * MON'],
    ['30 0 9 * * SAT *', '30 0 9 * * SAT *', '30 0 9 * * SAT'],
    ['@daily', '0 0 * * *', '0 0 0 * * *'],
    ['@weekly', '0 0 * * 0', '0 0 0 * * 0'],
    ['  */5   * * * * ', '*/5 * * * *', '0 */5 * * * *'],
  ])('%s -> Temporal "%s", cron-parser "%s"', (input, temporal, parser) => {
    expect(normalizeCron(input)).toEqual({ ok: true, cron: { temporal, parser } });
  });

  it.each([
    ['', /empty/],
    ['0 9 15 * MON', /restricts both day-of-month \("15"\) and day-of-week \("MON"\)/],
    ['0 9 L * *', /L, W, # and H are not supported/],
    ['0 9 * * MON#2', /L, W, # and H are not supported/],
    ['0 9 * * 1-7', /write Sunday as 0/],
    ['0 9 * * 7', /write Sunday as 0/],
    ['0 9 * * * 2027 * *', /a cron expression has 5 fields/],
    ['0 0 9 * * * 2027', /the year field "2027" is not supported/],
    ['CRON_TZ=UTC 0 9 * * *', /--timezone/],
    ['@every 5m', /use --every/],
    ['@reboot', /not a cron macro/],
    ['0 9 * * MONDAY', /"MONDAY" in the day-of-week field is not a 3-letter day name/],
    ['61 * * * *', /59/],
  ])('refuses %j', (input, reason) => {
    const checked = normalizeCron(input);
    expect(checked.ok).toBe(false);
    expect(checked.ok ? '' : checked.reason).toMatch(reason);
  });

  it('previews in the given time zone', () => {
    const checked = normalizeCron('0 9 * * MON-FRI');
    if (!checked.ok) throw new Error(checked.reason);
    expect(
      previewCron(checked.cron, 'Europe/Paris', 2, new Date('2026-11-21T00:00:00Z')).map((d) => d.toISOString()),
    ).toEqual(['2026-11-23T08:00:00.000Z', '2026-11-24T08:00:00.000Z']);
  });
});

describe('resolveTrigger', () => {
  it('describes each kind and applies the defaults', () => {
    expect(resolveTrigger({ cron: '0 2 * * *', timezone: 'Europe/Paris' })).toMatchObject({
      kind: 'cron',
      overlap: 'skip',
      paused: false,
      describe: 'cron 0 2 * * * (Europe/Paris)',
    });
    expect(resolveTrigger({ every: '90m', offset: '15m' })).toMatchObject({
      kind: 'every',
      everyMs: 5_400_000,
      offsetMs: 900_000,
      describe: 'every 90m offset 15m',
    });
    expect(resolveTrigger({ fixedDelay: '30s' }, { overlap: 'buffer-one' })).toMatchObject({
      kind: 'fixed-delay',
      delayMs: 30_000,
      describe: '30s after each run ends',
    });
  });

  it.each([
    [{ every: '0s' }, {}, /not a positive duration/],
    [{ every: '500ms' }, {}, /too short/],
    [{ every: '1m', offset: '1m' }, {}, /--offset \(1m\) must be shorter than --every \(1m\)/],
    [{ cron: '* * * * *', timezone: 'Nowhere/Land' }, {}, /not a time zone/],
    [{ fixedDelay: '1m' }, { overlap: 'buffer-all' }, /does not apply to --fixed-delay/],
    [{ fixedDelay: '1m' }, { catchupWindow: '5m' }, /--catchup-window does not apply/],
    [{ cron: '* * * * *' }, { overlap: 'sometimes' }, /not a policy/],
    [
      { cron: '* * * * *' },
      { startAt: '2026-02-01T00:00:00Z', endAt: '2026-01-01T00:00:00Z' },
      /--end-at must be after --start-at/,
    ],
    [{ cron: '* * * * *' }, { startAt: 'tomorrow' }, /not a time/],
    // A kind named without its value (e.g. from JavaScript) is refused, not resolved without a period.
    [{ every: undefined }, {}, /--every: .* not a duration/],
    [{ fixedDelay: undefined }, {}, /--fixed-delay: .* not a duration/],
  ] as const)('refuses %j %j', (timing, policies, message) => {
    expect(() => resolveTrigger(timing as never, policies as never)).toThrow(message);
  });

  it('previews fixed-rate times as Temporal counts them: offset + k * every since the epoch', () => {
    const trigger = resolveTrigger({ every: '1h', offset: '10m' });
    expect(previewTrigger(trigger, 2, new Date('2026-11-21T05:30:00Z')).map((d) => d.toISOString())).toEqual([
      '2026-11-21T06:10:00.000Z',
      '2026-11-21T07:10:00.000Z',
    ]);
    expect(() => previewTrigger(resolveTrigger({ fixedDelay: '1m' }), 1)).toThrow(/no fire times/);
  });
});
