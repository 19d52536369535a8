import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ListMetadata } from './envelope.js';

/**
 * Serialized pages of a trunk's item lists (phone numbers, whitelisted IPs, destination URIs,
 * settings), so that a busy reader costs neither a database round trip nor a re-serialization.
 *
 * Why it is safe: every entry belongs to one trunk and is dropped (1) when the store reports a
 * committed change to that trunk (`onChange`: from this process at once, from other processes by
 * the change_log feed on SQLite or LISTEN/NOTIFY on PostgreSQL), (2) when this process answers any non-GET request on
 * that trunk,
 * before the answer is sent, so a client always reads its own writes, and (3) after a short TTL,
 * a bound on staleness should a notification be lost. A read that started before an
 * invalidation is not stored (per-trunk generation counter), so an old page cannot be put back.
 */
export class ListCache {
  private readonly pages = new Map<string, Map<string, { fragment: string; expiresAt: number }>>();
  private readonly generations = new Map<string, number>();
  private size = 0;

  constructor(
    private readonly ttlMs = 2000,
    private readonly maxPages = 5000,
  ) {}

  generation(trunkSid: string): number {
    return this.generations.get(trunkSid) ?? 0;
  }

  get(trunkSid: string, key: string, now = Date.now()): string | undefined {
    const hit = this.pages.get(trunkSid)?.get(key);
    return hit !== undefined && hit.expiresAt > now ? hit.fragment : undefined;
  }

  set(trunkSid: string, key: string, fragment: string, generation: number, now = Date.now()): void {
    if (this.ttlMs <= 0 || generation !== this.generation(trunkSid)) return;
    if (this.size >= this.maxPages) {
      this.pages.clear();
      this.size = 0;
    }
    let trunkPages = this.pages.get(trunkSid);
    if (trunkPages === undefined) {
      trunkPages = new Map();
      this.pages.set(trunkSid, trunkPages);
    }
    if (!trunkPages.has(key)) this.size += 1;
    trunkPages.set(key, { fragment, expiresAt: now + this.ttlMs });
  }

  invalidate(trunkSid: string): void {
    if (this.generations.size > 100_000) this.generations.clear();
    this.generations.set(trunkSid, this.generation(trunkSid) + 1);
    const trunkPages = this.pages.get(trunkSid);
    if (trunkPages !== undefined) {
      this.size -= trunkPages.size;
      this.pages.delete(trunkSid);
    }
  }
}

/**
 * Answers a list request from the cache or from `load`, in the standard envelope; the page
 * (`"data":…,"metadata":…`) is serialized once and spliced behind this request's own id.
 */
export async function cachedList(
  cache: ListCache,
  request: FastifyRequest,
  reply: FastifyReply,
  trunkSid: string,
  load: () => Promise<{ data: unknown[]; metadata: ListMetadata }>,
): Promise<string> {
  let fragment = cache.get(trunkSid, request.url);
  if (fragment === undefined) {
    const generation = cache.generation(trunkSid);
    fragment = JSON.stringify(await load()).slice(1, -1);
    cache.set(trunkSid, request.url, fragment, generation);
  }
  reply.type('application/json; charset=utf-8');
  return (
    `{"request_id":${JSON.stringify(request.id)},"method":${JSON.stringify(request.method)},"http_code":200,` +
    `"response":{"code":200,"status":"success","error_data":null,${fragment}}}`
  );
}
