/**
 * Turns the first Ajv error of a rejected request into one sentence that names the field and the
 * expected format. Property schemas carry that expectation in their `description` (the same text
 * the OpenAPI document shows), so the rule and its explanation cannot drift apart.
 */
export interface AjvErrorLike {
  keyword: string;
  instancePath: string;
  message?: string;
  params: Record<string, unknown>;
  data?: unknown;
  parentSchema?: { description?: string; properties?: Record<string, { description?: string }> };
}

/** `/destinations/0/destination` → `destinations[0].destination` */
export function fieldPath(instancePath: string, child?: string): string {
  const parts = instancePath.split('/').filter((p) => p !== '');
  if (child !== undefined) parts.push(child);
  return parts.reduce(
    (acc, part) => (/^\d+$/.test(part) ? `${acc}[${part}]` : acc === '' ? part : `${acc}.${part}`),
    '',
  );
}

function show(value: unknown): string {
  let text: string | undefined;
  try {
    text = JSON.stringify(value);
  } catch {
    // A hostile, deeply nested value overflows the stack: describe it instead of quoting it.
    return Array.isArray(value) ? 'a deeply nested array' : 'a deeply nested value';
  }
  if (text === undefined) return String(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

export function formatValidationError(error: AjvErrorLike | undefined, context: string): string {
  const where = context === 'body' ? 'request body' : context === 'querystring' ? 'query string' : 'path';
  if (error === undefined) return `${where} is not valid`;
  const schema = error.parentSchema;
  switch (error.keyword) {
    case 'required': {
      const missing = String(error.params.missingProperty);
      const expected = schema?.properties?.[missing]?.description;
      return `${fieldPath(error.instancePath, missing)} is required${expected ? `; expected ${expected}` : ''}`;
    }
    case 'additionalProperties': {
      const extra = String(error.params.additionalProperty);
      const allowed = Object.keys(schema?.properties ?? {}).join(', ');
      const inside = error.instancePath === '' ? where : fieldPath(error.instancePath);
      return `${fieldPath(error.instancePath, extra)} is not a field of the ${inside}; allowed fields: ${allowed}`;
    }
    default: {
      if (error.instancePath === '' && error.keyword === 'type') return `${where} must be a JSON object`;
      const field = error.instancePath === '' ? where : fieldPath(error.instancePath);
      const expected = schema?.description ?? error.message ?? 'a valid value';
      return `${field}: ${show(error.data)} is not valid; expected ${expected}`;
    }
  }
}
