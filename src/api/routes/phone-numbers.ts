import type { FastifyInstance } from 'fastify';
import type { NumberMode } from '../../store/types.js';
import { ApiError } from '../errors.js';
import { listMetadata, pageQuerySchema, parsePage } from '../pagination.js';
import { presentPhoneNumber } from '../present.js';
import { cachedList } from '../list-cache.js';
import { deletedSchema, listResponses, okResponses, phoneNumberSchema } from '../response-schemas.js';
import { ok, requireTrunk } from '../respond.js';
import { itemParamsSchema, trunkParamsSchema, type RouteDeps, type TrunkParams } from '../route-deps.js';
import { E164_EXPECTED, e164 } from '../validation/e164.js';

interface NumberBody {
  phone_number?: string;
  mode?: NumberMode;
}

const fields = {
  phone_number: { type: 'string', minLength: 1, maxLength: 32, description: E164_EXPECTED.replace(/^expected /, ''), examples: ['+14155550100'] },
  mode: { type: 'string', enum: ['pstn', 'flow'], description: 'pstn (route to the telephone network, default) or flow (route to a Voice AI flow)', examples: ['pstn'] },
} as const;

type ItemParams = TrunkParams & { id: string };

export async function phoneNumberRoutes(app: FastifyInstance, { store, lists }: RouteDeps): Promise<void> {
  const tags = ['Phone numbers'];
  const base = '/trunks/:trunk_sid/phone-numbers';
  const itemParams = itemParamsSchema('the numeric id returned by Map Phone Number (not the phone number)');
  const notFound = (id: string) => new ApiError('NOT_FOUND', `phone number id ${JSON.stringify(id)} is not mapped to this trunk`);

  app.post<{ Params: TrunkParams; Body: NumberBody }>(base, {
    schema: {
      tags,
      summary: 'Map Phone Number',
      response: okResponses(phoneNumberSchema),
      params: trunkParamsSchema,
      body: { type: 'object', additionalProperties: false, required: ['phone_number'], properties: fields },
    },
  }, async (request) => {
    const { account_sid, trunk_sid } = request.params;
    const number = e164('phone_number', request.body.phone_number ?? '');
    const created = await store.addPhoneNumber(account_sid, trunk_sid, number, request.body.mode ?? 'pstn');
    return ok(request, presentPhoneNumber(created));
  });

  app.get<{ Params: TrunkParams; Querystring: { offset?: string; page_size?: string } }>(base, {
    schema: {
      tags,
      summary: 'Get Phone Numbers',
      response: listResponses(phoneNumberSchema),
      params: trunkParamsSchema,
      querystring: { type: 'object', additionalProperties: false, properties: pageQuerySchema },
    },
  }, async (request, reply) => {
    const { account_sid, trunk_sid } = request.params;
    const page = parsePage(request.query);
    return cachedList(lists, request, reply, trunk_sid, async () => {
      const result = await store.listPhoneNumbers(account_sid, trunk_sid, page);
      if (result.items.length === 0) await requireTrunk(store, account_sid, trunk_sid);
      return { data: result.items.map(presentPhoneNumber), metadata: listMetadata(request.url, page, result.total, result.items.length) };
    });
  });

  app.get<{ Params: ItemParams }>(`${base}/:id`, {
    schema: { tags, summary: 'Get one phone number', response: okResponses(phoneNumberSchema), params: itemParams },
  }, async (request) => {
    const { account_sid, trunk_sid, id } = request.params;
    const found = await store.getPhoneNumber(account_sid, trunk_sid, id);
    if (found === null) throw notFound(id);
    return ok(request, presentPhoneNumber(found));
  });

  app.put<{ Params: ItemParams; Body: NumberBody }>(`${base}/:id`, {
    schema: {
      tags,
      summary: 'Update Phone Number (mode or number)',
      response: okResponses(phoneNumberSchema),
      params: itemParams,
      body: { type: 'object', additionalProperties: false, minProperties: 1, description: 'phone_number and/or mode', properties: fields },
    },
  }, async (request) => {
    const { account_sid, trunk_sid, id } = request.params;
    const update: { phoneNumber?: string; mode?: NumberMode } = {};
    if (request.body.phone_number !== undefined) update.phoneNumber = e164('phone_number', request.body.phone_number);
    if (request.body.mode !== undefined) update.mode = request.body.mode;
    return ok(request, presentPhoneNumber(await store.updatePhoneNumber(account_sid, trunk_sid, id, update)));
  });

  async function remove(accountSid: string, trunkSid: string, id: string) {
    await store.deletePhoneNumber(accountSid, trunkSid, id);
    return { id, deleted: true };
  }

  app.delete<{ Params: TrunkParams; Querystring: { id: string } }>(base, {
    schema: {
      tags,
      summary: 'Remove a phone number from the trunk',
      response: okResponses(deletedSchema('id')),
      params: trunkParamsSchema,
      querystring: { type: 'object', additionalProperties: false, required: ['id'], properties: { id: { type: 'string', minLength: 1, description: 'the numeric id of the mapping' } } },
    },
  }, async (request) => ok(request, await remove(request.params.account_sid, request.params.trunk_sid, request.query.id)));

  app.delete<{ Params: ItemParams }>(`${base}/:id`, {
    schema: { tags, summary: 'Remove a phone number by path', response: okResponses(deletedSchema('id')), params: itemParams },
  }, async (request) => ok(request, await remove(request.params.account_sid, request.params.trunk_sid, request.params.id)));
}
