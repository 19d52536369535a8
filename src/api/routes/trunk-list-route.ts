import type { FastifyInstance } from 'fastify';
import type { PageRequest } from '../../store/types.js';
import type { ListCache } from '../list-cache.js';
import { cachedList } from '../list-cache.js';
import { listMetadata, pageQuerySchema, parsePage } from '../pagination.js';
import { listResponses } from '../response-schemas.js';
import { trunkParamsSchema, type TrunkParams } from '../route-deps.js';

export interface TrunkListSpec<R> {
  url: string;
  tags: string[];
  summary: string;
  itemSchema: unknown;
  present: (record: R) => unknown;
  /** One page of records and the total; throws when the trunk is not the account's. */
  load: (accountSid: string, trunkSid: string, page: PageRequest) => Promise<{ items: R[]; total: number }>;
}

/**
 * `GET` of a paged list under a trunk (its phone numbers, IPs, destinations, settings), answered
 * through the list cache, which the trunk's change events invalidate.
 */
export function trunkListRoute<R>(app: FastifyInstance, lists: ListCache, spec: TrunkListSpec<R>): void {
  app.get<{ Params: TrunkParams; Querystring: { offset?: string; page_size?: string } }>(
    spec.url,
    {
      schema: {
        tags: spec.tags,
        summary: spec.summary,
        response: listResponses(spec.itemSchema),
        params: trunkParamsSchema,
        querystring: { type: 'object', additionalProperties: false, properties: pageQuerySchema },
      },
    },
    async (request, reply) => {
      const { account_sid, trunk_sid } = request.params;
      const page = parsePage(request.query);
      return cachedList(lists, request, reply, trunk_sid, async () => {
        const { items, total } = await spec.load(account_sid, trunk_sid, page);
        return { data: items.map(spec.present), metadata: listMetadata(request.url, page, total, items.length) };
      });
    },
  );
}
