/** Triggers over HTTP: the same views and actions as `weft schedule ...`. */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { WeftClient } from '../../client/weft-client';
import { OVERLAP_POLICIES, type TriggerTiming } from '../../client/triggers/spec';
import { HttpError } from './errors';

const Duration = z.union([z.string(), z.number()]);
const CreateBody = z.object({
  id: z.string().min(1),
  document: z.unknown(),
  cron: z.string().optional(),
  timezone: z.string().optional(),
  every: Duration.optional(),
  offset: Duration.optional(),
  fixedDelay: Duration.optional(),
  webhook: z.literal(true).optional(),
  secret: z.string().optional(),
  overlap: z.enum(OVERLAP_POLICIES).optional(),
  catchupWindow: Duration.optional(),
  jitter: Duration.optional(),
  input: z.record(z.string(), z.unknown()).optional(),
  paused: z.boolean().optional(),
  note: z.string().optional(),
});
/** What `weft schedule update` takes: every field optional, what is left out stays. */
const UpdateBody = CreateBody.omit({ id: true }).extend({
  startAt: z.string().optional(),
  endAt: z.string().optional(),
});
const Id = z.object({ id: z.string() });

export function registerScheduleRoutes(api: FastifyInstance, weft: WeftClient): void {
  const app = api.withTypeProvider<ZodTypeProvider>();

  app.get('/api/schedules', { schema: { description: 'Every trigger, as `weft schedule list --json`.' } }, async () =>
    weft.schedules.list(),
  );
  app.get(
    '/api/schedules/:id',
    { schema: { description: 'One trigger, as `weft schedule describe --json`.', params: Id } },
    async (req) => weft.schedules.describe(req.params.id),
  );
  app.post(
    '/api/schedules',
    { schema: { description: 'Create a cron, fixed-rate, fixed-delay or webhook trigger.', body: CreateBody } },
    async (req, reply) => {
      const { id, document, cron, timezone, every, offset, fixedDelay, webhook, secret, input, ...policies } = req.body;
      const given = [cron, every, fixedDelay, webhook].filter((v) => v !== undefined).length;
      if (given !== 1) throw new HttpError(400, 'Give exactly one of "cron", "every", "fixedDelay" or "webhook".');
      const timing: TriggerTiming =
        cron !== undefined
          ? { cron, timezone }
          : every !== undefined
            ? { every, offset }
            : fixedDelay !== undefined
              ? { fixedDelay }
              : { webhook: true, secret };
      return reply.code(201).send(await weft.schedules.create(document, timing, { id, input, ...policies }));
    },
  );
  app.patch(
    '/api/schedules/:id',
    {
      schema: {
        description:
          'Change a trigger in place, as `weft schedule update`: the fields given change, the rest stays (paused included).',
        params: Id,
        body: UpdateBody,
      },
    },
    async (req) => {
      const { document, cron, timezone, every, offset, fixedDelay, webhook, secret, input, ...policies } = req.body;
      const timing = { cron, timezone, every, offset, fixedDelay, webhook, secret };
      return weft.schedules.update(req.params.id, { document, timing, input, ...policies });
    },
  );
  for (const action of ['pause', 'unpause', 'trigger'] as const) {
    app.post(
      `/api/schedules/:id/${action}`,
      { schema: { description: `${action} the trigger.`, params: Id } },
      async (req) => ({ message: await weft.schedules[action](req.params.id) }),
    );
  }
  app.delete(
    '/api/schedules/:id',
    { schema: { description: 'Delete the trigger; runs in progress go on.', params: Id } },
    async (req) => ({ message: await weft.schedules.delete(req.params.id) }),
  );
}
