import type { ApiEnvelope, FetchLike, PageMetadata } from './types.js';
import { VsipApiError } from './vsip-api-error.js';

export interface HttpCoreOptions {
  baseUrl: string;
  accountSid: string;
  apiKey: string;
  apiToken: string;
  fetch?: FetchLike;
  /** Per-request timeout; default 15 s. */
  timeoutMs?: number;
  userAgent?: string;
  /**
   * How many times a 429 (rate limited) answer is retried after its Retry-After (capped at
   * `maxRetryAfterS`); default 2. 0 turns retrying off.
   */
  rateLimitRetries?: number;
  maxRetryAfterS?: number;
  /** A whole Authorization header used instead of Basic key:token (the operator API's Bearer token). */
  authorization?: string;
}

export interface ApiAnswer<T> {
  httpStatus: number;
  data: T;
  metadata: PageMetadata | undefined;
  requestId: string | null;
  errorData: ApiEnvelope<T>['response']['error_data'];
}

type Query = Record<string, string | number | undefined>;

/**
 * One HTTP exchange with the API: Basic auth, JSON, the spec's envelope unwrapped, and every
 * error answer turned into a `VsipApiError`. Resource classes only say which path and body.
 */
export class HttpCore {
  readonly accountSid: string;
  readonly baseUrl: string;
  readonly #auth: string;
  readonly #fetch: FetchLike;
  readonly #timeoutMs: number;
  readonly #userAgent: string;
  readonly #retries: number;
  readonly #maxRetryAfterS: number;

  constructor(options: HttpCoreOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.accountSid = options.accountSid;
    // Basic auth with API key as user name and API token as password (spec "Authentication").
    this.#auth =
      options.authorization ?? `Basic ${Buffer.from(`${options.apiKey}:${options.apiToken}`).toString('base64')}`;
    this.#fetch = options.fetch ?? (globalThis.fetch as unknown as FetchLike);
    this.#timeoutMs = options.timeoutMs ?? 15_000;
    this.#userAgent = options.userAgent ?? 'vsip-sdk';
    this.#retries = options.rateLimitRetries ?? 2;
    this.#maxRetryAfterS = options.maxRetryAfterS ?? 10;
  }

  /** `/v2/accounts/<sid>` + path. */
  accountPath(path: string): string {
    return `/v2/accounts/${encodeURIComponent(this.accountSid)}${path}`;
  }

  /** A non-JSON answer (CSV, NDJSON exports) as text; failures still come as the envelope. */
  async download(path: string, query: Query = {}): Promise<string> {
    const url = new URL(this.baseUrl + path);
    for (const [k, v] of Object.entries(query)) if (v !== undefined) url.searchParams.set(k, String(v));
    const res = await this.#fetch(url.toString(), {
      method: 'GET',
      headers: { authorization: this.#auth, 'user-agent': this.#userAgent },
      signal: AbortSignal.timeout(this.#timeoutMs),
    });
    const text = await res.text();
    if (res.status >= 400) {
      // The failure envelope, turned into the usual VsipApiError.
      await this.request('GET', path, { query });
    }
    return text;
  }

  async request<T>(
    method: string,
    path: string,
    options: {
      query?: Query;
      body?: unknown;
      auth?: boolean;
      allowPartial?: boolean;
      plain?: boolean;
      /** A body sent as is (CSV imports) instead of JSON. */
      raw?: { contentType: string; text: string };
      headers?: Record<string, string>;
    } = {},
  ): Promise<ApiAnswer<T>> {
    const url = new URL(this.baseUrl + path);
    for (const [k, v] of Object.entries(options.query ?? {})) {
      if (v !== undefined) url.searchParams.set(k, String(v));
    }
    const headers: Record<string, string> = { accept: 'application/json', 'user-agent': this.#userAgent };
    if (options.auth !== false) headers.authorization = this.#auth;
    let body: string | undefined;
    if (options.body !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(options.body);
    }
    if (options.raw !== undefined) {
      headers['content-type'] = options.raw.contentType;
      body = options.raw.text;
    }
    Object.assign(headers, options.headers);
    let status = 0;
    let text = '';
    try {
      // The API limits requests per account per minute (429 with Retry-After); a script that
      // pages through a long list should slow down, not fail.
      for (let attempt = 0; ; attempt++) {
        const res = await this.#fetch(url.toString(), {
          method,
          headers,
          body,
          signal: AbortSignal.timeout(this.#timeoutMs),
        });
        status = res.status;
        text = await res.text();
        const wait = Number(res.headers.get('retry-after') ?? '1');
        if (status !== 429 || attempt >= this.#retries || !(wait >= 0) || wait > this.#maxRetryAfterS) break;
        await new Promise((r) => setTimeout(r, Math.max(wait, 0.1) * 1000));
      }
    } catch (err) {
      const why = describeTransportError(err);
      throw new VsipApiError({
        httpStatus: 0,
        code: null,
        message: `cannot reach the vSIP API at ${this.baseUrl}`,
        description: `cannot reach the vSIP API at ${this.baseUrl}: ${why}`,
        cause: err,
      });
    }
    let envelope: ApiEnvelope<T> | null = null;
    try {
      envelope = text ? (JSON.parse(text) as ApiEnvelope<T>) : null;
    } catch {
      envelope = null;
    }
    if (options.plain === true && envelope !== null && status < 400) {
      // Operational endpoints (`/health`) answer bare JSON, not the API envelope.
      return {
        httpStatus: status,
        data: envelope as unknown as T,
        metadata: undefined,
        requestId: null,
        errorData: null,
      };
    }
    const response = envelope?.response;
    if (!response || typeof response !== 'object') {
      throw new VsipApiError({
        httpStatus: status,
        code: null,
        message: `unexpected answer from ${url.pathname} (HTTP ${status})`,
        description: `unexpected answer from ${method} ${url.pathname}: HTTP ${status}, not a vSIP envelope`,
      });
    }
    const partial = status === 207 && options.allowPartial === true;
    if ((status >= 400 || response.status === 'failure') && !partial) {
      const e = response.error_data;
      throw new VsipApiError({
        httpStatus: status,
        code: e?.code ?? null,
        message: e?.message ?? `HTTP ${status}`,
        description: e?.description ?? e?.message ?? `HTTP ${status}`,
        requestId: envelope?.request_id ?? null,
      });
    }
    return {
      httpStatus: status,
      data: response.data,
      metadata: response.metadata,
      requestId: envelope?.request_id ?? null,
      errorData: response.error_data,
    };
  }
}

function describeTransportError(err: unknown): string {
  if (err instanceof Error) {
    const cause = (err as { cause?: { code?: string; message?: string } }).cause;
    if (cause?.code === 'ECONNREFUSED') return 'connection refused (is `vsip serve` running?)';
    if (err.name === 'TimeoutError') return 'timed out';
    return cause?.message ?? err.message;
  }
  return String(err);
}
