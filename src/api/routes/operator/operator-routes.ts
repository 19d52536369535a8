import type { FastifyInstance } from 'fastify';
import type { NewCarrierRoute } from '../../../store/operator-types.js';
import type { Store } from '../../../store/types.js';
import { ApiError, invalidField } from '../../errors.js';
import { listMetadata, pageQuerySchema, parsePage } from '../../pagination.js';
import { deletedSchema, listResponses, okResponses } from '../../response-schemas.js';
import { ok } from '../../respond.js';
import { serverCheck } from '../../server-check.js';
import { OPERATOR_SECURITY } from './operator-accounts.js';
import { carrierRouteSchema, presentCarrierRoute } from './operator-schemas.js';

interface RouteBody {
  prefix?: string;
  carriers?: Array<{ carrier_sid: string; priority: number; weight: number }>;
}

const fields = {
  prefix: {
    type: 'string',
    pattern: '^[0-9]{0,15}$',
    description: 'the dialled-number prefix: 0-15 digits without +, "" for the default route',
    examples: ['91'],
  },
  carriers: {
    type: 'array',
    minItems: 1,
    maxItems: 16,
    description: '1-16 objects {carrier_sid, priority, weight}',
    items: {
      type: 'object',
      additionalProperties: false,
      required: ['carrier_sid'],
      description: 'an object {carrier_sid, priority, weight}',
      properties: {
        carrier_sid: {
          type: 'string',
          minLength: 1,
          maxLength: 64,
          description: 'the carrier_sid of a carrier',
          examples: ['{carrier_sid}'],
          ...serverCheck('an existing carrier'),
        },
        priority: {
          type: 'integer',
          minimum: 0,
          maximum: 65535,
          default: 1,
          description: 'an integer 0-65535, lower (cheaper) tried first (default 1)',
        },
        weight: {
          type: 'integer',
          minimum: 0,
          maximum: 65535,
          default: 1,
          description: 'an integer 0-65535, share among carriers of one priority (default 1)',
        },
      },
    },
  },
} as const;

function toInput(body: RouteBody): Partial<NewCarrierRoute> {
  const out: Partial<NewCarrierRoute> = {};
  if (body.prefix !== undefined) out.prefix = body.prefix;
  if (body.carriers !== undefined) {
    const seen = new Set<string>();
    out.carriers = body.carriers.map((c, i) => {
      if (seen.has(c.carrier_sid)) throw invalidField(`carriers[${i}].carrier_sid`, `${c.carrier_sid} is listed twice`);
      seen.add(c.carrier_sid);
      return { carrierSid: c.carrier_sid, priority: c.priority, weight: c.weight };
    });
  }
  return out;
}

interface RouteParams {
  route_sid: string;
}
const params = {
  type: 'object',
  properties: { route_sid: { type: 'string', description: 'a route_sid' } },
  required: ['route_sid'],
} as const;

/**
 * `/v2/operator/routes`: dialled-number prefix → ordered carriers. The longest matching prefix
 * wins at call time; the carriers listed must exist.
 */
export async function operatorRouteRoutes(app: FastifyInstance, { store }: { store: Store }): Promise<void> {
  const tags = ['Operator: routes'];
  const security = OPERATOR_SECURITY;

  app.post<{ Body: RouteBody }>(
    '/routes',
    {
      schema: {
        tags,
        security,
        summary: 'Create a route',
        response: okResponses(carrierRouteSchema),
        body: { type: 'object', additionalProperties: false, required: ['prefix', 'carriers'], properties: fields },
      },
    },
    async (request) =>
      ok(request, presentCarrierRoute(await store.createCarrierRoute(toInput(request.body) as NewCarrierRoute))),
  );

  app.get<{ Querystring: { offset?: string; page_size?: string } }>(
    '/routes',
    {
      schema: {
        tags,
        security,
        summary: 'List routes',
        response: listResponses(carrierRouteSchema),
        querystring: { type: 'object', additionalProperties: false, properties: pageQuerySchema },
      },
    },
    async (request) => {
      const page = parsePage(request.query);
      const result = await store.listCarrierRoutes(page);
      return ok(
        request,
        result.items.map(presentCarrierRoute),
        listMetadata(request.url, page, result.total, result.items.length),
      );
    },
  );

  app.get<{ Params: RouteParams }>(
    '/routes/:route_sid',
    { schema: { tags, security, summary: 'Get a route', response: okResponses(carrierRouteSchema), params } },
    async (request) => {
      const route = await store.getCarrierRoute(request.params.route_sid);
      if (route === null) {
        throw new ApiError('NOT_FOUND', `route_sid ${JSON.stringify(request.params.route_sid)} is not a carrier route`);
      }
      return ok(request, presentCarrierRoute(route));
    },
  );

  app.put<{ Params: RouteParams; Body: RouteBody }>(
    '/routes/:route_sid',
    {
      schema: {
        tags,
        security,
        summary: 'Update a route (carriers replaces the list)',
        response: okResponses(carrierRouteSchema),
        params,
        body: {
          type: 'object',
          additionalProperties: false,
          minProperties: 1,
          description: 'at least one of prefix, carriers',
          properties: fields,
        },
      },
    },
    async (request) =>
      ok(request, presentCarrierRoute(await store.updateCarrierRoute(request.params.route_sid, toInput(request.body)))),
  );

  app.delete<{ Params: RouteParams }>(
    '/routes/:route_sid',
    {
      schema: { tags, security, summary: 'Delete a route', response: okResponses(deletedSchema('route_sid')), params },
    },
    async (request) => {
      await store.deleteCarrierRoute(request.params.route_sid);
      return ok(request, { route_sid: request.params.route_sid, deleted: true });
    },
  );
}
