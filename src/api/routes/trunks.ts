import type { FastifyInstance } from 'fastify';
import type { NewTrunk, TrunkUpdate } from '../../store/types.js';
import { ApiError, invalidField } from '../errors.js';
import { listMetadata, pageQuerySchema, parsePage } from '../pagination.js';
import { presentTrunk } from '../present.js';
import { regionGateway, regionItemSchema } from './gateways.js';

import { searchTrunks } from '../search-trunks.js';
import { deletedSchema, okResponses, oneOrListResponses, trunkSchema } from '../response-schemas.js';
import { ok } from '../respond.js';
import { serverCheck } from '../server-check.js';
import {
  accountParamsSchema,
  trunkParamsSchema,
  type AccountParams,
  type RouteDeps,
  type TrunkParams,
} from '../route-deps.js';

/** A single trunk's data also shows the addresses of its region (edge_preference, else the API's own). */
const trunkWithGateway = {
  ...trunkSchema,
  properties: {
    ...trunkSchema.properties,
    gateway: {
      anyOf: [regionItemSchema, { type: 'null' }],
      description:
        "the gateway addresses of the trunk's region (edge_preference, else the API's --region) that its PBX " +
        'must use and a firewall must allow; null when no SIP node of that region is up',
    },
  },
} as const;

interface TrunkBody {
  trunk_name?: string;
  nso_code?: string;
  domain_name?: string;
  status?: 'active' | 'inactive';
  auth_type?: NewTrunk['authType'];
  registration_enabled?: boolean;
  edge_preference?: string | null;
  secure_trunking?: boolean;
  max_calls_per_second?: number | null;
  max_concurrent_calls?: number | null;
}

function trunkFields(sipDomain: string) {
  return {
    trunk_name: {
      type: 'string',
      pattern: '^[A-Za-z0-9_]{1,16}$',
      description: '1-16 characters of A-Z, a-z, 0-9 and _, unique within the account',
      examples: ['my_trunk'],
    },
    // The spec's Network Service Operator code (OPERATOR-CIRCLE). vsip routes every operator and
    // circle alike, so a code that would promise a narrower routing is refused, not stored and ignored.
    nso_code: {
      type: 'string',
      pattern: '^ANY-ANY$',
      description: 'ANY-ANY: the trunk serves every Network Service Operator and circle (no other code is accepted)',
      examples: ['ANY-ANY'],
    },
    domain_name: {
      type: 'string',
      maxLength: 253,
      description: `<account_sid>.${sipDomain} (your account SID, then the SIP domain)`,
      ...serverCheck("exactly this account's SIP domain (case-insensitive)"),
      examples: [`{account_sid}.${sipDomain}`],
    },
    auth_type: {
      type: 'string',
      enum: ['ip_whitelist', 'credentials', 'ip_whitelist_and_credentials'],
      description: 'one of ip_whitelist, credentials, ip_whitelist_and_credentials (default ip_whitelist)',
    },
    registration_enabled: {
      type: 'boolean',
      description:
        'true or false: whether the PBX may REGISTER (digest, username = trunk_sid; refused 403 when false). ' +
        'Inbound calls ring its registered contacts first, then the destination URIs (GET …/registrations)',
    },
    // A name, not free text: no control, bidi-override or zero-width characters that could spoof or
    // garble a terminal or a dashboard showing it.
    edge_preference: {
      type: ['string', 'null'],
      pattern: '^[A-Za-z0-9][A-Za-z0-9 _.-]{0,63}$',
      description:
        "the region whose gateway addresses this trunk's PBX should use: a region a SIP node runs in " +
        "(--region; GET /gateways lists each one's addresses), any other name is refused; or null",
      ...serverCheck('a region a SIP node runs in now (GET /gateways)'),
    },
    secure_trunking: {
      type: 'boolean',
      description:
        'true: calls from the PBX only over TLS (else 403) with SRTP (SDES) offered (else 488), and inbound calls ' +
        'only to TLS destinations and TLS-registered contacts with SRTP; false (default): any transport, RTP',
    },
    max_calls_per_second: {
      type: ['integer', 'null'],
      minimum: 1,
      maximum: 10000,
      description: 'an integer 1-10000, or null for the gateway default',
    },
    max_concurrent_calls: {
      type: ['integer', 'null'],
      minimum: 1,
      maximum: 100000,
      description: 'an integer 1-100000, or null for the gateway default',
    },
  } as const;
}

export async function trunkRoutes(app: FastifyInstance, { store, config }: RouteDeps): Promise<void> {
  const fields = trunkFields(config.sipDomain);
  const tags = ['Trunks'];

  function checkDomain(accountSid: string, domain: string): string {
    const expected = `${accountSid}.${config.sipDomain}`;
    if (domain.toLowerCase() !== expected.toLowerCase()) {
      throw invalidField(
        'domain_name',
        `${JSON.stringify(domain)} is not this account's SIP domain; expected ${expected}`,
      );
    }
    return expected;
  }

  /**
   * edge_preference names a region: this process's own (--region) or one a SIP node has joined the
   * registry with. Anything else would be stored and mean nothing, so it is refused.
   */
  async function checkEdge(edge: string | null | undefined): Promise<void> {
    if (edge === undefined || edge === null) return;
    const known = new Set([config.region, ...(await store.listSipNodes(null)).map((n) => n.region)]);
    if (!known.has(edge))
      throw invalidField(
        'edge_preference',
        `${JSON.stringify(edge)} is not a known region; expected one of ${[...known].sort().join(', ')} ` +
          '(GET /gateways)',
      );
  }

  function toUpdate(accountSid: string, body: TrunkBody): TrunkUpdate {
    const u: TrunkUpdate = {};
    if (body.trunk_name !== undefined) u.name = body.trunk_name;
    if (body.nso_code !== undefined) u.nsoCode = body.nso_code;
    if (body.domain_name !== undefined) u.domainName = checkDomain(accountSid, body.domain_name);
    if (body.status !== undefined) u.status = body.status;
    if (body.auth_type !== undefined) u.authType = body.auth_type;
    if (body.registration_enabled !== undefined) u.registrationEnabled = body.registration_enabled;
    if (body.edge_preference !== undefined) u.edgePreference = body.edge_preference;
    if (body.secure_trunking !== undefined) u.secureTrunking = body.secure_trunking;
    if (body.max_calls_per_second !== undefined) u.maxCallsPerSecond = body.max_calls_per_second;
    if (body.max_concurrent_calls !== undefined) u.maxConcurrentCalls = body.max_concurrent_calls;
    return u;
  }

  app.post<{ Params: AccountParams; Body: TrunkBody }>(
    '/trunks',
    {
      schema: {
        tags,
        summary: 'Create Trunk',
        response: okResponses(trunkSchema),
        params: accountParamsSchema,
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['trunk_name', 'nso_code', 'domain_name'],
          properties: fields,
        },
      },
    },
    async (request) => {
      const { account_sid } = request.params;
      const update = toUpdate(account_sid, request.body);
      await checkEdge(update.edgePreference);
      const trunk = await store.createTrunk({ ...update, accountSid: account_sid } as NewTrunk);
      return ok(request, presentTrunk(trunk));
    },
  );

  app.get<{
    Params: AccountParams;
    Querystring: { trunk_sid?: string; search?: string; offset?: string; page_size?: string };
  }>(
    '/trunks',
    {
      schema: {
        tags,
        summary: 'List trunks, or get one with ?trunk_sid=',
        response: oneOrListResponses(trunkWithGateway),
        params: accountParamsSchema,
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            trunk_sid: { type: 'string', minLength: 1, description: 'a trunk_sid: return only that trunk' },
            search: {
              type: 'string',
              minLength: 1,
              maxLength: 64,
              description: 'only trunks whose name or trunk_sid contains this text (case-insensitive)',
            },
            ...pageQuerySchema,
          },
        },
      },
    },
    async (request) => {
      const { account_sid } = request.params;
      if (request.query.trunk_sid !== undefined) {
        const trunk = await store.getTrunk(account_sid, request.query.trunk_sid);
        if (trunk === null)
          throw new ApiError(
            'NOT_FOUND',
            `trunk_sid ${JSON.stringify(request.query.trunk_sid)} is not a trunk of this account`,
          );
        const gateway = await regionGateway(store, trunk.edgePreference ?? config.region);
        return ok(request, { ...presentTrunk(trunk), gateway });
      }
      const page = parsePage(request.query);
      const result =
        request.query.search !== undefined
          ? await searchTrunks(store, account_sid, request.query.search, page)
          : await store.listTrunks(account_sid, page);
      return ok(
        request,
        result.items.map(presentTrunk),
        listMetadata(request.url, page, result.total, result.items.length),
      );
    },
  );

  app.get<{ Params: TrunkParams }>(
    '/trunks/:trunk_sid',
    {
      schema: { tags, summary: 'Get Trunk', response: okResponses(trunkWithGateway), params: trunkParamsSchema },
    },
    async (request) => {
      const trunk = await store.getTrunk(request.params.account_sid, request.params.trunk_sid);
      if (trunk === null)
        throw new ApiError(
          'NOT_FOUND',
          `trunk_sid ${JSON.stringify(request.params.trunk_sid)} is not a trunk of this account`,
        );
      const gateway = await regionGateway(store, trunk.edgePreference ?? config.region);
      return ok(request, { ...presentTrunk(trunk), gateway });
    },
  );

  app.put<{ Params: TrunkParams; Body: TrunkBody }>(
    '/trunks/:trunk_sid',
    {
      schema: {
        tags,
        summary: 'Update Trunk',
        response: okResponses(trunkSchema),
        params: trunkParamsSchema,
        body: {
          type: 'object',
          additionalProperties: false,
          minProperties: 1,
          description: 'at least one trunk field',
          properties: {
            ...fields,
            status: {
              type: 'string',
              enum: ['active', 'inactive'],
              description: 'active or inactive (an inactive trunk carries no calls)',
            },
          },
        },
      },
    },
    async (request) => {
      const { account_sid, trunk_sid } = request.params;
      const update = toUpdate(account_sid, request.body);
      await checkEdge(update.edgePreference);
      const trunk = await store.updateTrunk(account_sid, trunk_sid, update);
      return ok(request, presentTrunk(trunk));
    },
  );

  async function remove(accountSid: string, trunkSid: string) {
    await store.deleteTrunk(accountSid, trunkSid);
    return { trunk_sid: trunkSid, deleted: true };
  }

  app.delete<{ Params: AccountParams; Querystring: { trunk_sid: string } }>(
    '/trunks',
    {
      schema: {
        tags,
        summary: 'Delete Trunk (and everything under it)',
        response: okResponses(deletedSchema('trunk_sid')),
        params: accountParamsSchema,
        querystring: {
          type: 'object',
          additionalProperties: false,
          required: ['trunk_sid'],
          properties: {
            trunk_sid: { type: 'string', minLength: 1, description: 'the trunk_sid of the trunk to delete' },
          },
        },
      },
    },
    async (request) => ok(request, await remove(request.params.account_sid, request.query.trunk_sid)),
  );

  app.delete<{ Params: TrunkParams }>(
    '/trunks/:trunk_sid',
    {
      schema: {
        tags,
        summary: 'Delete Trunk by path',
        response: okResponses(deletedSchema('trunk_sid')),
        params: trunkParamsSchema,
      },
    },
    async (request) => ok(request, await remove(request.params.account_sid, request.params.trunk_sid)),
  );
}
