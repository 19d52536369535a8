import type { FastifyInstance } from 'fastify';
import type { Registry } from 'prom-client';
import type { Store } from '../../store/types.js';
import { VERSION } from '../../version.js';

/** Unauthenticated operational endpoints: liveness with version and store kind, Prometheus text. */
export async function healthRoutes(app: FastifyInstance, opts: { store: Store; metrics: Registry }): Promise<void> {
  app.get('/health', {
    schema: {
      tags: ['Operations'],
      summary: 'Liveness: version and store kind',
      security: [],
      response: {
        200: {
          type: 'object',
          properties: { status: { type: 'string' }, version: { type: 'string' }, store: { type: 'string' } },
        },
      },
    },
  }, async () => ({ status: 'ok', version: VERSION, store: opts.store.kind }));

  app.get('/metrics', { schema: { hide: true } }, async (_request, reply) => {
    reply.type(opts.metrics.contentType);
    return opts.metrics.metrics();
  });
}
