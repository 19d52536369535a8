import type { FastifyInstance } from 'fastify';
import type { CallQuery } from '../../store/types.js';
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
