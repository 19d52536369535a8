import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { NumberMode, PhoneNumber } from '../../store/types.js';
import { csvLine, parseCsv } from '../csv.js';
import { ApiError, invalidField } from '../errors.js';
import { presentPhoneNumber } from '../present.js';
import { bulkResponses, phoneNumberSchema } from '../response-schemas.js';
import { bulk, requireTrunk } from '../respond.js';
import { serverCheck } from '../server-check.js';
import { trunkParamsSchema, type RouteDeps, type TrunkParams } from '../route-deps.js';
import { E164_EXPECTED, e164 } from '../validation/e164.js';

export const MAX_BULK_NUMBERS = 1000;
const PER_ITEM = serverCheck('checked per item: an invalid item fails alone, in its result (207)');

/** 1,000 numbers with their modes take about 45 KiB of JSON; room for whitespace and a CSV header. */
const BULK_BODY_LIMIT = 256 * 1024;
const COLUMNS = ['id', 'phone_number', 'mode', 'date_created', 'date_updated'] as const;

interface BulkItem {
  phone_number: string;
  mode?: NumberMode;
}

type Checked = { phoneNumber: string; mode: NumberMode } | { error: ApiError };

function check(items: BulkItem[], where: (i: number) => string): Checked[] {
  return items.map((item, i) => {
    try {
      if (item.mode !== undefined && item.mode !== 'pstn' && item.mode !== 'flow') {
        throw invalidField(`${where(i)}.mode`, `${JSON.stringify(item.mode)} is not valid; expected pstn or flow`);
      }
      return { phoneNumber: e164(`${where(i)}.phone_number`, item.phone_number), mode: item.mode ?? 'pstn' };
    } catch (error) {
      if (error instanceof ApiError) return { error };
      throw error;
    }
  });
}

/**
 * Numbers in bulk: up to 1,000 per request as JSON or CSV, each answered on its own (207 when some
 * fail), written in one transaction so the gateway reloads the trunk once; `all_or_nothing` maps
 * none unless all can be. And the trunk's numbers as CSV, in the import's format.
 */
export async function phoneNumberBulkRoutes(app: FastifyInstance, { store }: RouteDeps): Promise<void> {
  const tags = ['Phone numbers'];

  async function run(
    request: FastifyRequest<{ Params: TrunkParams }>,
    reply: FastifyReply,
    items: BulkItem[],
    allOrNothing: boolean,
    where: (i: number) => string,
  ) {
    const { account_sid, trunk_sid } = request.params;
    await requireTrunk(store, account_sid, trunk_sid);
    const checked = check(items, where);
    const valid = checked.filter((c): c is { phoneNumber: string; mode: NumberMode } => !('error' in c));
    let stored: Array<{ ok: PhoneNumber } | { error: unknown }>;
    if (allOrNothing && valid.length < checked.length) {
      stored = [];
    } else {
      stored = await store.addPhoneNumbers(account_sid, trunk_sid, valid, allOrNothing);
    }
    let next = 0;
    const skipped = invalidField('item', 'not mapped: another item failed and all_or_nothing is set');
    return bulk(request, reply, checked, async (c) => {
      if ('error' in c) throw c.error;
      const result = stored[next++];
      if (result === undefined) throw skipped;
      if ('error' in result) throw result.error;
      return presentPhoneNumber(result.ok);
    });
  }

  app.post<{ Params: TrunkParams; Body: { phone_numbers: BulkItem[]; all_or_nothing?: boolean } }>(
    '/trunks/:trunk_sid/phone-numbers/bulk',
    {
      bodyLimit: BULK_BODY_LIMIT,
      schema: {
        tags,
        summary: `Map up to ${MAX_BULK_NUMBERS} phone numbers (answered per item, 207 on partial success)`,
        params: trunkParamsSchema,
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['phone_numbers'],
          properties: {
            phone_numbers: {
              type: 'array',
              minItems: 1,
              maxItems: MAX_BULK_NUMBERS,
              description: `1-${MAX_BULK_NUMBERS} objects {phone_number, mode?}`,
              items: {
                type: 'object',
                additionalProperties: false,
                required: ['phone_number'],
                properties: {
                  phone_number: {
                    type: 'string',
                    maxLength: 32,
                    description: E164_EXPECTED.replace(/^expected /, ''),
                    ...PER_ITEM,
                  },
                  mode: { type: 'string', description: 'pstn (default) or flow', ...PER_ITEM },
                },
              },
              examples: [[{ phone_number: '+14155550180' }, { phone_number: '+14155550181', mode: 'flow' }]],
            },
            all_or_nothing: {
              type: 'boolean',
              description: 'true: map none of the numbers unless every one can be mapped (default false)',
            },
          },
        },
        response: bulkResponses(phoneNumberSchema),
      },
    },
    async (request, reply) =>
      run(
        request,
        reply,
        request.body.phone_numbers,
        request.body.all_or_nothing === true,
        (i) => `phone_numbers[${i}]`,
      ),
  );

  await app.register(async (csv) => {
    // Only here: every other route keeps answering 415 to a CSV body.
    csv.addContentTypeParser('text/csv', { parseAs: 'string', bodyLimit: BULK_BODY_LIMIT }, (_req, body, done) =>
      done(null, body),
    );
    csv.post<{ Params: TrunkParams; Querystring: { all_or_nothing?: 'true' | 'false' }; Body: string }>(
      '/trunks/:trunk_sid/phone-numbers.csv',
      {
        bodyLimit: BULK_BODY_LIMIT,
        schema: {
          tags,
          summary: 'Import phone numbers from CSV (phone_number[,mode] per line, optional header; per-item answer)',
          params: trunkParamsSchema,
          consumes: ['text/csv'],
          response: bulkResponses(phoneNumberSchema),
          body: {
            type: 'string',
            description: 'CSV: phone_number[,mode] per line, with or without a header line',
            examples: ['phone_number,mode\r\n+14155550188,pstn\r\n+14155550189,flow\r\n'],
          },
          querystring: {
            type: 'object',
            additionalProperties: false,
            properties: { all_or_nothing: { type: 'string', enum: ['true', 'false'], description: 'as in bulk' } },
          },
        },
      },
      async (request, reply) => {
        const rows = parseCsv(String(request.body ?? ''));
        // A header names its columns (an export has `id` first); without one: phone_number[,mode].
        const isHeader = (rows[0] ?? []).some((h) => h.trim().toLowerCase() === 'phone_number');
        const header = isHeader ? rows.shift() : undefined;
        const numberAt = header === undefined ? 0 : header.findIndex((h) => h.trim().toLowerCase() === 'phone_number');
        const modeAt = header === undefined ? 1 : header.findIndex((h) => h.trim().toLowerCase() === 'mode');
        if (rows.length === 0)
          throw invalidField('body', 'no phone numbers: expected one phone_number[,mode] per line');
        if (rows.length > MAX_BULK_NUMBERS) {
          throw invalidField('body', `${rows.length} numbers; at most ${MAX_BULK_NUMBERS} per request`);
        }
        const items = rows.map((r): BulkItem => {
          const mode = modeAt >= 0 ? r[modeAt]?.trim() : undefined;
          return { phone_number: r[numberAt] ?? '', ...(mode ? { mode: mode as NumberMode } : {}) };
        });
        const line = (i: number) => `line ${i + 1 + (header === undefined ? 0 : 1)}`;
        return run(request, reply, items, request.query.all_or_nothing === 'true', line);
      },
    );
  });

  app.get<{ Params: TrunkParams }>(
    '/trunks/:trunk_sid/phone-numbers.csv',
    {
      schema: {
        tags,
        summary: "Export the trunk's phone numbers as CSV (importable as is)",
        params: trunkParamsSchema,
        response: { 200: { description: 'CSV', content: { 'text/csv': { schema: { type: 'string' } } } } },
      },
    },
    async (request, reply) => {
      const { account_sid, trunk_sid } = request.params;
      await requireTrunk(store, account_sid, trunk_sid);
      let out = csvLine([...COLUMNS]);
      for (let offset = 0; ; offset += 1000) {
        const page = await store.listPhoneNumbers(account_sid, trunk_sid, { offset, limit: 1000 });
        for (const n of page.items) {
          const p = presentPhoneNumber(n);
          out += csvLine(COLUMNS.map((c) => p[c]));
        }
        if (page.items.length < 1000) break;
      }
      return reply.header('content-type', 'text/csv; charset=utf-8').send(out);
    },
  );
}
