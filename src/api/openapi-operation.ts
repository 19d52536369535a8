import type { FastifyInstance, RouteOptions } from 'fastify';
import { API_ERRORS, type ApiErrorName } from './errors.js';
import { errorDataSchema } from './response-schemas.js';
import { NAMED_SCHEMAS } from './openapi-components.js';
import { type ExampleSchema, schemaExample } from './schema-example.js';

/**
 * Completes each route's OpenAPI operation from what the route already declares, so that nothing
 * is written twice: an `operationId` from its summary, every error answer it can give (the failure
 * envelope with the vSIP codes of that status, docs/errors.md), and an example for its request body
 * and each answer built from the fields' own examples. Runs as an `onRoute` hook before the routes
 * are registered; a route that sets any of these itself keeps its own.
 */
export function openapiOperation(app: FastifyInstance): (route: RouteOptions) => void {
  const taken = new Set<string>();
  for (const [status, names] of byStatus(Object.keys(API_ERRORS) as ApiErrorName[])) {
    if (status < 400) continue;
    app.addSchema({ $id: `Failure${status}`, ...failureResponse(status, names) });
  }
  const named = new Map<object, string>();
  for (const [name, schema] of NAMED_SCHEMAS) {
    app.addSchema({ $id: name, ...schema });
    named.set(schema, name);
  }
  return (route) => {
    const schema = route.schema as OperationSchema | undefined;
    if (schema === undefined || schema.hide === true) return;
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    const method = methods.find((m) => m !== 'HEAD') ?? methods[0] ?? 'GET';
    if (method === 'HEAD') return;
    const operationId = schema.operationId ?? uniqueId(operationIdOf(schema.summary, method, route.url), taken);
    taken.add(operationId);
    const body = schema.body === undefined ? undefined : withExample(schema.body);
    // Operational endpoints outside the API (/ready) that declare no answer keep the generator's default.
    const documented = schema.response !== undefined || route.url.startsWith('/v2/');
    route.schema = {
      ...schema,
      operationId,
      ...(body === undefined ? {} : { body }),
      ...(documented ? { response: byName(responsesOf(schema, method, route.url), named) } : {}),
    };
  };
}

interface OperationSchema {
  hide?: boolean;
  summary?: string;
  operationId?: string;
  body?: ExampleSchema & { content?: unknown };
  response?: Record<string, ResponseSchema>;
}

type ResponseSchema = ExampleSchema & { description?: string; content?: Record<string, { schema?: ExampleSchema }> };

const FILLER = new Set(['a', 'an', 'the', 'of', 'and', 'or', 'e', 'g', 'by', 'to', 'from', 'on', 'in', 'as']);

/** `Create Trunk` → `createTrunk`; the text before a comma, colon or parenthesis names the operation. */
export function operationIdOf(summary: string | undefined, method: string, url: string): string {
  const head = (summary ?? `${method} ${url}`).split(/[,:;(]/, 1)[0] ?? '';
  const words = head
    .replace(/'/g, '')
    .split(/[^A-Za-z0-9]+/)
    .filter((w) => w !== '' && !FILLER.has(w.toLowerCase()));
  if (url.startsWith('/v2/operator/')) words.unshift('operator');
  return words
    .map((w, i) => (i === 0 ? w.toLowerCase() : `${w[0]?.toUpperCase()}${w.slice(1).toLowerCase()}`))
    .join('');
}

function uniqueId(id: string, taken: Set<string>): string {
  let candidate = id;
  for (let n = 2; taken.has(candidate); n += 1) candidate = `${id}${n}`;
  return candidate;
}

function withExample<T extends ExampleSchema & { content?: unknown }>(schema: T): T {
  if (schema.content !== undefined || schema.examples !== undefined || schema.type !== 'object') return schema;
  return { ...schema, examples: [schemaExample(schema)] };
}

/**
 * The vSIP errors each kind of route can answer with, by HTTP status. Every API route may meet the
 * auth guard (401, 403, 429), validation (400), a missing item (404) and a server fault (500); a body
 * adds the body's own errors; a POST can meet its Idempotency-Key; a write can conflict.
 */
function errorsOf(method: string, url: string, hasBody: boolean): ApiErrorName[] {
  if (!url.startsWith('/v2/')) return ['INTERNAL_ERROR'];
  const names: ApiErrorName[] = ['INVALID_REQUEST', 'AUTH_FAILED', 'FORBIDDEN', 'RATE_LIMITED', 'NOT_FOUND'];
  if (url.startsWith('/v2/accounts/')) names.push('ACCOUNT_SUSPENDED');
  if (hasBody) names.push('INVALID_JSON', 'UNSUPPORTED_MEDIA_TYPE', 'PAYLOAD_TOO_LARGE');
  if (method === 'POST' || method === 'PUT') names.push('RESOURCE_EXISTS');
  if (method === 'POST') names.push('IDEMPOTENCY_KEY_REUSED', 'IDEMPOTENCY_KEY_IN_USE');
  if (method === 'DELETE') names.push('RESOURCE_IN_USE');
  names.push('INTERNAL_ERROR');
  return names;
}

/** The failure envelope of one HTTP status, with the vSIP codes that travel with it. */
export function failureResponse(status: number, names: readonly ApiErrorName[]): ResponseSchema {
  const codes = names.map((n) => API_ERRORS[n].code);
  const errorData = {
    ...errorDataSchema,
    properties: {
      ...errorDataSchema.properties,
      code: { type: 'integer', description: 'vSIP error code (docs/errors.md)', enum: codes },
      message: { type: 'string', enum: names.map((n) => API_ERRORS[n].message) },
    },
  };
  return {
    description: `The failure envelope: ${describe(names)} (docs/errors.md)`,
    type: 'object',
    properties: {
      request_id: { type: 'string' },
      method: { type: 'string' },
      http_code: { type: 'integer', const: status },
      response: {
        type: 'object',
        properties: {
          code: { type: 'integer', const: status },
          status: { type: 'string', const: 'failure' },
          error_data: errorData,
          data: { type: 'null' },
        },
        required: ['code', 'status', 'error_data', 'data'],
      },
    },
    required: ['request_id', 'method', 'http_code', 'response'],
    examples: [failureExample(status, names)],
  } as ResponseSchema;
}

function failureExample(status: number, names: readonly ApiErrorName[]) {
  const first = API_ERRORS[names[0] ?? 'INTERNAL_ERROR'];
  return {
    request_id: 'k3p9x2a7',
    method: 'GET',
    http_code: status,
    response: {
      code: status,
      status: 'failure',
      error_data: { code: first.code, message: first.message, description: 'what was wrong, and what to send' },
      data: null,
    },
  };
}

function responsesOf(schema: OperationSchema, method: string, url: string): Record<string, ResponseSchema> {
  const own = schema.response ?? {};
  const out: Record<string, ResponseSchema> = {};
  for (const [status, response] of Object.entries(own)) {
    if (/^[45]xx$/i.test(status)) continue;
    out[status] = exampled(response, Number(status), method);
  }
  // A route's own 4xx answer (a bulk request's per-item results) stays one of the possible shapes.
  const ownFailure = [own['4xx'], own['4XX']].find((r) => r !== undefined && !isPlainFailure(r));
  for (const [status, names] of byStatus(errorsOf(method, url, schema.body !== undefined))) {
    if (out[String(status)] !== undefined) continue;
    const description = describe(names);
    const failure = { $ref: `Failure${status}#` };
    out[String(status)] =
      ownFailure === undefined || status >= 500
        ? ({ description, ...failure } as ResponseSchema)
        : ({
            description,
            anyOf: [failure, withoutDescription(exampled(ownFailure))],
            examples: [failureExample(status, names)],
          } as ResponseSchema);
  }
  return out;
}

/** The plain failure envelope (data: null), which the per-status answers replace. */
function isPlainFailure(response: ResponseSchema): boolean {
  const data = (response.properties?.response as ExampleSchema | undefined)?.properties?.data;
  return data?.type === 'null';
}

/** Errors grouped by their HTTP status, in status order. */
function byStatus(names: readonly ApiErrorName[]): Array<[number, ApiErrorName[]]> {
  const out = new Map<number, ApiErrorName[]>();
  for (const name of names) {
    const { http } = API_ERRORS[name];
    out.set(http, [...(out.get(http) ?? []), name]);
  }
  return [...out].sort(([a], [b]) => a - b);
}

const describe = (names: readonly ApiErrorName[]) =>
  names.map((n) => `${API_ERRORS[n].code} ${API_ERRORS[n].message}`).join('; ');

function withoutDescription(schema: ResponseSchema): ResponseSchema {
  const { description: _omit, ...rest } = schema;
  return rest;
}

function exampled(response: ResponseSchema, status?: number, method?: string): ResponseSchema {
  if (response.content !== undefined) {
    const content = Object.fromEntries(
      Object.entries(response.content).map(([type, media]) => [
        type,
        media.schema === undefined || type !== 'application/json'
          ? media
          : { ...media, schema: exampled(media.schema, status, method) },
      ]),
    );
    return { ...response, content };
  }
  if (response.examples !== undefined) return response;
  return { ...response, examples: [withStatus(schemaExample(response), status, method)] };
}

/** An envelope example carries its request's method and its real status (`http_code`, `response.code`). */
function withStatus(example: unknown, status: number | undefined, method = 'GET'): unknown {
  if (status === undefined || Number.isNaN(status) || typeof example !== 'object' || example === null) return example;
  const envelope = example as { http_code?: unknown; response?: { code?: unknown } };
  if (envelope.http_code === undefined || envelope.response === undefined) return example;
  return { ...envelope, method, http_code: status, response: { ...envelope.response, code: status } };
}

/** A copy of `schema` where each named resource schema (by identity) is a reference to its component. */
function byName<T>(schema: T, named: ReadonlyMap<object, string>): T {
  if (Array.isArray(schema)) return schema.map((s) => byName(s, named)) as T;
  if (schema === null || typeof schema !== 'object') return schema;
  const name = named.get(schema);
  if (name !== undefined) return { $ref: `${name}#` } as T;
  return Object.fromEntries(Object.entries(schema).map(([k, v]) => [k, k === 'examples' ? v : byName(v, named)])) as T;
}
