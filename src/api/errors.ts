/**
 * Every error the REST API can answer with, in one table: a stable vSIP error code, the HTTP
 * status it travels with, and a short message. `docs/errors.md` documents this table and
 * `test/api/errors-doc.test.ts` checks that both say the same thing, in both directions.
 *
 * The spec's own codes stand as written (1000, 1002, 1003, 1010). Codes added by vsip are
 * grouped: 1011-1019 access (who may call), 1020-1029 HTTP protocol (how the call is made),
 * 1030 bulk results, 1040-1049 state conflicts, 1099 server fault. A retired code is never reused.
 */
export const API_ERRORS = {
  INVALID_REQUEST: { code: 1000, http: 400, message: 'Invalid request' },
  RESOURCE_EXISTS: { code: 1002, http: 409, message: 'Resource exists' },
  NOT_FOUND: { code: 1003, http: 404, message: 'Not found' },
  AUTH_FAILED: { code: 1010, http: 401, message: 'Auth failed' },
  FORBIDDEN: { code: 1011, http: 403, message: 'Forbidden' },
  RATE_LIMITED: { code: 1012, http: 429, message: 'Rate limit exceeded' },
  ACCOUNT_SUSPENDED: { code: 1016, http: 403, message: 'Account suspended' },
  INVALID_JSON: { code: 1020, http: 400, message: 'Body is not valid JSON' },
  UNSUPPORTED_MEDIA_TYPE: { code: 1021, http: 415, message: 'Unsupported Content-Type' },
  PAYLOAD_TOO_LARGE: { code: 1022, http: 413, message: 'Payload too large' },
  METHOD_NOT_ALLOWED: { code: 1023, http: 405, message: 'Method not allowed' },
  ROUTE_NOT_FOUND: { code: 1024, http: 404, message: 'Route not found' },
  PARTIAL_SUCCESS: { code: 1030, http: 207, message: 'Partial success' },
  IDEMPOTENCY_KEY_REUSED: { code: 1040, http: 422, message: 'Idempotency key reused' },
  IDEMPOTENCY_KEY_IN_USE: { code: 1041, http: 409, message: 'Idempotency key in use' },
  RESOURCE_IN_USE: { code: 1042, http: 409, message: 'Resource in use' },
  INTERNAL_ERROR: { code: 1099, http: 500, message: 'Internal error' },
} as const;

export type ApiErrorName = keyof typeof API_ERRORS;

/** Thrown by route handlers and hooks; the error handler turns it into the failure envelope. */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  readonly code: number;
  readonly http: number;
  readonly title: string;

  constructor(
    readonly errorName: ApiErrorName,
    /** What was wrong and, for validation, the field and the expected format. */
    readonly description: string,
    /** Extra response headers, e.g. `Retry-After`, `Allow`, `WWW-Authenticate`. */
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(description);
    const entry = API_ERRORS[errorName];
    this.code = entry.code;
    this.http = entry.http;
    this.title = entry.message;
  }
}

/** Shorthand for the most common rejection: a field that does not have the expected format. */
export function invalidField(field: string, expected: string): ApiError {
  return new ApiError('INVALID_REQUEST', `${field}: ${expected}`);
}
