/**
 * How the CLI's workers log: one line per entry, as text or JSON (`WEFT_LOG_FORMAT=json`). An error in a log
 * entry becomes its type and message on that line: an activity failure that a DAG retries or tolerates is
 * routine, and the SDK's default printed each as a 30-line stack with the task token. The stack comes back at
 * DEBUG and TRACE, where someone is looking for it.
 */
import type { LogLevel, LogMetadata } from '@temporalio/common';
import type { LogEntry } from '@temporalio/worker';

export type LogFormat = 'text' | 'json';

const VERBOSE: ReadonlySet<LogLevel> = new Set(['TRACE', 'DEBUG']);
/** Opaque or internal to the SDK: nothing a person reads. */
const DROPPED = new Set(['taskToken', 'sdkComponent']);

export function logFormatFromEnv(env: NodeJS.ProcessEnv = process.env): LogFormat {
  return env.WEFT_LOG_FORMAT?.toLowerCase() === 'json' ? 'json' : 'text';
}

function describeError(error: unknown, withStack: boolean): string | Record<string, unknown> {
  if (!(error instanceof Error)) return String(error);
  const type = (error as { type?: string }).type ?? error.name;
  const cause = error.cause instanceof Error ? `; cause: ${error.cause.message}` : '';
  return withStack ? { type, message: error.message, stack: error.stack } : `${type}: ${error.message}${cause}`;
}

function fields(meta: LogMetadata | undefined, level: LogLevel): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(meta ?? {})) {
    if (DROPPED.has(key) || value === undefined) continue;
    out[key] = value instanceof Error ? describeError(value, VERBOSE.has(level)) : value;
  }
  return out;
}

/** A log entry as one line (a stack only at DEBUG/TRACE, on the lines after it). */
export function formatLogEntry(entry: LogEntry, format: LogFormat): string {
  const time = new Date(Number(entry.timestampNanos / 1_000_000n)).toISOString();
  const meta = fields(entry.meta, entry.level);
  if (format === 'json') return JSON.stringify({ time, level: entry.level, message: entry.message, ...meta });
  const where = [meta.activityType, meta.activityId && `node ${String(meta.activityId)}`, meta.workflowId]
    .filter(Boolean)
    .join(', ');
  const error = meta.error;
  const rest = Object.entries(meta)
    .filter(([key]) => !['error', 'activityType', 'activityId', 'workflowId'].includes(key))
    .map(([key, value]) => `${key}=${typeof value === 'string' ? value : JSON.stringify(value)}`)
    .join(' ');
  const line =
    `${time} [${entry.level}] ${entry.message}${where ? ` (${where})` : ''}` +
    (typeof error === 'string' ? `: ${error}` : '') +
    (rest ? ` ${rest}` : '');
  return error && typeof error === 'object' ? `${line}\n${String((error as { stack?: string }).stack)}` : line;
}
