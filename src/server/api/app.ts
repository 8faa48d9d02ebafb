/**
 * The HTTP API of `weft serve` (docs/http-api.md): Fastify, for its speed, its schema validation and its
 * OpenAPI generation (@fastify/swagger), with the request bodies checked by zod schemas through
 * fastify-type-provider-zod. Every endpoint goes through the programmatic client: the server keeps no state
 * of its own beyond the watchers of followed runs.
 */
import swagger from '@fastify/swagger';
import Fastify, { type FastifyInstance } from 'fastify';
import { jsonSchemaTransform, serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import type { WeftClient } from '../../client/weft-client';
import { bearerMatches } from './auth';
import { apiErrorOf } from './errors';
import { RunWatchers } from './run-watchers';
import { registerRunRoutes } from './run-routes';
import { registerScheduleRoutes } from './schedule-routes';
import { registerHookRoutes } from './hook-routes';
import { registerConsoleRoutes } from './console-routes';

/** Bodies above this are refused with 413: a document and its input travel in one 2 MB payload anyway. */
export const MAX_BODY_BYTES = 2 * 1024 * 1024;

export interface ApiOptions {
  /** Required on every /api/* call as `Authorization: Bearer <token>` when set. */
  token?: string;
  /** How often a followed run's view is read for its event stream. */
  watchIntervalMs?: number;
  /** Log internal errors (500s) to stderr; default true. */
  log?: boolean;
}

export async function buildApi(weft: WeftClient, options: ApiOptions = {}): Promise<FastifyInstance> {
  // Only internal errors are logged: the answers say the rest, and a request log is the proxy's job.
  const app = Fastify({ bodyLimit: MAX_BODY_BYTES, logger: options.log === false ? false : { level: 'error' } });
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Weft HTTP API',
        version: '1',
        description:
          'Submit DAG documents, follow and steer runs, rerun what failed (docs/http-api.md in the repository).',
      },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
      security: options.token ? [{ bearer: [] }] : [],
    },
    transform: jsonSchemaTransform,
  });

  app.addHook('onRequest', async (request, reply) => {
    if (!options.token || !request.url.startsWith('/api/')) return;
    if (!bearerMatches(request.headers.authorization, options.token))
      await reply
        .code(401)
        .send({ error: 'This API needs "Authorization: Bearer <token>" with the server\'s WEFT_API_TOKEN.' });
  });
  app.setErrorHandler(async (err, request, reply) => {
    const { status, body } = apiErrorOf(err);
    if (status >= 500) request.log.error(err);
    await reply.code(status).send(body);
  });
  app.setNotFoundHandler(async (request, reply) => {
    await reply.code(404).send({ error: `There is no ${request.method} ${request.url.split('?')[0]} in this API.` });
  });

  app.get('/api/health', { schema: { hide: true } }, () => ({ ok: true }));
  app.get('/api/openapi.json', { schema: { hide: true } }, () => app.swagger());
  const watchers = new RunWatchers(weft, options.watchIntervalMs);
  registerRunRoutes(app, weft, watchers);
  registerScheduleRoutes(app, weft);
  await registerHookRoutes(app, weft);
  await registerConsoleRoutes(app);
  return app;
}
