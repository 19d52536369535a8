import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { API_ERRORS } from '../../src/api/errors.js';
import { openapiDocument } from '../../src/api/openapi-document.js';

/**
 * The served OpenAPI document is well formed (no OpenAPI validator is installed, so these are the
 * structural rules of OpenAPI 3.1 that matter to a client generator and to Swagger UI): every
 * schema is valid JSON Schema 2020-12, every reference resolves, every operation has a unique
 * operationId, tags and its path parameters, and every example validates against its schema.
 */

type Json = Record<string, unknown>;
interface Operation {
  operationId?: string;
  tags?: string[];
  summary?: string;
  parameters?: Array<{ in: string; name: string; required?: boolean; schema?: Json }>;
  requestBody?: { content: Record<string, { schema?: Json; example?: unknown }> };
  responses: Record<string, { description?: string; content?: Record<string, { schema?: Json; example?: unknown }> }>;
  security?: unknown[];
}
interface Doc {
  openapi: string;
  info: Json;
  servers?: Array<{ url: string }>;
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, Json>; securitySchemes: Json };
}

const METHODS = new Set(['get', 'put', 'post', 'delete', 'patch', 'options', 'head', 'trace']);

function operations(doc: Doc): Array<[string, string, Operation]> {
  return Object.entries(doc.paths).flatMap(([path, ops]) =>
    Object.entries(ops)
      .filter(([method]) => METHODS.has(method))
      .map(([method, op]): [string, string, Operation] => [path, method, op]),
  );
}

function refs(value: unknown, out: string[] = []): string[] {
  if (Array.isArray(value)) for (const v of value) refs(v, out);
  else if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      if (k === '$ref' && typeof v === 'string') out.push(v);
      else refs(v, out);
    }
  }
  return out;
}

test('the document is OpenAPI 3.1 with info, servers and security schemes', async () => {
  const doc = (await openapiDocument()) as unknown as Doc;
  assert.match(doc.openapi, /^3\.1\.\d+$/);
  assert.equal(typeof doc.info.title, 'string');
  assert.equal(typeof doc.info.version, 'string');
  assert.ok((doc.servers ?? []).length > 0, 'servers');
  assert.deepEqual(Object.keys(doc.components.securitySchemes).sort(), ['basicAuth', 'operatorToken']);
  for (const ref of refs(doc)) {
    const m = /^#\/components\/schemas\/([A-Za-z0-9_.-]+)$/.exec(ref);
    assert.ok(m !== null && doc.components.schemas[m[1] ?? ''] !== undefined, `unresolved $ref ${ref}`);
  }
});

test('every operation: a unique operationId, tags, a summary, its path parameters, described answers', async () => {
  const doc = (await openapiDocument()) as unknown as Doc;
  const ids = new Set<string>();
  for (const [path, method, op] of operations(doc)) {
    const where = `${method.toUpperCase()} ${path}`;
    assert.match(op.operationId ?? '', /^[a-z][A-Za-z0-9]*$/, `${where}: operationId`);
    assert.ok(!ids.has(op.operationId ?? ''), `${where}: operationId ${op.operationId} is used twice`);
    ids.add(op.operationId ?? '');
    assert.ok((op.tags ?? []).length > 0, `${where}: tags`);
    assert.ok((op.summary ?? '') !== '', `${where}: summary`);
    const templated = [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
    const declared = (op.parameters ?? []).filter((p) => p.in === 'path');
    assert.deepEqual(declared.map((p) => p.name).sort(), templated, `${where}: path parameters`);
    for (const p of declared) assert.equal(p.required, true, `${where}: path parameter ${p.name} is required`);
    assert.ok(
      Object.keys(op.responses).some((s) => /^2\d\d$/.test(s)),
      `${where}: a success answer`,
    );
    for (const [status, response] of Object.entries(op.responses)) {
      assert.ok((response.description ?? '') !== '', `${where} ${status}: description`);
    }
    if (path.startsWith('/v2/operator/')) assert.deepEqual(op.security, [{ operatorToken: [] }], `${where}: security`);
  }
  assert.ok(ids.size >= 60, `${ids.size} operations`);
});

test('every request field (parameter or body property, nested ones too) has a type and a description', async () => {
  const doc = (await openapiDocument()) as unknown as Doc;
  type Field = Json & { properties?: Record<string, Field>; items?: Field; anyOf?: Field[] };
  const missing: string[] = [];
  const walk = (schema: Field, where: string) => {
    for (const [name, prop] of Object.entries(schema.properties ?? {})) {
      const typed = prop.type !== undefined || prop.enum !== undefined || prop.anyOf !== undefined;
      if (!typed || typeof prop.description !== 'string') missing.push(`${where}.${name}`);
      for (const branch of [prop, ...(prop.anyOf ?? [])]) {
        walk(branch, `${where}.${name}`);
        if (branch.items !== undefined) walk(branch.items, `${where}.${name}[]`);
      }
    }
  };
  for (const [path, method, op] of operations(doc)) {
    const where = `${method.toUpperCase()} ${path}`;
    for (const p of op.parameters ?? []) {
      const described = typeof (p as Json).description === 'string' || typeof p.schema?.description === 'string';
      if (p.schema?.type === undefined || !described) missing.push(`${where} ${p.in} ${p.name}`);
    }
    const body = op.requestBody?.content['application/json']?.schema as Field | undefined;
    if (body !== undefined) walk(body, `${where} body`);
  }
  assert.deepEqual(missing, []);
});

test('every API error status answers the failure envelope with the vSIP codes of that status', async () => {
  const doc = (await openapiDocument()) as unknown as Doc;
  const byStatus = new Map<number, number[]>();
  for (const e of Object.values(API_ERRORS)) byStatus.set(e.http, [...(byStatus.get(e.http) ?? []), e.code]);
  for (const [status, codes] of byStatus) {
    if (status < 400) continue;
    const failure = doc.components.schemas[`Failure${status}`] as { properties: { response: { properties: Json } } };
    assert.ok(failure !== undefined, `Failure${status}`);
    const response = failure.properties.response.properties as {
      error_data: { properties: { code: { enum: number[] } } };
      data: Json;
    };
    assert.deepEqual(response.error_data.properties.code.enum, codes);
    assert.deepEqual(response.data, { type: 'null' });
  }
  for (const [path, method, op] of operations(doc)) {
    if (!path.startsWith('/v2/')) continue;
    for (const status of ['400', '401', '403', '404', '429', '500']) {
      assert.ok(op.responses[status] !== undefined, `${method.toUpperCase()} ${path}: ${status} is documented`);
    }
  }
});

test('every schema is valid JSON Schema 2020-12, and every example validates against its schema', async () => {
  const doc = (await openapiDocument()) as unknown as Doc;
  // Swagger UI and generators read these as 2020-12; x-vsip-check and OpenAPI's own keywords are annotations.
  const ajv = new Ajv2020({ strict: false, allowUnionTypes: true, validateSchema: true });
  addFormats.default(ajv);
  const check = (schema: Json, example: unknown, where: string) => {
    const validate = ajv.compile({ ...schema, components: doc.components });
    assert.ok(validate(example), `${where}: example ${JSON.stringify(example)} - ${ajv.errorsText(validate.errors)}`);
  };
  let examples = 0;
  for (const [path, method, op] of operations(doc)) {
    const where = `${method.toUpperCase()} ${path}`;
    for (const [type, media] of Object.entries(op.requestBody?.content ?? {})) {
      assert.ok(media.example !== undefined, `${where}: request ${type} example`);
      if (media.schema !== undefined) check(media.schema, media.example, `${where} request`);
      examples += 1;
    }
    for (const [status, response] of Object.entries(op.responses)) {
      const media = response.content?.['application/json'];
      if (media?.schema === undefined) continue;
      const schema = media.schema as { $ref?: string; examples?: unknown[] };
      const target = schema.$ref === undefined ? schema : doc.components.schemas[schema.$ref.split('/').at(-1) ?? ''];
      const example = media.example ?? (target as { examples?: unknown[] } | undefined)?.examples?.[0];
      assert.ok(example !== undefined, `${where} ${status}: example`);
      check(media.schema, example, `${where} ${status}`);
      examples += 1;
    }
  }
  assert.ok(examples > 500, `${examples} examples`);
});
