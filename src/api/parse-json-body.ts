import type { FastifyRequest } from 'fastify';
import { ApiError } from './errors.js';

/**
 * JSON body parser. An empty body with `Content-Type: application/json` counts as no body (curl
 * users put that header on DELETEs too), so body-less routes still work and body routes answer
 * "request body must be a JSON object". Prototype pollution cannot happen here: `JSON.parse`
 * creates `__proto__` as a plain own key, and every body schema is `additionalProperties: false`,
 * so such a key is rejected by validation as an unknown field.
 */
export function parseJsonBody(_request: FastifyRequest, body: string | Buffer, done: (err: Error | null, body?: unknown) => void): void {
  const text = typeof body === 'string' ? body : body.toString('utf8');
  if (text.trim() === '') {
    done(null, undefined);
    return;
  }
  try {
    done(null, JSON.parse(text));
  } catch (error) {
    const where = error instanceof SyntaxError ? `: ${error.message}` : '';
    done(new ApiError('INVALID_JSON', `the body is not valid JSON${where}; send a JSON object`));
  }
}
