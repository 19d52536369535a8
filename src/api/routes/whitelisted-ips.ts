import type { FastifyInstance } from 'fastify';
import { ApiError } from '../errors.js';
import { listMetadata, pageQuerySchema, parsePage } from '../pagination.js';
import { presentWhitelistedIp } from '../present.js';
import { cachedList } from '../list-cache.js';
import { deletedSchema, listResponses, okResponses, whitelistedIpSchema } from '../response-schemas.js';
import { ok, requireTrunk } from '../respond.js';
import { itemParamsSchema, trunkParamsSchema, type RouteDeps, type TrunkParams } from '../route-deps.js';
import { IP_EXPECTED, MASK_EXPECTED, ipv4Network, parseMask } from '../validation/ipv4-network.js';

interface IpBody {
  ip?: string;
  mask?: number | string;
}

/** `mask` also accepts a numeric string ("32"): forms and shell scripts send those, and it is unambiguous. */
const fields = {
  ip: { type: 'string', minLength: 1, maxLength: 15, description: IP_EXPECTED.replace(/^expected /, ''), examples: ['203.0.113.10'] },
  mask: { type: ['integer', 'string'], description: MASK_EXPECTED.replace(/^expected /, ''), examples: [32] },
} as const;

type ItemParams = TrunkParams & { id: string };

export async function whitelistedIpRoutes(app: FastifyInstance, { store, lists }: RouteDeps): Promise<void> {
  const tags = ['Whitelisted IPs'];
  const base = '/trunks/:trunk_sid/whitelisted-ips';
  const itemParams = itemParamsSchema('the numeric id returned by Whitelist IP');
  const notFound = (id: string) => new ApiError('NOT_FOUND', `whitelisted IP id ${JSON.stringify(id)} is not on this trunk`);

  app.post<{ Params: TrunkParams; Body: IpBody }>(base, {
    schema: {
      tags,
      summary: 'Whitelist IP (Map ACL to Trunk)',
      response: okResponses(whitelistedIpSchema),
      params: trunkParamsSchema,
      body: { type: 'object', additionalProperties: false, required: ['ip', 'mask'], properties: fields },
    },
  }, async (request) => {
    const { account_sid, trunk_sid } = request.params;
    const net = ipv4Network(request.body.ip ?? '', parseMask(request.body.mask));
    return ok(request, presentWhitelistedIp(await store.addWhitelistedIp(account_sid, trunk_sid, net.ip, net.mask)));
  });

  app.get<{ Params: TrunkParams; Querystring: { offset?: string; page_size?: string } }>(base, {
    schema: {
      tags,
      summary: 'Get Whitelisted IPs',
      response: listResponses(whitelistedIpSchema),
      params: trunkParamsSchema,
      querystring: { type: 'object', additionalProperties: false, properties: pageQuerySchema },
    },
  }, async (request, reply) => {
    const { account_sid, trunk_sid } = request.params;
    const page = parsePage(request.query);
    return cachedList(lists, request, reply, trunk_sid, async () => {
      const result = await store.listWhitelistedIps(account_sid, trunk_sid, page);
      if (result.items.length === 0) await requireTrunk(store, account_sid, trunk_sid);
      return { data: result.items.map(presentWhitelistedIp), metadata: listMetadata(request.url, page, result.total, result.items.length) };
    });
  });

  app.get<{ Params: ItemParams }>(`${base}/:id`, {
    schema: { tags, summary: 'Get one whitelisted IP', response: okResponses(whitelistedIpSchema), params: itemParams },
  }, async (request) => {
    const { account_sid, trunk_sid, id } = request.params;
    const found = await store.getWhitelistedIp(account_sid, trunk_sid, id);
    if (found === null) throw notFound(id);
    return ok(request, presentWhitelistedIp(found));
  });

  app.put<{ Params: ItemParams; Body: IpBody }>(`${base}/:id`, {
    schema: {
      tags,
      summary: 'Update a whitelisted IP',
      response: okResponses(whitelistedIpSchema),
      params: itemParams,
      body: { type: 'object', additionalProperties: false, minProperties: 1, description: 'ip and/or mask', properties: fields },
    },
  }, async (request) => {
    const { account_sid, trunk_sid, id } = request.params;
    const current = await store.getWhitelistedIp(account_sid, trunk_sid, id);
    if (current === null) throw notFound(id);
    const mask = request.body.mask === undefined ? current.mask : parseMask(request.body.mask);
    const net = ipv4Network(request.body.ip ?? current.ip, mask);
    return ok(request, presentWhitelistedIp(await store.updateWhitelistedIp(account_sid, trunk_sid, id, net)));
  });

  async function remove(accountSid: string, trunkSid: string, id: string) {
    await store.deleteWhitelistedIp(accountSid, trunkSid, id);
    return { id, deleted: true };
  }

  app.delete<{ Params: TrunkParams; Querystring: { id: string } }>(base, {
    schema: {
      tags,
      summary: 'Remove a whitelisted IP',
      response: okResponses(deletedSchema('id')),
      params: trunkParamsSchema,
      querystring: { type: 'object', additionalProperties: false, required: ['id'], properties: { id: { type: 'string', minLength: 1, description: 'the numeric id of the whitelisted IP' } } },
    },
  }, async (request) => ok(request, await remove(request.params.account_sid, request.params.trunk_sid, request.query.id)));

  app.delete<{ Params: ItemParams }>(`${base}/:id`, {
    schema: { tags, summary: 'Remove a whitelisted IP by path', response: okResponses(deletedSchema('id')), params: itemParams },
  }, async (request) => ok(request, await remove(request.params.account_sid, request.params.trunk_sid, request.params.id)));
}
