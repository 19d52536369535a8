import type { FastifyInstance } from 'fastify';
import { ApiError } from '../errors.js';
import { listMetadata, pageQuerySchema, parsePage } from '../pagination.js';
import { presentDestinationUri } from '../present.js';
import { cachedList } from '../list-cache.js';
import { bulkResponses, deletedSchema, destinationUriSchema, listResponses, okResponses } from '../response-schemas.js';
import { bulk, ok, requireTrunk } from '../respond.js';
import { itemParamsSchema, trunkParamsSchema, type RouteDeps, type TrunkParams } from '../route-deps.js';
import { DESTINATION_EXPECTED, destinationUri } from '../validation/destination-uri.js';

interface DestinationItem {
  destination?: string;
  priority?: number;
  weight?: number;
}

/**
 * Priority and weight follow DNS SRV (RFC 2782 §"The format of the SRV RR"): the lowest priority
 * is tried first; among equal priorities, weight shares the load. Defaults: priority 1, weight 1.
 */
const itemFields = {
  destination: { type: 'string', minLength: 1, maxLength: 300, description: DESTINATION_EXPECTED.replace(/^expected /, ''), examples: ['203.0.113.10:5061;transport=tls'] },
  priority: { type: 'integer', minimum: 0, maximum: 65535, description: 'an integer 0-65535, lowest tried first (default 1)' },
  weight: { type: 'integer', minimum: 0, maximum: 65535, description: 'an integer 0-65535, share of calls among equal priorities (default 1)' },
} as const;

export const MAX_DESTINATIONS_PER_REQUEST = 20;

type ItemParams = TrunkParams & { id: string };

export async function destinationUriRoutes(app: FastifyInstance, { store, lists }: RouteDeps): Promise<void> {
  const tags = ['Destination URIs'];
  const base = '/trunks/:trunk_sid/destination-uris';
  const itemParams = itemParamsSchema('the numeric id of a destination URI');
  const notFound = (id: string) => new ApiError('NOT_FOUND', `destination URI id ${JSON.stringify(id)} is not on this trunk`);

  app.post<{ Params: TrunkParams; Body: { destinations: DestinationItem[] } }>(base, {
    schema: {
      tags,
      summary: 'Add Destination URIs (several in one call; answered per item, 207 on partial success)',
      response: bulkResponses(destinationUriSchema),
      params: trunkParamsSchema,
      body: {
        type: 'object',
        additionalProperties: false,
        required: ['destinations'],
        properties: {
          destinations: {
            type: 'array',
            minItems: 1,
            maxItems: MAX_DESTINATIONS_PER_REQUEST,
            description: `an array of 1-${MAX_DESTINATIONS_PER_REQUEST} objects {destination, priority?, weight?}`,
            items: { type: 'object', additionalProperties: false, required: ['destination'], properties: itemFields },
          },
        },
      },
    },
  }, async (request, reply) => {
    const { account_sid, trunk_sid } = request.params;
    await requireTrunk(store, account_sid, trunk_sid);
    return bulk(request, reply, request.body.destinations, async (item, i) => {
      const parsed = destinationUri(`destinations[${i}].destination`, item.destination ?? '');
      const created = await store.addDestinationUri(account_sid, trunk_sid, { ...parsed, priority: item.priority ?? 1, weight: item.weight ?? 1 });
      return presentDestinationUri(created);
    });
  });

  app.get<{ Params: TrunkParams; Querystring: { offset?: string; page_size?: string } }>(base, {
    schema: {
      tags,
      summary: 'Get Destination URIs',
      response: listResponses(destinationUriSchema),
      params: trunkParamsSchema,
      querystring: { type: 'object', additionalProperties: false, properties: pageQuerySchema },
    },
  }, async (request, reply) => {
    const { account_sid, trunk_sid } = request.params;
    const page = parsePage(request.query);
    return cachedList(lists, request, reply, trunk_sid, async () => {
      const result = await store.listDestinationUris(account_sid, trunk_sid, page);
      if (result.items.length === 0) await requireTrunk(store, account_sid, trunk_sid);
      return { data: result.items.map(presentDestinationUri), metadata: listMetadata(request.url, page, result.total, result.items.length) };
    });
  });

  app.get<{ Params: ItemParams }>(`${base}/:id`, {
    schema: { tags, summary: 'Get one destination URI', response: okResponses(destinationUriSchema), params: itemParams },
  }, async (request) => {
    const { account_sid, trunk_sid, id } = request.params;
    const found = await store.getDestinationUri(account_sid, trunk_sid, id);
    if (found === null) throw notFound(id);
    return ok(request, presentDestinationUri(found));
  });

  app.put<{ Params: ItemParams; Body: DestinationItem }>(`${base}/:id`, {
    schema: {
      tags,
      summary: 'Update a destination URI',
      response: okResponses(destinationUriSchema),
      params: itemParams,
      body: { type: 'object', additionalProperties: false, minProperties: 1, description: 'destination, priority and/or weight', properties: itemFields },
    },
  }, async (request) => {
    const { account_sid, trunk_sid, id } = request.params;
    const { destination, priority, weight } = request.body;
    const update = {
      ...(destination !== undefined ? destinationUri('destination', destination) : {}),
      ...(priority !== undefined ? { priority } : {}),
      ...(weight !== undefined ? { weight } : {}),
    };
    return ok(request, presentDestinationUri(await store.updateDestinationUri(account_sid, trunk_sid, id, update)));
  });

  async function remove(accountSid: string, trunkSid: string, id: string) {
    await store.deleteDestinationUri(accountSid, trunkSid, id);
    return { id, deleted: true };
  }

  app.delete<{ Params: TrunkParams; Querystring: { id: string } }>(base, {
    schema: {
      tags,
      summary: 'Remove a destination URI',
      response: okResponses(deletedSchema('id')),
      params: trunkParamsSchema,
      querystring: { type: 'object', additionalProperties: false, required: ['id'], properties: { id: { type: 'string', minLength: 1, description: 'the numeric id of the destination URI' } } },
    },
  }, async (request) => ok(request, await remove(request.params.account_sid, request.params.trunk_sid, request.query.id)));

  app.delete<{ Params: ItemParams }>(`${base}/:id`, {
    schema: { tags, summary: 'Remove a destination URI by path', response: okResponses(deletedSchema('id')), params: itemParams },
  }, async (request) => ok(request, await remove(request.params.account_sid, request.params.trunk_sid, request.params.id)));
}
