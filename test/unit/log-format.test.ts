import { ApplicationFailure } from '@temporalio/common';
import type { LogEntry } from '@temporalio/worker';
import { formatLogEntry } from '../../src/worker/log-format';
import { logLevelFromEnv } from '../../src/worker/runtime';

const failed = (level: LogEntry['level']): LogEntry => ({
  level,
  message: 'Activity failed',
  timestampNanos: 1_796_190_000_000_000_000n,
  meta: {
    activityType: 'weft.fail',
    activityId: 'load',
    workflowId: 'etl-1',
    attempt: 2,
    taskToken: 'CiQ0YjM5...',
    error: ApplicationFailure.create({ message: 'the warehouse refused the load', type: 'WeftFail' }),
  },
});

describe('formatLogEntry', () => {
  it('writes an activity failure as one line, without the task token or a stack', () => {
    const line = formatLogEntry(failed('WARN'), 'text');
    expect(line).toBe(
      '2026-12-02T05:40:00.000Z [WARN] Activity failed (weft.fail, node load, etl-1): WeftFail: the warehouse refused the load attempt=2',
    );
  });

  it('keeps the stack at DEBUG, on the lines after', () => {
    const lines = formatLogEntry(failed('DEBUG'), 'text').split('\n');
    expect(lines[0]).toContain('[DEBUG] Activity failed (weft.fail, node load, etl-1) attempt=2');
    expect(lines.length).toBeGreaterThan(2);
  });

  it('writes one JSON object per entry with WEFT_LOG_FORMAT=json', () => {
    const entry = JSON.parse(formatLogEntry(failed('WARN'), 'json')) as Record<string, unknown>;
    expect(entry).toEqual({
      time: '2026-12-02T05:40:00.000Z',
      level: 'WARN',
      message: 'Activity failed',
      activityType: 'weft.fail',
      activityId: 'load',
      workflowId: 'etl-1',
      attempt: 2,
      error: 'WeftFail: the warehouse refused the load',
    });
  });
});

describe('logLevelFromEnv', () => {
  it('reads WEFT_LOG_LEVEL in any case, WARN by default, and refuses an unknown level with the list', () => {
    expect(logLevelFromEnv({})).toBe('WARN');
    expect(logLevelFromEnv({ WEFT_LOG_LEVEL: 'debug' })).toBe('DEBUG');
    expect(() => logLevelFromEnv({ WEFT_LOG_LEVEL: 'verbose' })).toThrow(
      'WEFT_LOG_LEVEL must be one of TRACE, DEBUG, INFO, WARN, ERROR; got "verbose".',
    );
  });
});
