/**
 * `POST /hooks/:id`: an event starts a run of a webhook trigger. With a secret, `X-Weft-Signature:
 * sha256=<hex HMAC-SHA256 of the raw body>` is checked in constant time before anything else is read.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { WeftClient } from '../../client/weft-client';
import { isPlainObject } from '../../dsl/json';
import { HttpError } from './errors';

export async function registerHookRoutes(app: FastifyInstance, weft: WeftClient): Promise<void> {
  await app.register(async (hooks) => {
    // The signature covers the bytes as sent: keep them, and parse only once they are verified.
    hooks.removeAllContentTypeParsers();
    hooks.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));
    hooks.post<{ Params: { id: string } }>('/hooks/:id', { schema: { hide: true } }, async (req, reply) => {
      const raw = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
      const target = await weft.schedules.webhook(req.params.id);
      if (target.secret && !signatureMatches(req.headers['x-weft-signature'], raw, target.secret))
        throw new HttpError(
          401,
          "The X-Weft-Signature header is missing or does not sign this body with the trigger's secret.",
        );
      const payload = parsePayload(raw);
      const key = req.headers['idempotency-key'];
      const { workflowId } = await weft.schedules.deliver(target, payload, typeof key === 'string' ? key : undefined);
      return reply.code(202).send({ workflowId });
    });
  });
}

export function signatureMatches(header: string | string[] | undefined, body: Buffer, secret: string): boolean {
  if (typeof header !== 'string' || !header.startsWith('sha256=')) return false;
  const given = Buffer.from(header.slice('sha256='.length), 'hex');
  const expected = createHmac('sha256', secret).update(body).digest();
  return given.length === expected.length && timingSafeEqual(given, expected);
}

function parsePayload(raw: Buffer): Record<string, unknown> {
  if (raw.length === 0) return {};
  let value: unknown;
  try {
    value = JSON.parse(raw.toString('utf8'));
  } catch {
    throw new HttpError(400, 'The request body is not valid JSON.');
  }
  if (!isPlainObject(value))
    throw new HttpError(400, "The request body must be a JSON object: it is merged over the trigger's input.");
  return value;
}
