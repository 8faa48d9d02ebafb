/** An update lays what is given over the trigger's current settings; the Schedule's note says what it is. */
import { resolveTrigger } from '../../src/client/triggers/spec';
import { mergePolicies, mergeTiming, type CurrentTrigger } from '../../src/client/triggers/trigger-change';
import { composeNote, settingsOf, summaryOf, userNoteOf } from '../../src/client/triggers/trigger-memo';

const cron: CurrentTrigger = {
  settings: settingsOf({ cron: '0 2 * * *', timezone: 'Europe/Paris' }, { overlap: 'buffer-one', jitter: '1m' }),
  paused: true,
  note: 'waiting for the new bucket',
};
const webhook: CurrentTrigger = {
  settings: settingsOf({ webhook: true, secret: 's'.repeat(16) }, {}),
  secret: 's'.repeat(16),
  paused: false,
};
const delay: CurrentTrigger = {
  settings: { timing: { fixedDelay: 30_000 }, policies: { overlap: 'skip' } },
  paused: false,
};

describe('mergeTiming', () => {
  it('keeps what is not given: a new time zone keeps the expression, a new expression keeps the time zone', () => {
    expect(mergeTiming('t', cron, { timezone: 'Asia/Tokyo' })).toEqual({ cron: '0 2 * * *', timezone: 'Asia/Tokyo' });
    expect(mergeTiming('t', cron, { cron: '0 3 * * *' })).toEqual({ cron: '0 3 * * *', timezone: 'Europe/Paris' });
    expect(mergeTiming('t', cron, {})).toEqual({ cron: '0 2 * * *', timezone: 'Europe/Paris' });
  });

  it('switches between the Schedule kinds, starting the new kind afresh', () => {
    expect(mergeTiming('t', cron, { every: '1h' })).toEqual({ every: '1h', offset: undefined });
    expect(mergeTiming('t', cron, { webhook: true })).toEqual({ webhook: true });
  });

  it('keeps a webhook’s secret, which is not among the kept settings, unless a new one is given', () => {
    expect(webhook.settings?.timing).toEqual({ webhook: true });
    expect(mergeTiming('h', webhook, {})).toEqual({ webhook: true, secret: 's'.repeat(16) });
    expect(mergeTiming('h', webhook, { secret: 'n'.repeat(16) })).toEqual({ webhook: true, secret: 'n'.repeat(16) });
  });

  it('changes a fixed delay', () => {
    expect(mergeTiming('d', delay, { fixedDelay: '1m' })).toEqual({ fixedDelay: '1m' });
    expect(mergeTiming('d', delay, {})).toEqual({ fixedDelay: 30_000 });
  });

  it.each([
    [
      cron,
      { fixedDelay: '1m' },
      'The trigger "t" is a cron trigger (a Temporal Schedule) and a fixed-delay trigger is a driver workflow, so it cannot change in place; delete it and create it again with --fixed-delay.',
    ],
    [
      delay,
      { cron: '* * * * *' },
      'The trigger "t" is a fixed-delay trigger (a driver workflow, not a Temporal Schedule), so it cannot become a cron trigger in place; delete it and create it again.',
    ],
    [cron, { cron: '* * * * *', every: '1m' }, 'Give at most one of --cron, --every, --fixed-delay or --webhook.'],
    [cron, { offset: '5m' }, '--offset goes with --every; "t" is a cron trigger.'],
    [delay, { timezone: 'UTC' }, '--timezone goes with --cron; "t" is a fixed-delay trigger.'],
    [cron, { secret: 'x'.repeat(16) }, '--secret goes with --webhook; "t" is a cron trigger.'],
    [
      { paused: false },
      {},
      'The trigger "t" was created by an older Weft that did not keep its timetable; give it again with --cron, --every or --webhook.',
    ],
  ] as const)('refuses %#', (current, change, message) => {
    expect(() => mergeTiming('t', current as CurrentTrigger, change)).toThrow(message);
  });
});

describe('mergePolicies', () => {
  it('keeps the policies, the paused state and the note unless they are given', () => {
    expect(mergePolicies(cron, {})).toEqual({
      overlap: 'buffer-one',
      catchupWindow: undefined,
      jitter: '1m',
      startAt: undefined,
      endAt: undefined,
      paused: true,
      note: 'waiting for the new bucket',
    });
    expect(mergePolicies(cron, { overlap: 'skip', paused: false, note: 'back' })).toMatchObject({
      overlap: 'skip',
      jitter: '1m',
      paused: false,
      note: 'back',
    });
  });

  it('gives resolveTrigger what a create would, so an update is refused for the same mistakes', () => {
    const timing = mergeTiming('t', cron, { cron: '61 * * * *' });
    expect(() => resolveTrigger(timing, mergePolicies(cron, {}))).toThrow(
      '--cron "61 * * * *": minute 61 is out of range (0-59).',
    );
  });
});

describe('the Schedule’s note', () => {
  const dag = 'etl';
  it('says what the trigger is', () => {
    expect(summaryOf(resolveTrigger({ cron: '0 2 * * *', timezone: 'Europe/Paris' }), dag)).toBe(
      'weft cron "0 2 * * *" Europe/Paris, DAG etl',
    );
    expect(summaryOf(resolveTrigger({ cron: '@daily' }), dag)).toBe('weft cron "@daily" UTC, DAG etl');
    expect(summaryOf(resolveTrigger({ every: '15m', offset: '5m' }), dag)).toBe('weft every 15m offset 5m, DAG etl');
    expect(summaryOf(resolveTrigger({ webhook: true, secret: 's'.repeat(16) }), dag)).toBe(
      'weft webhook (signed), DAG etl',
    );
  });

  it('keeps the user’s note after it and gives it back alone', () => {
    const summary = 'weft cron "0 2 * * *" Europe/Paris, DAG etl';
    expect(composeNote(summary, undefined)).toBe(summary);
    const note = composeNote(summary, 'paused for the migration');
    expect(note).toBe(`${summary} — paused for the migration`);
    expect(userNoteOf(note, summary)).toBe('paused for the migration');
    expect(userNoteOf(summary, summary)).toBeUndefined();
    // Written in the Web UI, or before Weft kept a summary: all of it is the user's.
    expect(userNoteOf('paused by ops', summary)).toBe('paused by ops');
    expect(userNoteOf('paused by ops', undefined)).toBe('paused by ops');
    expect(userNoteOf('', summary)).toBeUndefined();
  });
});
