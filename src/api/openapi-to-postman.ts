/**
 * Postman collection (v2.1) from the OpenAPI document, so that the collection shipped at
 * `postman/Exotel_vSIP_API_Collection.json` (the path the spec names) can never disagree with
 * the schemas that validate requests. Deterministic output: no generated ids or timestamps, so
 * `test/api/postman-collection.test.ts` can regenerate it and compare.
 *
 * Variables follow Exotel's own collection (`api_key`, `api_token`, `account_sid`, `trunk_sid`)
 * plus `base_url` (scheme and host of your vsip) and `id` (an item id from an earlier answer).
 */
interface Schema {
  type?: string | string[];
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  examples?: unknown[];
  enum?: unknown[];
  description?: string;
}

interface Operation {
  summary?: string;
  tags?: string[];
  parameters?: Array<{
    in: string;
    name: string;
    required?: boolean;
    description?: string;
    example?: unknown;
    schema?: Schema;
  }>;
  requestBody?: { content?: Record<string, { schema?: Schema; example?: unknown }> };
}

const METHODS = ['get', 'post', 'put', 'delete'] as const;

const CAPTURE_SCRIPT = [
  "if (pm.response.code === 200 && pm.request.method === 'POST') {",
  '  const data = (pm.response.json().response || {}).data;',
  '  const first = Array.isArray(data) ? (data[0] || {}).data : data;',
  '  if (first && first.trunk_sid && /\\/trunks$/.test(pm.request.url.getPath())) ' +
    "pm.collectionVariables.set('trunk_sid', first.trunk_sid);",
  "  if (first && first.webhook_sid) pm.collectionVariables.set('webhook_sid', first.webhook_sid);",
  // Bulk and CSV imports create many: the single create of the folder names the item the others act on.
  '  if (first && first.id && !/(\\/bulk|\\.csv)$/.test(pm.request.url.getPath())) ' +
    "pm.collectionVariables.set('id', first.id);",
  '}',
];

function exampleValue(schema: Schema): unknown {
  if (schema.examples !== undefined && schema.examples.length > 0) {
    const v = schema.examples[0];
    return typeof v === 'string' ? v.replace(/\{(\w+)\}/g, '{{$1}}') : v;
  }
  if (schema.enum !== undefined && schema.enum.length > 0) return schema.enum[0];
  const type = Array.isArray(schema.type) ? schema.type[0] : schema.type;
  switch (type) {
    case 'object':
      return exampleObject(schema);
    case 'array':
      return schema.items === undefined ? [] : [exampleValue(schema.items)];
    case 'integer':
    case 'number':
      return 1;
    case 'boolean':
      return true;
    default:
      return '';
  }
}

function exampleObject(schema: Schema): Record<string, unknown> {
  const props = schema.properties ?? {};
  const required = new Set(schema.required ?? []);
  let keys = Object.keys(props).filter((k) => required.has(k) || props[k]?.examples !== undefined);
  if (keys.length === 0) keys = Object.keys(props);
  return Object.fromEntries(keys.map((k) => [k, exampleValue(props[k] ?? {})]));
}

function postmanUrl(path: string, op: Operation) {
  const postmanPath = path.replace(/\{(\w+)\}/g, (_m, name: string) => `{{${name === 'id' ? 'id' : name}}}`);
  const query = (op.parameters ?? [])
    .filter((p) => p.in === 'query')
    .map((p) => ({
      key: p.name,
      value:
        p.name === 'trunk_sid'
          ? '{{trunk_sid}}'
          : p.name === 'id'
            ? '{{id}}'
            : String(p.example ?? p.schema?.examples?.[0] ?? ''),
      description: p.description ?? '',
      disabled: p.required !== true,
    }));
  const enabled = query.filter((q) => !q.disabled).map((q) => `${q.key}=${q.value}`);
  return {
    raw: `{{base_url}}${postmanPath}${enabled.length > 0 ? `?${enabled.join('&')}` : ''}`,
    host: ['{{base_url}}'],
    path: postmanPath.split('/').filter((s) => s !== ''),
    ...(query.length > 0 ? { query } : {}),
  };
}

export function openapiToPostman(doc: {
  info?: { title?: string; description?: string; version?: string };
  paths?: Record<string, Record<string, object>>;
}) {
  const folders = new Map<string, unknown[]>();
  for (const [path, ops] of Object.entries(doc.paths ?? {})) {
    if (!path.startsWith('/v2/')) continue;
    // The collection is the account API's (Basic auth); the operator API has its own credential.
    if (path.startsWith('/v2/operator/')) continue;
    for (const method of METHODS) {
      const op = ops[method] as Operation | undefined;
      if (op === undefined) continue;
      const bodySchema = op.requestBody?.content?.['application/json']?.schema;
      // A CSV import's body is its example text, sent as is.
      const csv = op.requestBody?.content?.['text/csv'];
      const csvSchema = csv?.schema;
      const contentType = bodySchema !== undefined ? 'application/json' : csvSchema !== undefined ? 'text/csv' : null;
      const request = {
        method: method.toUpperCase(),
        header: contentType === null ? [] : [{ key: 'Content-Type', value: contentType }],
        url: postmanUrl(path, op),
        ...(bodySchema !== undefined
          ? {
              body: {
                mode: 'raw',
                raw: JSON.stringify(exampleValue(bodySchema), null, 2),
                options: { raw: { language: 'json' } },
              },
            }
          : csvSchema !== undefined
            ? { body: { mode: 'raw', raw: String(csv?.example ?? exampleValue(csvSchema)) } }
            : {}),
        description: op.summary ?? '',
      };
      const tag = op.tags?.[0] ?? 'Other';
      if (!folders.has(tag)) folders.set(tag, []);
      folders.get(tag)?.push({ name: op.summary ?? `${method.toUpperCase()} ${path}`, request });
    }
  }
  // Workflow order inside each folder: create, read, update, then remove.
  const rank = (item: { request: { method: string; url: { path: string[] } } }) => {
    const m = ['POST', 'GET', 'PUT', 'DELETE'].indexOf(item.request.method);
    const depth = item.request.url.path.length;
    return m * 100 + (item.request.method === 'DELETE' ? 50 - depth : depth);
  };
  for (const items of folders.values()) (items as Array<Parameters<typeof rank>[0]>).sort((a, b) => rank(a) - rank(b));
  return {
    info: {
      name: 'Exotel vSIP API (vsip)',
      description:
        `${doc.info?.description ?? ''}\n\nGenerated from the OpenAPI document of vsip ` +
        `${doc.info?.version ?? ''} (GET /openapi.json). Set base_url (e.g. http://127.0.0.1:8080), api_key, ` +
        `api_token and account_sid; trunk_sid and id come from earlier answers.`,
      schema: 'https://schema.getpostman.com/json/collection/v2.1.0/collection.json',
    },
    auth: {
      type: 'basic',
      basic: [
        { key: 'username', value: '{{api_key}}', type: 'string' },
        { key: 'password', value: '{{api_token}}', type: 'string' },
      ],
    },
    // Saves trunk_sid (Create Trunk) and the item id (any other create) for the requests that follow.
    event: [{ listen: 'test', script: { type: 'text/javascript', exec: CAPTURE_SCRIPT } }],
    variable: [
      { key: 'base_url', value: 'http://127.0.0.1:8080', type: 'string' },
      { key: 'api_key', value: 'your_api_key', type: 'string' },
      { key: 'api_token', value: 'your_api_token', type: 'string' },
      { key: 'account_sid', value: 'your_account_sid', type: 'string' },
      { key: 'trunk_sid', value: 'your_trunk_sid', type: 'string' },
      { key: 'id', value: '1', type: 'string' },
      { key: 'webhook_sid', value: 'your_webhook_sid', type: 'string' },
      { key: 'delivery_id', value: '1', type: 'string' },
    ],
    item: [...folders.entries()].map(([name, item]) => ({ name, item })),
  };
}
