/**
 * An example value built from a JSON schema: a field's own `examples` first, then `const`, `default`
 * and `enum`, then a plain value of its type. Objects hold their required fields and those that carry
 * an example, so a request example is exactly what the fields' documentation shows, and the Postman
 * collection (built the same way) sends the same body.
 */
export interface ExampleSchema {
  type?: string | string[];
  properties?: Record<string, ExampleSchema>;
  required?: string[];
  items?: ExampleSchema;
  examples?: unknown[];
  enum?: unknown[];
  const?: unknown;
  default?: unknown;
  anyOf?: ExampleSchema[];
  oneOf?: ExampleSchema[];
  minimum?: number;
  minItems?: number;
}

/** Values for fields that have no example of their own but whose name says what they hold. */
const BY_NAME: Record<string, unknown> = {
  request_id: 'k3p9x2a7',
  date_created: '2025-01-22T10:00:00Z',
  date_updated: '2025-01-22T10:00:00Z',
  started_at: '2025-01-22T10:00:00Z',
  trunk_sid: 'trk_5ba2c1d4e8f94c03',
  account_sid: 'acc_0f1e2d3c4b5a6978',
  trunk_name: 'my_trunk',
  nso_code: 'ANY-ANY',
  domain_name: 'acc_0f1e2d3c4b5a6978.pstn.exotel.com',
  auth_type: 'ip_whitelist',
  phone_number: '+14155550100',
  ip: '203.0.113.10',
  mask: 32,
  destination: '203.0.113.10:5061;transport=tls',
  username: 'trk_5ba2c1d4e8f94c03',
  password: 'k9Vb-2mQx-7TzL-pR4e',
};

export function schemaExample(schema: ExampleSchema, name?: string): unknown {
  if (schema.examples !== undefined && schema.examples.length > 0) return schema.examples[0];
  if (schema.const !== undefined) return schema.const;
  if (schema.default !== undefined) return schema.default;
  if (schema.enum !== undefined && schema.enum.length > 0) return schema.enum[0];
  const branches = schema.anyOf ?? schema.oneOf;
  if (branches !== undefined) {
    const branch = branches.find((b) => b.type !== 'null') ?? branches[0];
    return branch === undefined ? null : schemaExample(branch, name);
  }
  if (name !== undefined && name in BY_NAME) return BY_NAME[name];
  const types = Array.isArray(schema.type) ? schema.type : schema.type === undefined ? [] : [schema.type];
  const type = types.find((t) => t !== 'null') ?? types[0];
  switch (type) {
    case 'object':
      return objectExample(schema);
    case 'array': {
      if (schema.items === undefined) return [];
      const item = schemaExample(schema.items);
      return Array.from({ length: Math.max(1, schema.minItems ?? 1) }, () => item);
    }
    case 'integer':
    case 'number':
      return schema.minimum ?? 1;
    case 'boolean':
      return true;
    case 'null':
      return null;
    default:
      return 'string';
  }
}

function objectExample(schema: ExampleSchema): Record<string, unknown> {
  const props = schema.properties ?? {};
  const required = new Set(schema.required ?? []);
  let keys = Object.keys(props).filter((k) => required.has(k) || props[k]?.examples !== undefined);
  if (keys.length === 0) keys = Object.keys(props);
  return Object.fromEntries(keys.map((k) => [k, schemaExample(props[k] ?? {}, k)]));
}
