import type { FastifyInstance } from 'fastify';
import type { CarrierUpdate, NewCarrier } from '../../../store/operator-types.js';
import type { Store } from '../../../store/types.js';
import { ApiError, invalidField } from '../../errors.js';
import { listMetadata, pageQuerySchema, parsePage } from '../../pagination.js';
import { deletedSchema, listResponses, okResponses } from '../../response-schemas.js';
import { ok } from '../../respond.js';
import { serverCheck } from '../../server-check.js';
import { carrierUri } from '../../validation/carrier-uri.js';
import { ipv4Cidr } from '../../validation/ipv4-cidr.js';
import { OPERATOR_SECURITY } from './operator-accounts.js';
import { carrierSchema, presentCarrier } from './operator-schemas.js';

interface CarrierBody {
  name?: string;
  uris?: Array<{ uri: string; priority: number; weight: number }>;
  credentials?: { username: string; password?: string; auth_username?: string | null; realm?: string | null } | null;
  registration?: { registrar_uri: string; expires: number; contact_user: string } | null;
  source_cidrs?: string[];
  codecs?: string[];
  max_calls_per_second?: number | null;
  max_concurrent_calls?: number | null;
  probe?: boolean;
  srtp?: boolean;
}

/** A SIP user name: visible ASCII without space, quote, backslash, colon, @ or angle brackets. */
const USER = { type: 'string', pattern: '^[!#-9;=?A-\\[\\]-~]{1,64}$' } as const;
const SIP_URI = serverCheck('the SIP URI grammar above (RFC 3261 §19.1.1), host an IPv4 address or a name');
const USER_TEXT = '1-64 visible ASCII characters without space, quotes, backslash, :, @, < or >';

function fields(passwordRequired: boolean) {
  return {
    name: {
      type: 'string',
      pattern: '^[A-Za-z0-9][A-Za-z0-9_.-]{0,31}$',
      description: '1-32 of A-Z, a-z, 0-9, _ . - (starting with a letter or digit), unique among carriers',
      examples: ['carrier_a'],
    },
    uris: {
      type: 'array',
      minItems: 1,
      maxItems: 16,
      description: '1-16 objects {uri, priority, weight}',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['uri'],
        description: 'an object {uri, priority, weight}',
        properties: {
          uri: {
            type: 'string',
            maxLength: 300,
            description: 'sip: or sips: host[:port][;transport=udp|tcp|tls]',
            examples: ['sip:203.0.113.20:5060;transport=udp'],
            ...SIP_URI,
          },
          priority: {
            type: 'integer',
            minimum: 0,
            maximum: 65535,
            default: 1,
            description: 'an integer 0-65535, lower tried first (default 1)',
          },
          weight: {
            type: 'integer',
            minimum: 0,
            maximum: 65535,
            default: 1,
            description: 'an integer 0-65535, share among URIs of one priority (default 1)',
          },
        },
      },
    },
    credentials: {
      type: ['object', 'null'],
      additionalProperties: false,
      required: passwordRequired ? ['username', 'password'] : ['username'],
      description: `digest credentials {username, password, auth_username, realm}, or null for none`,
      properties: {
        username: { ...USER, description: USER_TEXT, examples: ['vsip_trunk'] },
        password: {
          type: 'string',
          pattern: '^[ -~]{1,128}$',
          description: passwordRequired
            ? '1-128 printable ASCII characters (stored encrypted, never returned)'
            : '1-128 printable ASCII characters; leave out to keep the stored password',
          examples: ['s3cret-Passw0rd'],
        },
        auth_username: {
          type: ['string', 'null'],
          pattern: USER.pattern,
          description: `the Authorization user name when it differs from username: ${USER_TEXT}, or null`,
        },
        realm: {
          type: ['string', 'null'],
          pattern: '^[ !#-\\[\\]-~]{1,128}$',
          description: 'answer only challenges of this realm (1-128 printable ASCII, no quotes), or null for any',
        },
      },
    },
    registration: {
      type: ['object', 'null'],
      additionalProperties: false,
      required: ['registrar_uri'],
      description: 'outbound registration {registrar_uri, expires, contact_user}, or null for none',
      properties: {
        registrar_uri: {
          type: 'string',
          maxLength: 300,
          description: 'sip: or sips: host[:port][;transport=]',
          examples: ['sip:203.0.113.20'],
          ...SIP_URI,
        },
        expires: {
          type: 'integer',
          minimum: 60,
          maximum: 86400,
          default: 3600,
          description: 'seconds 60-86400 (default 3600)',
        },
        contact_user: { ...USER, default: 'vsip', description: `the Contact user part: ${USER_TEXT}` },
      },
    },
    source_cidrs: {
      type: 'array',
      maxItems: 100,
      description: 'up to 100 IPv4 addresses or networks (203.0.113.10, 203.0.113.0/24)',
      items: {
        type: 'string',
        maxLength: 18,
        description: 'an IPv4 address or network such as 203.0.113.0/24',
        examples: ['203.0.113.0/24'],
        ...serverCheck('a dotted IPv4 address, or a network with no bits set beyond its prefix'),
      },
    },
    codecs: {
      type: 'array',
      minItems: 1,
      uniqueItems: true,
      description: 'one or more of PCMU, PCMA, G729, without repeats',
      items: { type: 'string', enum: ['PCMU', 'PCMA', 'G729'], description: 'PCMU, PCMA or G729' },
    },
    max_calls_per_second: {
      type: ['integer', 'null'],
      minimum: 1,
      maximum: 10000,
      description: 'an integer 1-10000, or null for no carrier limit',
    },
    max_concurrent_calls: {
      type: ['integer', 'null'],
      minimum: 1,
      maximum: 100000,
      description: 'an integer 1-100000, or null for no carrier limit',
    },
    probe: { type: 'boolean', description: 'true or false: probe the URIs with OPTIONS' },
    srtp: { type: 'boolean', description: 'true or false: SRTP on calls to this carrier' },
  } as const;
}

/** The checks JSON Schema cannot express: URI and CIDR syntax, no repeated URI or CIDR. */
function toUpdate(body: CarrierBody): CarrierUpdate {
  const u: CarrierUpdate = {};
  if (body.name !== undefined) u.name = body.name;
  if (body.uris !== undefined) {
    const seen = new Set<string>();
    u.uris = body.uris.map((x, i) => {
      const uri = carrierUri(`uris[${i}].uri`, x.uri);
      if (seen.has(uri)) throw invalidField(`uris[${i}].uri`, `${uri} is listed twice`);
      seen.add(uri);
      return { uri, priority: x.priority, weight: x.weight };
    });
  }
  if (body.credentials === null) u.credentials = null;
  else if (body.credentials !== undefined) {
    const c = body.credentials;
    u.credentials = {
      username: c.username,
      password: c.password ?? null,
      authUsername: c.auth_username ?? null,
      realm: c.realm ?? null,
    };
  }
  if (body.registration === null) u.registration = null;
  else if (body.registration !== undefined) {
    const r = body.registration;
    u.registration = {
      registrarUri: carrierUri('registration.registrar_uri', r.registrar_uri),
      expires: r.expires,
      contactUser: r.contact_user,
    };
  }
  if (body.source_cidrs !== undefined) {
    u.sourceCidrs = [...new Set(body.source_cidrs.map((c, i) => ipv4Cidr(`source_cidrs[${i}]`, c)))];
  }
  if (body.codecs !== undefined) u.codecs = body.codecs;
  if (body.max_calls_per_second !== undefined) u.maxCallsPerSecond = body.max_calls_per_second;
  if (body.max_concurrent_calls !== undefined) u.maxConcurrentCalls = body.max_concurrent_calls;
  if (body.probe !== undefined) u.probe = body.probe;
  if (body.srtp !== undefined) u.srtp = body.srtp;
  return u;
}

interface CarrierParams {
  carrier_sid: string;
}
const params = {
  type: 'object',
  properties: { carrier_sid: { type: 'string', description: 'a carrier_sid' } },
  required: ['carrier_sid'],
} as const;

/** `/v2/operator/carriers`: upstream carriers (src/carriers/carrier-plan.ts), CRUD. */
export async function operatorCarrierRoutes(app: FastifyInstance, { store }: { store: Store }): Promise<void> {
  const tags = ['Operator: carriers'];
  const security = OPERATOR_SECURITY;

  app.post<{ Body: CarrierBody }>(
    '/carriers',
    {
      schema: {
        tags,
        security,
        summary: 'Create a carrier',
        response: okResponses(carrierSchema),
        body: { type: 'object', additionalProperties: false, required: ['name', 'uris'], properties: fields(true) },
      },
    },
    async (request) => {
      const u = toUpdate(request.body);
      const input: NewCarrier = {
        name: u.name as string,
        uris: u.uris ?? [],
        credentials:
          u.credentials === undefined || u.credentials === null
            ? null
            : { ...u.credentials, password: u.credentials.password as string },
        registration: u.registration ?? null,
        sourceCidrs: u.sourceCidrs ?? [],
        codecs: u.codecs ?? ['PCMU', 'PCMA', 'G729'],
        maxCallsPerSecond: u.maxCallsPerSecond ?? null,
        maxConcurrentCalls: u.maxConcurrentCalls ?? null,
        probe: u.probe ?? false,
        srtp: u.srtp ?? false,
      };
      return ok(request, presentCarrier(await store.createCarrier(input)));
    },
  );

  app.get<{ Querystring: { offset?: string; page_size?: string } }>(
    '/carriers',
    {
      schema: {
        tags,
        security,
        summary: 'List carriers',
        response: listResponses(carrierSchema),
        querystring: { type: 'object', additionalProperties: false, properties: pageQuerySchema },
      },
    },
    async (request) => {
      const page = parsePage(request.query);
      const result = await store.listCarriers(page);
      return ok(
        request,
        result.items.map(presentCarrier),
        listMetadata(request.url, page, result.total, result.items.length),
      );
    },
  );

  app.get<{ Params: CarrierParams }>(
    '/carriers/:carrier_sid',
    { schema: { tags, security, summary: 'Get a carrier', response: okResponses(carrierSchema), params } },
    async (request) => {
      const carrier = await store.getCarrier(request.params.carrier_sid);
      if (carrier === null) {
        throw new ApiError('NOT_FOUND', `carrier_sid ${JSON.stringify(request.params.carrier_sid)} is not a carrier`);
      }
      return ok(request, presentCarrier(carrier));
    },
  );

  app.put<{ Params: CarrierParams; Body: CarrierBody }>(
    '/carriers/:carrier_sid',
    {
      schema: {
        tags,
        security,
        summary: 'Update a carrier (fields left out stay; uris replaces the list)',
        response: okResponses(carrierSchema),
        params,
        body: {
          type: 'object',
          additionalProperties: false,
          minProperties: 1,
          description: 'at least one carrier field',
          properties: fields(false),
        },
      },
    },
    async (request) =>
      ok(request, presentCarrier(await store.updateCarrier(request.params.carrier_sid, toUpdate(request.body)))),
  );

  app.delete<{ Params: CarrierParams }>(
    '/carriers/:carrier_sid',
    {
      schema: {
        tags,
        security,
        summary: 'Delete a carrier (refused while a route lists it)',
        response: okResponses(deletedSchema('carrier_sid')),
        params,
      },
    },
    async (request) => {
      await store.deleteCarrier(request.params.carrier_sid);
      return ok(request, { carrier_sid: request.params.carrier_sid, deleted: true });
    },
  );
}
