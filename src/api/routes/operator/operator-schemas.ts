/**
 * Response schemas and presenters of the operator API: store records → snake_case JSON, in one
 * place so the OpenAPI document and the answers cannot drift apart. A carrier's digest password
 * is write-only: answers say whether one is set, never what it is.
 */
import type { CarrierRecord, CarrierRouteRecord } from '../../../store/operator-types.js';
import type { Account, AccountCredentials } from '../../../store/types.js';

const str = { type: 'string' } as const;
const int = { type: 'integer' } as const;
const bool = { type: 'boolean' } as const;
const nullableInt = { type: ['integer', 'null'] } as const;
const nullableStr = { type: ['string', 'null'] } as const;
const timestamp = { type: 'string', description: 'ISO-8601 UTC, e.g. 2025-01-22T10:00:00Z' } as const;

function object(properties: Record<string, unknown>) {
  return { type: 'object', properties, required: Object.keys(properties) } as const;
}
const nullableObject = (properties: Record<string, unknown>) => ({ anyOf: [object(properties), { type: 'null' }] });

export const operatorAccountSchema = object({
  account_sid: str,
  name: str,
  api_key: str,
  status: { type: 'string', enum: ['active', 'suspended'] },
  date_created: timestamp,
});

export const accountCredentialsSchema = object({
  account_sid: str,
  api_key: str,
  api_token: { type: 'string', description: 'shown only in this answer: store it now' },
});

export const carrierSchema = object({
  carrier_sid: str,
  name: str,
  uris: { type: 'array', items: object({ id: str, uri: str, priority: int, weight: int }) },
  credentials: nullableObject({
    username: str,
    auth_username: nullableStr,
    realm: nullableStr,
    password_set: { type: 'boolean', description: 'the password itself is never returned' },
  }),
  registration: nullableObject({ registrar_uri: str, expires: int, contact_user: str }),
  source_cidrs: { type: 'array', items: str },
  codecs: { type: 'array', items: str },
  max_calls_per_second: nullableInt,
  max_concurrent_calls: nullableInt,
  probe: bool,
  srtp: bool,
  date_created: timestamp,
  date_updated: timestamp,
});

export const carrierRouteSchema = object({
  route_sid: str,
  prefix: str,
  carriers: { type: 'array', items: object({ carrier_sid: str, priority: int, weight: int }) },
  date_created: timestamp,
  date_updated: timestamp,
});

export function presentAccount(a: Account) {
  return { account_sid: a.sid, name: a.name, api_key: a.apiKey, status: a.status, date_created: a.dateCreated };
}

export function presentCredentials(c: AccountCredentials) {
  return { account_sid: c.accountSid, api_key: c.apiKey, api_token: c.apiToken };
}

export function presentCarrier(c: CarrierRecord) {
  return {
    carrier_sid: c.sid,
    name: c.name,
    uris: c.uris.map((u) => ({ id: u.id, uri: u.uri, priority: u.priority, weight: u.weight })),
    credentials:
      c.credentials === null
        ? null
        : {
            username: c.credentials.username,
            auth_username: c.credentials.authUsername,
            realm: c.credentials.realm,
            password_set: true,
          },
    registration:
      c.registration === null
        ? null
        : {
            registrar_uri: c.registration.registrarUri,
            expires: c.registration.expires,
            contact_user: c.registration.contactUser,
          },
    source_cidrs: [...c.sourceCidrs],
    codecs: [...c.codecs],
    max_calls_per_second: c.maxCallsPerSecond,
    max_concurrent_calls: c.maxConcurrentCalls,
    probe: c.probe,
    srtp: c.srtp,
    date_created: c.dateCreated,
    date_updated: c.dateUpdated,
  };
}

export function presentCarrierRoute(r: CarrierRouteRecord) {
  return {
    route_sid: r.sid,
    prefix: r.prefix,
    carriers: r.carriers.map((c) => ({ carrier_sid: c.carrierSid, priority: c.priority, weight: c.weight })),
    date_created: r.dateCreated,
    date_updated: r.dateUpdated,
  };
}
