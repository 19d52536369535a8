/**
 * Boundary values derived from an OpenAPI document's own request schemas: for each field, values
 * just inside and just outside each of its constraints (length, pattern quantifiers, range, enum,
 * item count, type, presence). Which side a value is on is not decided here: the test asks the
 * document (Ajv over the same schema) and then checks that the live API agrees.
 */
export interface FieldSchema {
  type?: string | string[];
  pattern?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  enum?: unknown[];
  const?: unknown;
  minItems?: number;
  maxItems?: number;
  items?: FieldSchema;
  properties?: Record<string, FieldSchema>;
  required?: string[];
  anyOf?: FieldSchema[];
  examples?: unknown[];
  example?: unknown;
  default?: unknown;
  format?: string;
}

/** A field to probe: its path in the body (`destinations.0.priority`), or a query/header name. */
export interface Field {
  path: Array<string | number>;
  schema: FieldSchema;
  required: boolean;
}

/** Every field of a body schema, nested objects and array items included. */
export function bodyFields(schema: FieldSchema, path: Array<string | number> = []): Field[] {
  const out: Field[] = [];
  const required = new Set(schema.required ?? []);
  for (const [name, prop] of Object.entries(schema.properties ?? {})) {
    const here = [...path, name];
    out.push({ path: here, schema: prop, required: required.has(name) });
    for (const branch of [prop, ...(prop.anyOf ?? [])]) {
      if (branch.properties !== undefined) out.push(...bodyFields(branch, here));
      if (branch.items?.properties !== undefined) out.push(...bodyFields(branch.items, [...here, 0]));
    }
  }
  return out;
}

const OMIT = Symbol('omit');
export type Candidate = unknown | typeof OMIT;
export { OMIT };

function exampleOf(schema: FieldSchema): unknown {
  return schema.examples?.[0] ?? schema.example ?? schema.default ?? schema.enum?.[0] ?? schema.const;
}

/** `abc` stretched or cut to n characters, repeating its last character. */
function sized(text: string, n: number): string {
  if (n <= text.length) return text.slice(0, n);
  return text + (text.at(-1) ?? 'a').repeat(n - text.length);
}

/** Numbers a string must satisfy: the schema's lengths and the `{m,n}` quantifiers of its pattern. */
function lengths(schema: FieldSchema): number[] {
  const out = new Set<number>([0, 1]);
  const add = (n: number) => {
    for (const d of [-1, 0, 1]) if (n + d >= 0) out.add(n + d);
  };
  if (schema.minLength !== undefined) add(schema.minLength);
  if (schema.maxLength !== undefined) add(schema.maxLength);
  for (const m of (schema.pattern ?? '').matchAll(/\{(\d+)(?:,(\d+))?\}/g)) {
    add(Number(m[1]));
    if (m[2] !== undefined) add(Number(m[2]));
  }
  return [...out].filter((n) => n <= 5000);
}

function stringCandidates(schema: FieldSchema, example: unknown): string[] {
  const base = typeof example === 'string' && example !== '' ? example : 'a';
  const out = new Set<string>([base, ` ${base}`, `${base} `, `${base}!`, base.toUpperCase(), '\u0000']);
  for (const n of lengths(schema)) {
    out.add(sized(base, n));
    // Fill to length with the example's first character as well: a different class of character.
    out.add((base[0] ?? 'a').repeat(n));
  }
  for (const value of schema.enum ?? []) {
    if (typeof value !== 'string') continue;
    out.add(value);
    out.add(`${value}x`);
    out.add(value.toUpperCase());
  }
  return [...out];
}

function numberCandidates(schema: FieldSchema): number[] {
  const out = new Set<number>([0, 1, -1, 1.5]);
  for (const bound of [schema.minimum, schema.maximum]) {
    if (bound === undefined) continue;
    for (const d of [-1, 0, 1]) out.add(bound + d);
    out.add(bound + 0.5);
  }
  return [...out];
}

/** Candidate values for a body field (any JSON value), including leaving it out. */
export function bodyCandidates(field: Field): Candidate[] {
  const s = field.schema;
  const branches = [s, ...(s.anyOf ?? [])];
  const example = exampleOf(s) ?? branches.map(exampleOf).find((e) => e !== undefined);
  const out: Candidate[] = [OMIT, null, true, 'text', 7, [], {}];
  if (example !== undefined) out.push(example);
  for (const b of branches) {
    const types = Array.isArray(b.type) ? b.type : b.type === undefined ? [] : [b.type];
    if (types.includes('string') || b.pattern !== undefined || b.maxLength !== undefined)
      out.push(...stringCandidates(b, example));
    if (types.includes('integer') || types.includes('number') || b.minimum !== undefined) {
      const numbers = numberCandidates(b);
      out.push(...numbers, ...numbers.map(String));
    }
    if (types.includes('array') && b.items !== undefined) {
      const item = Array.isArray(example) && example.length > 0 ? example[0] : exampleOf(b.items);
      for (const n of new Set([
        0,
        1,
        2,
        ...[b.minItems, b.maxItems].flatMap((x) => (x === undefined ? [] : [x - 1, x, x + 1])),
      ]))
        if (n >= 0) out.push(Array.from({ length: n }, () => item));
    }
    for (const value of b.enum ?? []) out.push(value);
  }
  return dedupe(out);
}

/** Candidate values for a query parameter or header: strings (or absent). */
export function textCandidates(field: Field): Candidate[] {
  const s = field.schema;
  const example = exampleOf(s);
  const out: Candidate[] = [OMIT, ...stringCandidates(s, example)];
  if (s.minimum !== undefined || s.maximum !== undefined) out.push(...numberCandidates(s).map(String));
  // Range bounds written into a pattern (page_size 1-100) are probed from their numbers.
  for (const m of (s.pattern ?? '').matchAll(/\d+/g)) {
    const n = Number(m[0]);
    for (const d of [-1, 0, 1]) if (n + d >= 0) out.push(String(n + d));
  }
  return dedupe(out);
}

function dedupe(values: Candidate[]): Candidate[] {
  const seen = new Set<string>();
  return values.filter((v) => {
    const key = v === OMIT ? 'omit' : JSON.stringify(v);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** A copy of `body` with the value at `path` replaced (or removed when `value` is OMIT). */
export function withValue(body: unknown, path: Array<string | number>, value: Candidate, fill: FieldSchema): unknown {
  const root = structuredClone(body ?? {}) as Record<string | number, unknown>;
  let node: Record<string | number, unknown> = root;
  let schema: FieldSchema | undefined = fill;
  for (const [i, key] of path.entries()) {
    const last = i === path.length - 1;
    const next: FieldSchema | undefined =
      typeof key === 'number'
        ? schema?.items
        : (schema?.properties?.[key] ?? schema?.anyOf?.find((b) => b.properties)?.properties?.[key]);
    if (last) {
      if (value === OMIT) delete node[key];
      else node[key] = value;
      break;
    }
    if (typeof node[key] !== 'object' || node[key] === null) node[key] = typeof path[i + 1] === 'number' ? [{}] : {};
    node = node[key] as Record<string | number, unknown>;
    schema = next?.anyOf?.find((b) => b.type === 'object' || b.properties) ?? next;
  }
  return root;
}

export function describeValue(value: Candidate): string {
  if (value === OMIT) return '(absent)';
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 40)}... (${text.length} chars)` : text;
}
