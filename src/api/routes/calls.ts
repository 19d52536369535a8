import type { FastifyInstance } from 'fastify';
import type { CallQuery } from '../../store/types.js';
import { cdrFilterSchema, type CdrQueryString, parseCdrFilter } from '../cdr-params.js';
import { cdrExport, CDR_EXPORT_TYPES, exportFormatFor } from '../cdr-export.js';
import { listMetadata, pageQuerySchema, parsePage } from '../pagination.js';
import { callExplanation } from '../call-explanation.js';
import { presentCall } from '../present.js';
import { callSchema, listResponses } from '../response-schemas.js';
import { ok, requireTrunk } from '../respond.js';
import { trunkParamsSchema, type RouteDeps, type TrunkParams } from '../route-deps.js';

/**
 * The call log the gateway writes: every attempt, rejected ones included, newest first, with the
 * CDR filters. `Accept: text/csv` or `application/x-ndjson` streams every matching record instead.
 */
export async function callRoutes(app: FastifyInstance, { store }: RouteDeps): Promise<void> {
  app.get<{ Params: TrunkParams; Querystring: CdrQueryString }>(
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
          properties: { ...pageQuerySchema, ...cdrFilterSchema },
        },
      },
    },
    async (request, reply) => {
      const { account_sid, trunk_sid } = request.params;
      const page = parsePage(request.query);
      await requireTrunk(store, account_sid, trunk_sid);
      const filter = parseCdrFilter(request.query);
      const format = exportFormatFor(request.headers.accept);
      if (format !== null) {
        const records = store.streamCdrs(account_sid, { ...filter, trunkSid: trunk_sid, limit: 1000 });
        return reply
          .header('content-type', CDR_EXPORT_TYPES[format])
          .header('cache-control', 'no-store')
          .send(cdrExport(format, records));
      }
      const query: CallQuery = { ...page, ...filter };
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
