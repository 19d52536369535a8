import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { CdrQuery } from '../../store/types.js';
import { cdrFilterSchema, type CdrQueryString, decodeCursor, encodeCursor, parseCdrFilter } from '../cdr-params.js';
import { CDR_EXPORT_TYPES, type CdrExportFormat, cdrExport, exportFormatFor } from '../cdr-export.js';
import { success } from '../envelope.js';
import { invalidField } from '../errors.js';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, pageQuerySchema } from '../pagination.js';
import { presentCall } from '../present.js';
import { callSchema } from '../response-schemas.js';
import { requireTrunk } from '../respond.js';
import { serverCheck } from '../server-check.js';
import {
  accountParamsSchema,
  type AccountParams,
  trunkParamsSchema,
  type RouteDeps,
  type TrunkParams,
} from '../route-deps.js';

/** Records fetched per query while exporting: bounded memory, few round trips. */
const EXPORT_BATCH = 1000;

const str = { type: 'string' } as const;
const cursorMetadataSchema = {
  type: 'object',
  properties: {
    page_size: { type: 'integer' },
    count: { type: 'integer' },
    next_cursor: { type: ['string', 'null'], description: 'pass as ?cursor= for the next page; null on the last' },
    first_page_uri: str,
    next_page_uri: { type: ['string', 'null'] },
  },
  required: ['page_size', 'count', 'next_cursor', 'first_page_uri', 'next_page_uri'],
} as const;

const listResponse = {
  200: {
    description: 'One page of call records, newest first (or the whole export with Accept: text/csv or ndjson)',
    content: {
      'application/json': {
        schema: {
          type: 'object',
          properties: {
            request_id: str,
            method: str,
            http_code: { type: 'integer' },
            response: {
              type: 'object',
              properties: {
                code: { type: 'integer' },
                status: { type: 'string', enum: ['success'] },
                error_data: { type: 'null' },
                data: { type: 'array', items: callSchema },
                metadata: cursorMetadataSchema,
              },
            },
          },
        },
      },
      'text/csv': { schema: str },
      'application/x-ndjson': { schema: str },
    },
  },
};

const exportResponse = (format: CdrExportFormat) => ({
  200: {
    description: `Every matching call record, newest first, streamed as ${format === 'csv' ? 'CSV' : 'NDJSON'}`,
    content: { [CDR_EXPORT_TYPES[format].split(';')[0] ?? '']: { schema: str } },
  },
});

const querySchema = (extra: Record<string, unknown>) => ({
  type: 'object',
  additionalProperties: false,
  properties: { ...cdrFilterSchema, ...extra },
});

const accountListQuery = querySchema({
  trunk_sid: { type: 'string', maxLength: 64, description: 'only this trunk' },
  cursor: {
    type: 'string',
    maxLength: 200,
    description: 'metadata.next_cursor of the previous page',
    ...serverCheck('a cursor this list handed out, passed as is'),
  },
  page_size: pageQuerySchema.page_size,
});

function pageSize(raw: string | undefined): number {
  const n = raw === undefined ? DEFAULT_PAGE_SIZE : Number(raw);
  if (n < 1 || n > MAX_PAGE_SIZE) {
    throw invalidField('page_size', `${n} is out of range; expected ${pageQuerySchema.page_size.description}`);
  }
  return n;
}

function sendExport(reply: FastifyReply, format: CdrExportFormat, stream: ReturnType<typeof cdrExport>) {
  return reply
    .header('content-type', CDR_EXPORT_TYPES[format])
    .header('content-disposition', `attachment; filename="calls.${format}"`)
    .header('cache-control', 'no-store')
    .send(stream);
}

/**
 * Call records (CDRs): account-wide with cursor paging, and exports of an account's or a trunk's
 * records as CSV or NDJSON. The per-trunk offset-paged list is `calls.ts`.
 */
export async function cdrRoutes(app: FastifyInstance, { store }: RouteDeps): Promise<void> {
  const tags = ['Calls'];

  const exportOf = async (accountSid: string, query: CdrQuery, format: CdrExportFormat, reply: FastifyReply) =>
    sendExport(reply, format, cdrExport(format, store.streamCdrs(accountSid, { ...query, limit: EXPORT_BATCH })));

  async function accountQuery(request: FastifyRequest<{ Params: AccountParams; Querystring: CdrQueryString }>) {
    const q = request.query;
    const query: CdrQuery = { ...parseCdrFilter(q), limit: pageSize(q.page_size) };
    if (q.trunk_sid !== undefined) {
      // A trunk of another account is "not found", as on every trunk-scoped route.
      await requireTrunk(store, request.params.account_sid, q.trunk_sid);
      query.trunkSid = q.trunk_sid;
    }
    if (q.cursor !== undefined) query.after = decodeCursor(q.cursor);
    return query;
  }

  app.get<{ Params: AccountParams; Querystring: CdrQueryString }>(
    '/calls',
    {
      schema: {
        tags,
        summary: 'Call records of the account (CDRs), filtered, cursor-paged; CSV or NDJSON by Accept',
        params: accountParamsSchema,
        querystring: accountListQuery,
        response: listResponse,
      },
    },
    async (request, reply) => {
      const query = await accountQuery(request);
      const format = exportFormatFor(request.headers.accept);
      if (format !== null) {
        const { after: _after, ...rest } = query;
        return exportOf(request.params.account_sid, rest, format, reply);
      }
      const page = await store.queryCdrs(request.params.account_sid, query);
      const nextCursor = page.next === null ? null : encodeCursor(page.next);
      const [path = '', search = ''] = request.url.split('?', 2);
      const uri = (cursor: string | null) => {
        const params = new URLSearchParams(search);
        params.delete('cursor');
        if (cursor !== null) params.set('cursor', cursor);
        const s = params.toString();
        return s === '' ? path : `${path}?${s}`;
      };
      return {
        request_id: request.id,
        method: request.method,
        http_code: 200,
        response: {
          ...success(page.items.map(presentCall)),
          metadata: {
            page_size: query.limit,
            count: page.items.length,
            next_cursor: nextCursor,
            first_page_uri: uri(null),
            next_page_uri: nextCursor === null ? null : uri(nextCursor),
          },
        },
      };
    },
  );

  for (const format of ['csv', 'ndjson'] as const) {
    app.get<{ Params: AccountParams; Querystring: CdrQueryString }>(
      `/calls.${format}`,
      {
        schema: {
          tags,
          summary: `Export the account's call records as ${format.toUpperCase()} (streamed)`,
          params: accountParamsSchema,
          querystring: querySchema({ trunk_sid: { type: 'string', maxLength: 64, description: 'only this trunk' } }),
          response: exportResponse(format),
        },
      },
      async (request, reply) => {
        const query: CdrQuery = { ...parseCdrFilter(request.query), limit: EXPORT_BATCH };
        if (request.query.trunk_sid !== undefined) {
          await requireTrunk(store, request.params.account_sid, request.query.trunk_sid);
          query.trunkSid = request.query.trunk_sid;
        }
        return exportOf(request.params.account_sid, query, format, reply);
      },
    );

    app.get<{ Params: TrunkParams; Querystring: CdrQueryString }>(
      `/trunks/:trunk_sid/calls.${format}`,
      {
        schema: {
          tags,
          summary: `Export the trunk's call records as ${format.toUpperCase()} (streamed)`,
          params: trunkParamsSchema,
          querystring: querySchema({}),
          response: exportResponse(format),
        },
      },
      async (request, reply) => {
        const { account_sid, trunk_sid } = request.params;
        await requireTrunk(store, account_sid, trunk_sid);
        const query: CdrQuery = { ...parseCdrFilter(request.query), trunkSid: trunk_sid, limit: EXPORT_BATCH };
        return exportOf(account_sid, query, format, reply);
      },
    );
  }
}
