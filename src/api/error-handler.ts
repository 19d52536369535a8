import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { StoreError } from '../store/types.js';
import { envelope, failure } from './envelope.js';
import { ApiError } from './errors.js';
import { formatValidationError, type AjvErrorLike } from './format-validation-error.js';

/** What a store conflict on each unique field means to the caller, and what to do about it. */
const CONFLICTS: Record<string, string> = {
  trunk_name:
    'trunk_name is already used by another trunk of this account; choose another name (1-16 of A-Z, a-z, 0-9, _)',
  phone_number:
    'phone_number is already mapped to a trunk; a number can be mapped to one trunk only, so remove it there first ' +
    '(DELETE .../phone-numbers?id=)',
  ip: 'ip with this mask is already whitelisted on this trunk',
  destination: 'destination is already configured on this trunk',
  name: 'name is already used by another carrier; choose another name',
  prefix: 'prefix already has a route; update that route instead (PUT /v2/operator/routes/{route_sid})',
};

const NOT_FOUND: Record<string, string> = {
  trunk_sid: 'trunk_sid is not a trunk of this account',
  account_sid: 'account_sid is not an account',
  carrier_sid: 'carrier_sid is not a carrier',
  route_sid: 'route_sid is not a carrier route',
};

/** Maps any thrown error — ours, the store's, Fastify's own — to an `ApiError`. */
export function toApiError(error: unknown): ApiError | null {
  if (error instanceof ApiError) return error;
  if (error instanceof StoreError) {
    const field = error.field ?? 'request';
    if (error.kind === 'conflict')
      return new ApiError('RESOURCE_EXISTS', CONFLICTS[field] ?? `${field}: ${error.message}`);
    if (error.kind === 'not_found') return new ApiError('NOT_FOUND', NOT_FOUND[field] ?? `${field}: ${error.message}`);
    if (error.kind === 'in_use') return new ApiError('RESOURCE_IN_USE', `${field}: ${error.message}`);
    return new ApiError('INVALID_REQUEST', `${field}: ${error.message}`);
  }
  const fe = error as Partial<FastifyError> & { validation?: AjvErrorLike[]; validationContext?: string };
  if (Array.isArray(fe.validation)) {
    return new ApiError('INVALID_REQUEST', formatValidationError(fe.validation[0], fe.validationContext ?? 'body'));
  }
  switch (fe.code) {
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new ApiError('UNSUPPORTED_MEDIA_TYPE', 'Content-Type must be application/json for a request with a body');
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new ApiError('PAYLOAD_TOO_LARGE', 'the request body exceeds the 64 KiB limit');
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return new ApiError('INVALID_JSON', 'Content-Type is application/json but the body is empty; send a JSON object');
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return new ApiError(
        'INVALID_JSON',
        'the body is not valid JSON (or carries a forbidden __proto__ / constructor.prototype key); send a JSON object',
      );
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return new ApiError('INVALID_REQUEST', 'Content-Length does not match the body received');
    // Methods that may carry a body (QUERY, or one Fastify does not know) without a Content-Type:
    // raised before routing, so before the 405 of an unknown method could be given.
    case 'FST_ERR_ROUTE_MISSING_CONTENT_TYPE':
      return new ApiError(
        'INVALID_REQUEST',
        'this method needs a Content-Type header; the API answers GET, POST, PUT and DELETE (see /docs)',
      );
  }
  if (fe.statusCode === 400 && error instanceof SyntaxError) {
    return new ApiError('INVALID_JSON', 'the body is not valid JSON; send a JSON object');
  }
  return null;
}

/**
 * Fastify error handler: every failure leaves in the envelope with `http_code` equal to the
 * real status. Anything unexpected is a 500 whose body carries only the request_id; the error
 * itself, with its stack, goes to the log under that request_id.
 */
export function handleError(error: unknown, request: FastifyRequest, reply: FastifyReply): void {
  let apiError: ApiError | null;
  try {
    apiError = toApiError(error);
  } catch (mappingError) {
    request.log.error({ err: mappingError }, 'error while mapping an error');
    apiError = null;
  }
  if (apiError === null) {
    request.log.error({ err: error }, 'unexpected error'); // the child logger carries request_id
    apiError = new ApiError(
      'INTERNAL_ERROR',
      `unexpected server error; quote request_id ${request.id} when reporting it`,
    );
  }
  for (const [name, value] of Object.entries(apiError.headers)) reply.header(name, value);
  reply
    .code(apiError.http)
    .type('application/json; charset=utf-8')
    .send(envelope(request.id, request.method, failure(apiError)));
}
