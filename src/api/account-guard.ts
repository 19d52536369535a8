import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Account } from '../store/types.js';
import type { AuthCache } from './auth-cache.js';
import { ApiError } from './errors.js';
import { bearerToken } from './operator-guard.js';
import type { RateLimiter } from './rate-limiter.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The account whose API key and token authenticated this request; null before the guard. */
    account: Account | null;
  }
}

const CHALLENGE = { 'WWW-Authenticate': 'Basic realm="vsip", charset="UTF-8"' };

function parseBasic(header: string | undefined): { key: string; token: string } | null {
  if (header === undefined) return null;
  const m = /^basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header);
  if (m === null) return null;
  const decoded = Buffer.from(m[1] ?? '', 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon <= 0) return null;
  return { key: decoded.slice(0, colon), token: decoded.slice(colon + 1) };
}

/**
 * `onRequest` hook of every `/v2/accounts/:account_sid/…` route: HTTP Basic (RFC 7617) with the
 * API key and token, then the path's account must be the authenticated one (403 otherwise, so a
 * key never reaches another account's data), then the per-account rate limit. It runs before the
 * body is read, so an unauthenticated client cannot make the server parse anything.
 */
export function accountGuard(
  auth: AuthCache,
  limiter: RateLimiter,
  failures: RateLimiter,
  /** Whether a Bearer token is an operator token: those get 403 here, not 401 (docs/errors.md). */
  isOperatorToken: (token: string) => Promise<boolean> = async () => false,
) {
  return async function guard(request: FastifyRequest, reply: FastifyReply): Promise<void> {
    // Guessing tokens costs the guesser: failed authentications are budgeted per client IP too.
    if (failures.exhausted(request.ip)) {
      throw new ApiError(
        'RATE_LIMITED',
        `too many failed authentications from ${request.ip} in one minute; retry later`,
        { 'Retry-After': '60' },
      );
    }
    const creds = parseBasic(request.headers.authorization);
    const bearer = creds === null ? bearerToken(request.headers.authorization) : null;
    if (bearer !== null && (await isOperatorToken(bearer))) {
      throw new ApiError(
        'FORBIDDEN',
        'an operator token does not open account routes; use the operator API (/v2/operator/...) or the ' +
          "account's API key and token",
      );
    }
    if (creds === null) {
      failures.take(request.ip);
      throw new ApiError(
        'AUTH_FAILED',
        'missing or malformed Authorization header; expected HTTP Basic auth with your API key as username and API ' +
          'token as password',
        CHALLENGE,
      );
    }
    const account = await auth.authenticate(creds.key, creds.token);
    if (account === null) {
      failures.take(request.ip);
      throw new ApiError('AUTH_FAILED', 'the API key and token do not match an account', CHALLENGE);
    }
    request.account = account;
    const pathSid = (request.params as { account_sid?: string }).account_sid;
    if (pathSid !== account.sid) {
      throw new ApiError(
        'FORBIDDEN',
        `account_sid ${JSON.stringify(pathSid)} in the path is not the account these credentials belong to`,
      );
    }
    if (account.status === 'suspended') {
      throw new ApiError('ACCOUNT_SUSPENDED', 'this account is suspended; contact the operator of this service');
    }
    const decision = limiter.take(account.sid);
    if (decision === null) return;
    reply.header('X-RateLimit-Limit', decision.limit);
    reply.header('X-RateLimit-Remaining', decision.remaining);
    reply.header('X-RateLimit-Reset', decision.resetSeconds);
    if (!decision.allowed) {
      throw new ApiError(
        'RATE_LIMITED',
        `more than ${decision.limit} requests in one minute for this account; retry after ${decision.resetSeconds} s`,
        {
          'Retry-After': String(decision.resetSeconds),
        },
      );
    }
  };
}
