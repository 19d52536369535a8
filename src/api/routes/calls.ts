import type { FastifyInstance } from 'fastify';
import type { CallQuery } from '../../store/types.js';
import { invalidField } from '../errors.js';
import { listMetadata, pageQuerySchema, parsePage } from '../pagination.js';
import { callExplanation } from '../call-explanation.js';
import { presentCall } from '../present.js';
import { callSchema, listResponses } from '../response-schemas.js';
import { ok, requireTrunk } from '../respond.js';
import { trunkParamsSchema, type RouteDeps, type TrunkParams } from '../route-deps.js';

interface CallsQuery {
  offset?: string;
  page_size?: string;
  result?: 'failed' | 'completed' | 'all';
  call_id?: string;
  cause?: string;
  since?: string;
  until?: string;
}

/** The call log the gateway writes: every attempt, rejected ones included, newest first. */
export async function callRoutes(app: FastifyInstance, { store }: RouteDeps): Promise<void> {
  app.get<{ Params: TrunkParams; Querystring: CallsQuery }>(
    '/trunks/:trunk_sid/calls',
    {
      schema: {
        tags: ['Calls'],
        summary: 'Call log of the trunk',
        response: listResponses(callSchema),
        params: trunkParamsSchema,
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            ...pageQuerySchema,
            result: {
              type: 'string',
              enum: ['failed', 'completed', 'all'],
              description: 'failed (final code >= 300), completed (answered) or all (default)',
            },
            call_id: {
              type: 'string',
              minLength: 1,
              maxLength: 256,
              description: 'a SIP Call-ID: only attempts of that call',
            },
            cause: {
              type: 'string',
              pattern: '^[a-z0-9_]{1,64}$',
              description: 'only calls with this cause (docs/gateway.md), e.g. busy or ip_not_whitelisted',
            },
            since: { type: 'string', format: 'date-time', description: 'only calls started at or after this time' },
            until: { type: 'string', format: 'date-time', description: 'only calls started before this time' },
          },
        },
      },
    },
    async (request) => {
      const { account_sid, trunk_sid } = request.params;
      const page = parsePage(request.query);
      await requireTrunk(store, account_sid, trunk_sid);
      const query: CallQuery = { ...page, result: request.query.result ?? 'all' };
      if (request.query.call_id !== undefined) query.callId = request.query.call_id;
      if (request.query.cause !== undefined) query.cause = request.query.cause;
      if (request.query.since !== undefined) query.since = secondIso('since', request.query.since);
      if (request.query.until !== undefined) query.until = secondIso('until', request.query.until);
      const result = await store.listCalls(account_sid, trunk_sid, query);
      return ok(
        request,
        result.items.map((c) => {
          const call = presentCall(c);
          return { ...call, explanation: callExplanation(call, trunk_sid) };
        }),
        listMetadata(request.url, page, result.total, result.items.length),
      );
    },
  );
}

/** `started_at` is stored as ISO-8601 UTC to the second (`2026-01-01T10:00:00Z`): compare like with like. */
function secondIso(field: string, dateTime: string): string {
  const t = new Date(dateTime);
  if (Number.isNaN(t.getTime())) throw invalidField(field, `${JSON.stringify(dateTime)} is not a date-time`);
  return `${new Date(dateTime).toISOString().slice(0, 19)}Z`;
}
