/** Every error the API answers is `{ "error": "<one sentence>" }` with a status that fits it (http-api.md). */
import type { FastifyError } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { formatPath, WeftValidationError, type WeftIssue } from '../../dsl/issues';
import {
  WeftConflictError,
  WeftNotFoundError,
  WeftPayloadTooLargeError,
  WeftSetupError,
  WeftUsageError,
} from '../../errors';

export interface ApiError {
  status: number;
  body: { error: string; issues?: ReadonlyArray<{ path: string; code: string; message: string }> };
}

/** An issue as the API answers it: its path as text (`nodes[2].dependsOn[0]`). */
export function issueJson(issue: WeftIssue): { path: string; code: string; message: string } {
  return { path: formatPath(issue.path), code: issue.code, message: issue.message };
}

/** An error thrown by the API itself, with its status. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export function apiErrorOf(err: unknown): ApiError {
  if (err instanceof HttpError) return { status: err.status, body: { error: err.message } };
  if (hasZodFastifySchemaValidationErrors(err)) {
    const first = err.validation[0]!;
    const where = [err.validationContext, first.instancePath.replace(/^\//, '').replace(/\//g, '.')]
      .filter(Boolean)
      .join('.');
    return { status: 400, body: { error: `${where}: ${first.message ?? 'is not valid'}.` } };
  }
  if (err instanceof WeftValidationError)
    return {
      status: 422,
      body: {
        error: `The document is invalid: ${err.issues.length} problem${err.issues.length === 1 ? '' : 's'}, the first at ${formatPath(err.issues[0]?.path ?? [])}: ${err.issues[0]?.message ?? ''}.`,
        issues: err.issues.map(issueJson),
      },
    };
  if (err instanceof WeftPayloadTooLargeError) return { status: 413, body: { error: err.message } };
  if (err instanceof WeftNotFoundError) return { status: 404, body: { error: err.message } };
  if (err instanceof WeftConflictError) return { status: 409, body: { error: err.message } };
  if (err instanceof WeftUsageError) return { status: 400, body: { error: err.message } };
  if (err instanceof WeftSetupError) return { status: 503, body: { error: err.message } };
  const fastify = err as Partial<FastifyError>;
  if (fastify.code === 'FST_ERR_CTP_BODY_TOO_LARGE')
    return { status: 413, body: { error: 'The request body is larger than the 2 MB this API accepts.' } };
  if (fastify.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE')
    return { status: 415, body: { error: 'Send the body as JSON (Content-Type: application/json).' } };
  if (fastify.code === 'FST_ERR_CTP_INVALID_JSON_BODY' || (fastify.statusCode === 400 && err instanceof SyntaxError))
    return { status: 400, body: { error: 'The request body is not valid JSON.' } };
  if (fastify.code === 'FST_ERR_CTP_EMPTY_JSON_BODY')
    return { status: 400, body: { error: 'The request body is empty; send a JSON object (or no Content-Type).' } };
  if (fastify.statusCode !== undefined && fastify.statusCode >= 400 && fastify.statusCode < 500)
    return { status: fastify.statusCode, body: { error: sentence(fastify.message ?? 'Bad request') } };
  return { status: 500, body: { error: 'Internal error; the server log says more.' } };
}

function sentence(text: string): string {
  return /[.!?]$/.test(text) ? text : `${text}.`;
}
