import type { DestinationUri } from '../../store/types.js';
import { presentDestinationUri } from '../present.js';
import { bulkResponses, destinationUriSchema } from '../response-schemas.js';
import { bulk, requireTrunk } from '../respond.js';
import { DESTINATION_EXPECTED, destinationUri } from '../validation/destination-uri.js';
import { serverCheck } from '../server-check.js';
import { trunkItemRoutes } from './trunk-item-routes.js';

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
  destination: {
    type: 'string',
    minLength: 1,
    maxLength: 300,
    description: DESTINATION_EXPECTED.replace(/^expected /, ''),
    examples: ['203.0.113.10:5061;transport=tls'],
    ...serverCheck('the URI grammar above; in a list, checked per item (an invalid item fails alone, 207)'),
  },
  priority: {
    type: 'integer',
    minimum: 0,
    maximum: 65535,
    description: 'an integer 0-65535, lowest tried first (default 1)',
  },
  weight: {
    type: 'integer',
    minimum: 0,
    maximum: 65535,
    description: 'an integer 0-65535, share of calls among equal priorities (default 1)',
  },
} as const;

export const MAX_DESTINATIONS_PER_REQUEST = 20;

export const destinationUriRoutes = trunkItemRoutes<
  DestinationUri,
  { destinations: DestinationItem[] },
  DestinationItem
>({
  path: 'destination-uris',
  tags: ['Destination URIs'],
  recordSchema: destinationUriSchema,
  present: presentDestinationUri,
  ids: { path: 'the numeric id of a destination URI', query: 'the numeric id of the destination URI' },
  notFound: (id) => `destination URI id ${JSON.stringify(id)} is not on this trunk`,
  summaries: {
    list: 'Get Destination URIs',
    get: 'Get one destination URI',
    remove: 'Remove a destination URI',
    removeByPath: 'Remove a destination URI by path',
  },
  store: {
    list: (store, accountSid, trunkSid, page) => store.listDestinationUris(accountSid, trunkSid, page),
    get: (store, accountSid, trunkSid, id) => store.getDestinationUri(accountSid, trunkSid, id),
    remove: (store, accountSid, trunkSid, id) => store.deleteDestinationUri(accountSid, trunkSid, id),
  },
  create: {
    summary: 'Add Destination URIs (several in one call; answered per item, 207 on partial success)',
    response: bulkResponses(destinationUriSchema),
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
    handler: async (store, request, reply) => {
      const { account_sid, trunk_sid } = request.params;
      await requireTrunk(store, account_sid, trunk_sid);
      return bulk(request, reply, request.body.destinations, async (item, i) => {
        const parsed = destinationUri(`destinations[${i}].destination`, item.destination ?? '');
        const created = await store.addDestinationUri(account_sid, trunk_sid, {
          ...parsed,
          priority: item.priority ?? 1,
          weight: item.weight ?? 1,
        });
        return presentDestinationUri(created);
      });
    },
  },
  update: {
    summary: 'Update a destination URI',
    description: 'destination, priority and/or weight',
    properties: itemFields,
    apply: (store, { account_sid, trunk_sid, id }, { destination, priority, weight }) => {
      const update = {
        ...(destination !== undefined ? destinationUri('destination', destination) : {}),
        ...(priority !== undefined ? { priority } : {}),
        ...(weight !== undefined ? { weight } : {}),
      };
      return store.updateDestinationUri(account_sid, trunk_sid, id, update);
    },
  },
});
