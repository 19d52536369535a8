/**
 * An OpenAPI extension on a request field whose JSON schema is not the whole rule: the server also
 * checks something a schema cannot say (a value that depends on the account or on stored items, a
 * URI grammar, a date that exists, or a per-item check that fails one item of a bulk request
 * alone). Its text says what; a value the schema allows may still be refused with 400 / 1000.
 * Registered with Ajv as an annotation (app.ts), so the same schema validates and documents.
 */
export const SERVER_CHECK = 'x-vsip-check';

export function serverCheck(rule: string): { 'x-vsip-check': string } {
  return { [SERVER_CHECK]: rule } as { 'x-vsip-check': string };
}
