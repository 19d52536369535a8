import type { FastifyInstance } from 'fastify';
import type { CarrierStatus } from '../../../carriers/carrier-status.js';
import type { Store } from '../../../store/types.js';
import { ApiError } from '../../errors.js';
import { okResponses } from '../../response-schemas.js';
import { ok } from '../../respond.js';
import { OPERATOR_SECURITY } from './operator-accounts.js';

const str = { type: 'string' } as const;
const nullableStr = { type: ['string', 'null'] } as const;
const result = {
  type: ['integer', 'string', 'null'],
  description: 'a SIP status, timeout or transport; null: none yet',
};
function object(properties: Record<string, unknown>) {
  return { type: 'object', properties, required: Object.keys(properties) } as const;
}

export const carrierStatusSchema = object({
  carrier_sid: str,
  name: str,
  gateway: {
    type: 'string',
    enum: ['this_process', 'none'],
    description: 'none: this process runs no gateway (--role api, or --sip-workers): ask a SIP node',
  },
  uris: {
    type: 'array',
    items: object({
      id: str,
      uri: str,
      state: {
        type: 'string',
        enum: ['up', 'down', 'held', 'not_probed'],
        description: 'held: a 503 Retry-After keeps it out of use until held_until',
      },
      last_result: result,
      last_probe_at: nullableStr,
      held_until: nullableStr,
    }),
  },
  registration: {
    anyOf: [
      object({
        registrar_uri: str,
        state: { type: 'string', enum: ['registering', 'registered', 'failing'] },
        last_result: result,
        expires_at: nullableStr,
        next_attempt_at: nullableStr,
        contact: str,
      }),
      { type: 'null' },
    ],
  },
});

const iso = (ms: number | null): string | null =>
  ms === null ? null : new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

/**
 * `GET /v2/operator/carriers/{sid}/status`: the live state of one carrier as this process's gateway
 * sees it — each URI up or down by OPTIONS probing, and its outbound registration. The state lives
 * in the gateway, not the store: on a multi-node deployment each SIP node probes and registers for
 * itself, so the answer is this node's view (`gateway: none` on a node without a gateway).
 */
export async function operatorCarrierStatusRoutes(
  app: FastifyInstance,
  { store, carrierStatus }: { store: Store; carrierStatus: () => CarrierStatus | null },
): Promise<void> {
  app.get<{ Params: { carrier_sid: string } }>(
    '/carriers/:carrier_sid/status',
    {
      schema: {
        tags: ['Operator: carriers'],
        security: OPERATOR_SECURITY,
        summary: "A carrier's URIs up/down and registration state, as this process's gateway sees them",
        response: okResponses(carrierStatusSchema),
        params: {
          type: 'object',
          properties: { carrier_sid: { type: 'string', description: 'a carrier_sid' } },
          required: ['carrier_sid'],
        },
      },
    },
    async (request) => {
      const sid = request.params.carrier_sid;
      const carrier = await store.getCarrier(sid);
      if (carrier === null) throw new ApiError('NOT_FOUND', `carrier_sid ${JSON.stringify(sid)} is not a carrier`);
      const live = carrierStatus();
      const probes = new Map((live?.uris() ?? []).filter((u) => u.carrierSid === sid).map((u) => [u.uriId, u]));
      const now = Date.now();
      const uris = carrier.uris.map((u) => {
        const p = probes.get(u.id);
        const held = p !== undefined && p.heldUntil !== null && p.heldUntil > now;
        const state = held ? 'held' : p === undefined || !carrier.probe ? 'not_probed' : p.up ? 'up' : 'down';
        return {
          id: u.id,
          uri: u.uri,
          state,
          last_result: p?.lastResult ?? null,
          last_probe_at: iso(p?.lastProbeAt ?? null),
          held_until: held ? iso(p.heldUntil) : null,
        };
      });
      const reg = live?.registrations().find((r) => r.carrierSid === sid);
      return ok(request, {
        carrier_sid: carrier.sid,
        name: carrier.name,
        gateway: live === null ? 'none' : 'this_process',
        uris,
        registration:
          reg === undefined
            ? null
            : {
                registrar_uri: reg.registrarUri,
                state: reg.state,
                last_result: reg.lastResult,
                expires_at: iso(reg.expiresAt),
                next_attempt_at: iso(reg.nextAttemptAt),
                contact: reg.contact,
              },
      });
    },
  );
}
