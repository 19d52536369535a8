import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { schemaExample } from '../../src/api/schema-example.js';
import { SERVER_CHECK } from '../../src/api/server-check.js';
import { apiFixture, basic, type ApiFixture } from './api-fixture.js';
import {
  bodyCandidates,
  bodyFields,
  describeValue,
  OMIT,
  textCandidates,
  withValue,
  type Candidate,
  type Field,
  type FieldSchema,
} from '../support/openapi-probes.js';

/**
 * The OpenAPI document and the live API agree, field by field: for every operation, every query
 * parameter, header and body field gets values just inside and just outside each documented
 * constraint (test/support/openapi-probes.ts). The document decides which side each value is on
 * (Ajv over its own schemas); the API must accept what it allows and refuse, with 400 / 1000, what
 * it does not (a field marked x-vsip-check may also be refused for what its text says). Every
 * answer must match the response the document gives for its status, and each operation's
 * documented example must itself be accepted.
 */

interface Parameter {
  in: string;
  name: string;
  required?: boolean;
  schema: FieldSchema;
}
interface Operation {
  operationId: string;
  parameters?: Parameter[];
  requestBody?: { content: Record<string, { schema: FieldSchema; example?: unknown }> };
  responses: Record<string, { content?: Record<string, { schema: FieldSchema }> }>;
}
interface Doc {
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, unknown> };
}

let f: ApiFixture;
let doc: Doc;
let operatorToken: string;
const ajv = new Ajv({ strict: false, allowUnionTypes: true, coerceTypes: false, allErrors: false });
addFormats.default(ajv);
const compiled = new Map<object, ValidateFunction>();

/** Ajv over a document schema; `#/components/...` references resolve against the document. */
function validator(schema: object): ValidateFunction {
  let v = compiled.get(schema);
  if (v === undefined) {
    v = ajv.compile({ ...schema, components: doc.components });
    compiled.set(schema, v);
  }
  return v;
}

before(async () => {
  f = await apiFixture('sqlite');
  operatorToken = (await f.store.createOperatorToken('contract')).secret;
  await f.app.ready();
  doc = f.app.swagger() as unknown as Doc;
});
after(() => f.close());

/** Fresh items for one operation, so that one operation's probes (a delete, a suspend) spare the next. */
async function world(tag: string) {
  const account = await f.store.createAccount(`contract ${tag}`);
  let auth = basic(account.apiKey, account.apiToken);
  const sid = account.accountSid;
  const call = async (method: string, url: string, body?: unknown, headers: Record<string, string> = {}) => {
    const text = typeof body === 'string';
    const r = await f.app.inject({
      method: method as 'GET',
      url,
      headers: {
        authorization: url.startsWith('/v2/operator/') ? `Bearer ${operatorToken}` : auth,
        ...(body === undefined ? {} : { 'content-type': text ? 'text/csv' : 'application/json' }),
        ...headers,
      },
      ...(body === undefined ? {} : { payload: text ? body : JSON.stringify(body) }),
    });
    const json = r.body === '' || !String(r.headers['content-type']).includes('json') ? null : r.json();
    const data = json?.response?.data;
    // The account's own token rotation hands out the token the next request must use.
    if (r.statusCode === 200 && url.startsWith(`/v2/accounts/${sid}/`) && data?.api_token !== undefined)
      auth = basic(account.apiKey, data.api_token);
    return { status: r.statusCode, json, headers: r.headers };
  };
  const made = async (method: string, url: string, body: unknown) => {
    const r = await call(method, url, body);
    assert.ok(r.status === 200, `${url}: ${r.status} ${JSON.stringify(r.json)}`);
    const data = r.json.response.data;
    return Array.isArray(data) ? data[0].data : data;
  };
  const base = `/v2/accounts/${sid}`;
  // The webhook first: the trunk's creation then queues a delivery to redeliver.
  const webhook = await made('POST', `${base}/webhooks`, { url: 'https://crm.example.com/hook' });
  const trunk = await made('POST', `${base}/trunks`, {
    trunk_name: 'w',
    nso_code: 'ANY-ANY',
    domain_name: `${sid}.${f.config.sipDomain}`,
  });
  const t = `${base}/trunks/${trunk.trunk_sid}`;
  const number = await made('POST', `${t}/phone-numbers`, { phone_number: '+14155550199' });
  const ip = await made('POST', `${t}/whitelisted-ips`, { ip: '198.51.100.7', mask: 32 });
  const destination = await made('POST', `${t}/destination-uris`, {
    destinations: [{ destination: '198.51.100.8:5060;transport=tcp' }],
  });
  await made('POST', `${t}/settings`, { settings: [{ name: 'trunk_external_alias', value: '+14155550100' }] });
  const carrier = await made('POST', '/v2/operator/carriers', {
    name: `c${tag}`,
    uris: [{ uri: 'sip:198.51.100.9:5060' }],
  });
  // The route has its own carrier, so that deleting the world's carrier is not refused as in use.
  const routed = await made('POST', '/v2/operator/carriers', { name: `r${tag}`, uris: [{ uri: 'sip:198.51.100.9' }] });
  const route = await made('POST', '/v2/operator/routes', {
    prefix: tag.replace(/\D/g, '').slice(0, 12),
    carriers: [{ carrier_sid: routed.carrier_sid }],
  });
  const deliveries = await call('GET', `${base}/webhooks/${webhook.webhook_sid}/deliveries`);
  const values: Record<string, string> = {
    account_sid: sid,
    trunk_sid: trunk.trunk_sid,
    webhook_sid: webhook.webhook_sid,
    carrier_sid: carrier.carrier_sid,
    route_sid: route.route_sid,
    delivery_id: String(deliveries.json?.response?.data?.[0]?.delivery_id ?? deliveries.json?.response?.data?.[0]?.id),
    name: 'trunk_external_alias',
  };
  const ids: Record<string, string> = {
    'phone-numbers': String(number.id),
    'whitelisted-ips': String(ip.id),
    'destination-uris': String(destination.id),
  };
  // Deleting the account frees what is unique across accounts (phone numbers) for the next world.
  // Routes and carriers are the operator's, not the account's: all of them go (examples made some).
  const close = async () => {
    for (const kind of ['routes', 'carriers']) {
      const list = await call('GET', `/v2/operator/${kind}?page_size=100`);
      for (const item of list.json.response.data) {
        await call('DELETE', `/v2/operator/${kind}/${item.route_sid ?? item.carrier_sid}`);
      }
    }
    await call('DELETE', `/v2/operator/accounts/${sid}`);
  };
  return { call, values, ids, close };
}

type World = Awaited<ReturnType<typeof world>>;

/** `{account_sid}` and friends in a path or an example, filled from the world. */
function fill(text: string, w: World, path: string): string {
  const collection = /\/([a-z-]+)\/\{id\}/.exec(path)?.[1] ?? /\/([a-z-]+)$/.exec(path)?.[1] ?? '';
  return text.replace(/\{(\w+)\}/g, (m, name: string) =>
    name === 'id' ? (w.ids[collection] ?? m) : (w.values[name] ?? m),
  );
}

const fillDeep = (value: unknown, w: World, path: string): unknown => JSON.parse(fill(JSON.stringify(value), w, path));

interface Probe {
  query: Record<string, string>;
  headers: Record<string, string>;
  body: unknown;
}

function documentAccepts(op: Operation, probe: Probe, bodySchema: FieldSchema | undefined): boolean {
  for (const p of op.parameters ?? []) {
    if (p.in !== 'query' && p.in !== 'header') continue;
    const value = p.in === 'query' ? probe.query[p.name] : probe.headers[p.name];
    if (value === undefined) {
      if (p.required === true) return false;
    } else if (!validator(p.schema)(value)) return false;
  }
  return bodySchema === undefined || validator(bodySchema)(probe.body);
}

const STATE_CODES = new Set([1002, 1003, 1040, 1041, 1042]);

async function send(w: World, method: string, path: string, op: Operation, probe: Probe) {
  const url = fill(path, w, path);
  const qs = new URLSearchParams(probe.query).toString();
  const r = await w.call(method, qs === '' ? url : `${url}?${qs}`, probe.body, probe.headers);
  const documented = op.responses[String(r.status)];
  assert.ok(documented !== undefined, `${op.operationId}: status ${r.status} is not documented`);
  const schema = documented.content?.['application/json']?.schema;
  if (schema !== undefined && r.json !== null) {
    const v = validator(schema);
    assert.ok(v(r.json), `${op.operationId} ${r.status}: ${ajv.errorsText(v.errors)} in ${JSON.stringify(r.json)}`);
  }
  return r;
}

test('every operation: what the document allows the API accepts, and what it refuses the API refuses', async (t) => {
  let probes = 0;
  let tag = 100;
  const disagreements: string[] = [];
  for (const [path, ops] of Object.entries(doc.paths)) {
    if (!path.startsWith('/v2/')) continue;
    for (const [method, op] of Object.entries(ops)) {
      tag += 1;
      const w = await world(String(tag));
      const json = op.requestBody?.content['application/json'];
      const bodySchema = json?.schema;
      const csv = op.requestBody?.content['text/csv']?.example;
      const example = json === undefined ? csv : fillDeep(json.example ?? schemaExample(json.schema), w, path);
      const base: Probe = { query: {}, headers: {}, body: example };
      for (const p of op.parameters ?? []) {
        if (p.in === 'query' && p.required === true) base.query[p.name] = fill(`{${p.name}}`, w, path);
      }
      const where = `${method.toUpperCase()} ${path}`;
      assert.ok(documentAccepts(op, base, bodySchema), `${where}: the document refuses its own example`);
      const first = await send(w, method.toUpperCase(), path, op, base);
      assert.ok(first.status < 300, `${where}: its example got ${first.status} ${JSON.stringify(first.json)}`);

      const fields: Array<{ field: Field; at: 'query' | 'header' | 'body'; candidates: Candidate[] }> = [];
      for (const p of op.parameters ?? []) {
        if (p.in !== 'query' && p.in !== 'header') continue;
        const field = { path: [p.name], schema: p.schema, required: p.required === true };
        fields.push({ field, at: p.in, candidates: textCandidates(field) });
      }
      for (const field of bodySchema === undefined ? [] : bodyFields(bodySchema)) {
        fields.push({ field, at: 'body', candidates: bodyCandidates(field) });
      }
      for (const { field, at, candidates } of fields) {
        for (const raw of candidates) {
          const value = raw === OMIT ? raw : fillDeep(raw, w, path);
          const probe = structuredClone(base);
          const name = String(field.path[0]);
          if (at === 'body') {
            const parent = fillDeep(parentsFilled(base.body, field, bodySchema), w, path);
            probe.body = withValue(parent, field.path, value, bodySchema ?? {});
          } else {
            const target = at === 'query' ? probe.query : probe.headers;
            if (value === OMIT) delete target[name];
            else target[name] = String(value);
          }
          const allowed = documentAccepts(op, probe, bodySchema);
          const r = await send(w, method.toUpperCase(), path, op, probe);
          probes += 1;
          const code = r.json?.response?.error_data?.code;
          const accepted = r.status < 400 || STATE_CODES.has(code);
          const refused = r.status === 400 && code === 1000;
          const what = `${where} ${at} ${field.path.join('.')} = ${describeValue(value)}`;
          const said = `${r.status} ${r.json?.response?.error_data?.description ?? ''}`;
          // A field that says the server checks more than its schema may be refused, in the envelope.
          const checked = typeof (field.schema as Record<string, unknown>)[SERVER_CHECK] === 'string';
          if (allowed && !accepted && !(checked && refused))
            disagreements.push(`${what}: the document allows it, the API answered ${said}`);
          if (!allowed && !refused) disagreements.push(`${what}: the document refuses it, the API answered ${said}`);
        }
      }
      await w.close();
    }
  }
  assert.deepEqual(disagreements, []);
  assert.ok(probes > 1000, `only ${probes} probes`);
  t.diagnostic(`${probes} probes`);
});

/** A nested field is probed inside a complete parent (its example), not inside an empty object. */
function parentsFilled(body: unknown, field: Field, schema: FieldSchema | undefined): unknown {
  let out = structuredClone(body ?? {}) as Record<string, unknown>;
  if (field.path.length < 2 || schema === undefined) return out;
  const name = String(field.path[0]);
  const prop = schema.properties?.[name];
  if (out[name] === undefined || out[name] === null) {
    const branch = prop?.anyOf?.find((b) => b.type !== 'null') ?? prop;
    out = { ...out, [name]: schemaExample(branch ?? {}) };
  }
  return out;
}
