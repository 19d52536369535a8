/**
 * Every failure the SDK reports: an error answer from the API (with its vSIP error code and
 * description from `error_data`), or a transport failure (`httpStatus` 0, `code` null).
 */
export class VsipApiError extends Error {
  override readonly name = 'VsipApiError';
  /** HTTP status of the answer; 0 when no answer arrived (connection refused, timeout, bad JSON). */
  readonly httpStatus: number;
  /** vSIP error code (1000 invalid request, 1002 exists, 1003 not found, 1010 auth failed, …). */
  readonly code: number | null;
  readonly description: string;
  readonly requestId: string | null;

  constructor(init: {
    httpStatus: number;
    code: number | null;
    message: string;
    description?: string;
    requestId?: string | null;
    cause?: unknown;
  }) {
    super(init.message, init.cause === undefined ? undefined : { cause: init.cause });
    this.httpStatus = init.httpStatus;
    this.code = init.code;
    this.description = init.description ?? init.message;
    this.requestId = init.requestId ?? null;
  }

  /** True when the API said the resource does not exist (404 / 1003). */
  get isNotFound(): boolean {
    return this.httpStatus === 404 || this.code === 1003;
  }
}
