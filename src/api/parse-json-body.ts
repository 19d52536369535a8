import type { FastifyRequest } from 'fastify';
import { ApiError } from './errors.js';

/**
 * JSON body parser. An empty body with `Content-Type: application/json` counts as no body (curl
 * users put that header on DELETEs too), so body-less routes still work and body routes answer
 * "request body must be a JSON object". Prototype pollution cannot happen here: `JSON.parse`
 * creates `__proto__` as a plain own key, and every body schema is `additionalProperties: false`,
 * so such a key is rejected by validation as an unknown field.
 */
export function parseJsonBody(
  _request: FastifyRequest,
  body: string | Buffer,
  done: (err: Error | null, body?: unknown) => void,
): void {
  let text = typeof body === 'string' ? body : body.toString('utf8');
  // RFC 8259 §8.1: senders must not add a byte order mark, parsers may ignore one. Some Windows
  // clients (PowerShell's UTF-8 encoding) do add it; ignoring it beats an error about an invisible character.
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
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
