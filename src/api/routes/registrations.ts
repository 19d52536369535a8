import type { FastifyInstance } from 'fastify';
import type { Registration } from '../../store/types.js';
import { listMetadata, pageQuerySchema, parsePage } from '../pagination.js';
import { listResponses } from '../response-schemas.js';
import { ok, requireTrunk } from '../respond.js';
import { trunkParamsSchema, type RouteDeps, type TrunkParams } from '../route-deps.js';

const str = { type: 'string' } as const;
const registrationSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    contact: { ...str, description: 'the Contact URI the PBX registered (the Request-URI of its inbound calls)' },
    received_ip: { ...str, description: 'the address the REGISTER came from: inbound calls are sent here' },
    received_port: { type: 'integer', description: 'the port the REGISTER came from' },
    transport: { type: 'string', enum: ['udp', 'tcp', 'tls'], description: 'the transport it came over' },
    user_agent: { type: ['string', 'null'], description: "the PBX's User-Agent header" },
    registered_at: { type: ['string', 'null'], description: 'when the binding was first made (ISO-8601 UTC)' },
    expires_at: { ...str, description: 'when it lapses unless the PBX refreshes it (ISO-8601 UTC)' },
    expires_in: { type: 'integer', description: 'seconds until then' },
    node: { type: ['string', 'null'], description: 'the SIP node holding the connection it came over' },
  },
  required: ['contact', 'received_ip', 'received_port', 'transport', 'expires_at', 'expires_in'],
} as const;

function presentRegistration(r: Registration, now: number) {
  return {
    contact: r.contact,
    received_ip: r.sourceIp,
    received_port: r.sourcePort,
    transport: r.transport,
    user_agent: r.userAgent,
    registered_at: r.registeredAt ?? null,
    expires_at: r.expiresAt,
    expires_in: Math.max(0, Math.round((Date.parse(r.expiresAt) - now) / 1000)),
    node: r.nodeId ?? null,
  };
}

/**
 * The PBX contacts registered on a trunk (live bindings only), as the gateway uses them for
 * inbound calls. A trunk holds at most the registrar's contact cap, so the page is cut from the
 * whole list.
 */
export async function registrationRoutes(app: FastifyInstance, { store }: RouteDeps): Promise<void> {
  app.get<{ Params: TrunkParams; Querystring: { offset?: string; page_size?: string } }>(
    '/trunks/:trunk_sid/registrations',
    {
      schema: {
        tags: ['Registrations'],
        summary: 'PBX contacts registered on the trunk',
        description:
          'Live bindings made by REGISTER (digest, username = trunk_sid). Inbound calls ring them in ' +
          'parallel before the destination URIs.',
        response: listResponses(registrationSchema),
        params: trunkParamsSchema,
        querystring: { type: 'object', additionalProperties: false, properties: { ...pageQuerySchema } },
      },
    },
    async (request) => {
      const { account_sid, trunk_sid } = request.params;
      const page = parsePage(request.query);
      await requireTrunk(store, account_sid, trunk_sid);
      const now = Date.now();
      const live = (await store.listRegistrations(trunk_sid)).filter((r) => Date.parse(r.expiresAt) > now);
      const items = live.slice(page.offset, page.offset + page.limit).map((r) => presentRegistration(r, now));
      return ok(request, items, listMetadata(request.url, page, live.length, items.length));
    },
  );
}
