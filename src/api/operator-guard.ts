import type { FastifyRequest } from 'fastify';
import type { Store } from '../store/types.js';
import { ApiError } from './errors.js';
import type { RateLimiter } from './rate-limiter.js';

const CHALLENGE = { 'WWW-Authenticate': 'Bearer realm="vsip-operator"' };

/** The token of an `Authorization: Bearer <token>` header (RFC 6750 §2.1), else null. */
export function bearerToken(header: string | undefined): string | null {
  if (header === undefined) return null;
  const m = /^bearer\s+([A-Za-z0-9._~+/=-]{1,256})\s*$/i.exec(header);
  return m === null ? null : (m[1] ?? null);
}

/**
 * `onRequest` hook of every `/v2/operator/…` route: an operator token as a Bearer token
 * (RFC 6750), checked against the stored hashes. Account credentials (Basic) are recognised and
 * refused with 403, so a customer learns that the route exists but is not theirs rather than
 * being asked to log in again. Failed attempts are budgeted per client IP, as on account routes.
 */
export function operatorGuard(store: Pick<Store, 'authenticateOperator'>, failures: RateLimiter) {
  return async function guard(request: FastifyRequest): Promise<void> {
    if (failures.exhausted(request.ip)) {
      throw new ApiError(
        'RATE_LIMITED',
        `too many failed authentications from ${request.ip} in one minute; retry later`,
        { 'Retry-After': '60' },
      );
    }
    const header = request.headers.authorization;
    if (header !== undefined && /^basic\s/i.test(header)) {
      throw new ApiError(
        'FORBIDDEN',
        'account credentials do not open the operator API; send an operator token (vsip operator-token create) ' +
          'as Authorization: Bearer <token>',
      );
    }
    const token = bearerToken(header);
    const operator = token === null ? null : await store.authenticateOperator(token);
    if (operator === null) {
      failures.take(request.ip);
      throw new ApiError(
        'AUTH_FAILED',
        token === null
          ? 'missing or malformed Authorization header; expected Authorization: Bearer <operator token>'
          : 'the operator token is not valid',
        CHALLENGE,
      );
    }
  };
}
