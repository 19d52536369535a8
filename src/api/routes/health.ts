import type { FastifyInstance } from 'fastify';
import type { Registry } from 'prom-client';
import type { MediaStatus } from '../../media/media-status.js';
import type { Readiness } from '../../server/readiness.js';
import type { Store } from '../../store/types.js';
import { VERSION } from '../../version.js';

/** One SIP listener of this process, as `vsip serve` prints it at start. */
export interface SipListener {
  side: 'access' | 'carrier' | 'pstn-sim';
  protocol: 'udp' | 'tcp' | 'tls';
  address: string;
  port: number;
}

export interface HealthOptions {
  store: Store;
  metrics: Registry;
  role: 'api' | 'sip' | 'all';
  /**
   * This process's SIP listeners (none with `--role api`); read per request, since the gateway starts after the API.
   */
  sipListeners: () => readonly SipListener[];
  /** The media plane (null with `--role api`). */
  mediaStatus?: () => MediaStatus | null;
  /** Replaces `metrics.metrics()` (gateway workers' metrics merged in). */
  metricsText?: () => Promise<string>;
  /** `GET /ready`: the process's readiness checks; without it, only the store is checked. */
  readiness?: Readiness;
}

/**
 * Unauthenticated operational endpoints: liveness with version, store kind, role and the SIP
 * listeners (so a PBX admin or `vsip doctor` learns where the gateway answers), Prometheus text.
 */
export async function healthRoutes(app: FastifyInstance, opts: HealthOptions): Promise<void> {
  app.get(
    '/health',
    {
      schema: {
        tags: ['Operations'],
        summary: 'Liveness: version, store kind, role and SIP listeners',
        security: [],
        response: {
          200: {
            type: 'object',
            properties: {
              status: { type: 'string' },
              version: { type: 'string' },
              store: { type: 'string', enum: ['sqlite', 'postgres'] },
              role: { type: 'string', enum: ['api', 'sip', 'all'] },
              sip: {
                type: 'array',
                description: 'SIP listeners of this process: access side (PBXs), carrier side, embedded PSTN simulator',
                items: {
                  type: 'object',
                  properties: {
                    side: { type: 'string', enum: ['access', 'carrier', 'pstn-sim'] },
                    protocol: { type: 'string', enum: ['udp', 'tcp', 'tls'] },
                    address: { type: 'string' },
                    port: { type: 'integer' },
                  },
                },
              },
              media: {
                type: ['object', 'null'],
                description:
                  'The media plane: anchored through rtpengine, or signalling-only (RTP straight between PBX and ' +
                  'carrier) with the reason',
                properties: {
                  mode: { type: 'string', enum: ['anchored', 'signalling-only'] },
                  engines: { type: 'array', items: { type: 'string' } },
                  local: { type: 'boolean' },
                  rtpPorts: { type: ['string', 'null'] },
                  reason: { type: ['string', 'null'] },
                },
              },
            },
          },
        },
      },
    },
    async () => ({
      status: 'ok',
      version: VERSION,
      store: opts.store.kind,
      role: opts.role,
      sip: opts.sipListeners(),
      media: opts.mediaStatus?.() ?? null,
    }),
  );

  app.get(
    '/ready',
    {
      schema: {
        tags: ['Operations'],
        summary: "Readiness: 200 when the store and this node's listeners answer, 503 while draining or not",
        security: [],
      },
    },
    async (_request, reply) => {
      const report = opts.readiness
        ? await opts.readiness.report()
        : await opts.store.getMeta('readiness-probe').then(
            () => ({ ready: true, draining: false, checks: [{ name: 'store', ok: true }] }),
            (err: unknown) => ({
              ready: false,
              draining: false,
              checks: [{ name: 'store', ok: false, error: err instanceof Error ? err.message : String(err) }],
            }),
          );
      reply.code(report.ready ? 200 : 503).header('cache-control', 'no-store');
      return { status: report.ready ? 'ready' : 'not_ready', ...report };
    },
  );

  app.get('/metrics', { schema: { hide: true } }, async (_request, reply) => {
    reply.type(opts.metrics.contentType);
    return opts.metricsText !== undefined ? opts.metricsText() : opts.metrics.metrics();
  });
}
