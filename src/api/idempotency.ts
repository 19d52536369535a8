/**
 * `Idempotency-Key` on POST, with Stripe's semantics: the first request with a key runs and its answer
 * is kept for 24 h; a retry with the same key and the same request gets that answer again (with
 * `Idempotent-Replayed: true`) without running twice; the same key with another request is a 422;
 * a retry arriving while the first still runs waits for its answer. Keys live in the store, so a
 * retry that lands on another API node is answered the same way. Answers of 500 and up are not
 * kept (the claim is released), so a retry after a server fault runs again; a claim left by a
 * process that died is taken over after `staleMs`. Requests that fail validation never claim a key
 * (this runs as a preHandler), as with Stripe.
 */
import { createHash } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest, RouteOptions } from 'fastify';
import type { Store } from '../store/types.js';
import { ApiError, invalidField } from './errors.js';

export const IDEMPOTENCY_TTL_MS = 24 * 3_600_000;
const KEY = /^[\x21-\x7e]{1,255}$/;

export interface IdempotencyOptions {
  ttlMs?: number;
  /** A claim older than this without an answer belongs to a request that will never answer. */
  staleMs?: number;
  /** How long a duplicate waits for the first request's answer before a 409. */
  waitMs?: number;
  /**
   * Whose keys these are: the signed-in account (default), or `operator` on the operator API.
   * null: the request has no owner (not signed in), so the header is ignored.
   */
  scope?: (request: FastifyRequest) => string | null;
}

type Claimed = { account: string; key: string; settled: boolean };

declare module 'fastify' {
  interface FastifyRequest {
    idempotency?: Claimed;
  }
}

const headerSchema = {
  'idempotency-key': {
    type: 'string',
    pattern: KEY.source,
    description:
      'an Idempotency-Key of up to 255 visible ASCII characters, e.g. a UUID: a retry with the same key and ' +
      'body gets the first answer again for 24 h instead of running twice',
  },
};

/** Documents the header on every POST route (OpenAPI) — call before the routes are registered. */
export function documentIdempotencyKey(route: RouteOptions): void {
  const methods = Array.isArray(route.method) ? route.method : [route.method];
  if (!methods.includes('POST')) return;
  const schema = (route.schema ?? {}) as { headers?: { type?: string; properties?: Record<string, unknown> } };
  const headers = schema.headers ?? { type: 'object' };
  route.schema = { ...schema, headers: { ...headers, properties: { ...headers.properties, ...headerSchema } } };
}

export function idempotency(app: FastifyInstance, store: Store, options: IdempotencyOptions = {}): void {
  const opts = { ttlMs: options.ttlMs ?? IDEMPOTENCY_TTL_MS, staleMs: options.staleMs ?? 120_000 };
  const waitMs = options.waitMs ?? 60_000;
  const scopeOf = options.scope ?? ((request: FastifyRequest) => request.account?.sid ?? null);
  /** This process's running first requests, so that a local duplicate wakes up at once instead of polling. */
  const running = new Map<string, { done: Promise<void>; resolve: () => void }>();
  const slot = (c: Claimed) => `${c.account}\0${c.key}`;

  const settle = async (request: FastifyRequest, answer: { status: number; body: string } | null) => {
    const claimed = request.idempotency;
    if (claimed === undefined || claimed.settled) return;
    claimed.settled = true;
    try {
      if (answer === null) await store.releaseIdempotencyKey(claimed.account, claimed.key);
      else await store.completeIdempotencyKey(claimed.account, claimed.key, answer.status, answer.body, Date.now());
    } finally {
      running.get(slot(claimed))?.resolve();
      running.delete(slot(claimed));
    }
  };

  app.addHook('preHandler', async (request: FastifyRequest, reply: FastifyReply) => {
    if (request.method !== 'POST') return;
    const raw = request.headers['idempotency-key'];
    const account = scopeOf(request);
    if (raw === undefined || account === null) return;
    const key = Array.isArray(raw) ? (raw[0] ?? '') : raw;
    if (!KEY.test(key)) throw invalidField('Idempotency-Key', 'expected 1-255 visible ASCII characters, e.g. a UUID');
    const fingerprint = createHash('sha256')
      .update(`${request.method} ${request.url}\n${JSON.stringify(request.body ?? null)}`)
      .digest('hex');
    const deadline = Date.now() + waitMs;
    for (let pause = 10; ; pause = Math.min(pause * 2, 250)) {
      const claim = await store.claimIdempotencyKey(account, key, fingerprint, Date.now(), opts);
      if (claim.state === 'claimed') {
        request.idempotency = { account, key, settled: false };
        let resolve = () => {};
        const done = new Promise<void>((r) => {
          resolve = r;
        });
        running.set(slot(request.idempotency), { done, resolve });
        return;
      }
      if (claim.fingerprint !== '' && claim.fingerprint !== fingerprint) {
        throw new ApiError(
          'IDEMPOTENCY_KEY_REUSED',
          'this Idempotency-Key was used for another request (method, path or body differ); use a new key',
        );
      }
      if (claim.state === 'done') {
        return reply
          .code(claim.status)
          .header('content-type', 'application/json; charset=utf-8')
          .header('idempotent-replayed', 'true')
          .send(claim.body);
      }
      if (Date.now() > deadline) {
        throw new ApiError(
          'IDEMPOTENCY_KEY_IN_USE',
          'a request with this Idempotency-Key is still running; retry later with the same key',
        );
      }
      const local = running.get(`${account}\0${key}`);
      const wait = new Promise<void>((r) => setTimeout(r, local === undefined ? pause : waitMs).unref());
      await (local === undefined ? wait : Promise.race([local.done, wait]));
    }
  });

  // Kept before the answer leaves: a retry sent right after this answer finds it.
  app.addHook('onSend', async (request, reply, payload) => {
    if (request.idempotency !== undefined) {
      const keep = reply.statusCode < 500 && typeof payload === 'string';
      await settle(request, keep ? { status: reply.statusCode, body: payload } : null);
    }
    return payload;
  });
  // A request that ended without onSend (client gone) gives its key back.
  app.addHook('onResponse', async (request) => settle(request, null));
  app.addHook('onRequestAbort', async (request) => settle(request, null));

  const prune = setInterval(() => {
    store.pruneIdempotencyKeys(Date.now() - opts.ttlMs).catch((err: unknown) => app.log.warn({ err }, 'prune'));
  }, 600_000);
  prune.unref();
  app.addHook('onClose', async () => clearInterval(prune));
}
