/**
 * The web console: the files Vite built into dist/console with the package (`npm run build`), so serving it
 * needs no build step. Its pages are client-side routes, so a page's URL (`/runs/<id>`, `/schedules`) answers
 * the same index.html; hashed assets are cached for good, the page itself never.
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';

/**
 * dist/console of this package: found upwards from this module, which runs from dist/server/api (the package),
 * src/server/api (tests) or a benchmark's build folder.
 */
export function findConsoleDir(from = __dirname): string {
  for (let dir = from; ; dir = dirname(dir)) {
    const candidate = join(dir, 'dist', 'console');
    if (existsSync(join(candidate, 'index.html'))) return candidate;
    if (dirname(dir) === dir) return join(__dirname, '..', '..', '..', 'dist', 'console');
  }
}

const PAGES = /^\/(runs(\/.*)?|schedules|documents?)?$/;

export async function registerConsoleRoutes(app: FastifyInstance, dir = findConsoleDir()): Promise<void> {
  const built = existsSync(join(dir, 'index.html'));
  if (built) {
    await app.register(fastifyStatic, {
      root: join(dir, 'assets'),
      prefix: '/assets/',
      immutable: true,
      maxAge: '365d',
    });
  }
  app.get('/*', { schema: { hide: true } }, async (request, reply) => {
    const path = request.url.split('?')[0];
    if (!PAGES.test(path)) return reply.callNotFound();
    if (!built)
      return reply
        .code(503)
        .send({ error: 'The console is not built into this copy of Weft; run `npm run build` in the package.' });
    return reply.header('cache-control', 'no-cache').sendFile('index.html', dir);
  });
}
