import type { Session } from './session.js';

/** A failed API request: the API's own error description, never a blank page. */
export class ApiFailure extends Error {
  constructor(
    readonly status: number,
    readonly code: number | null,
    readonly description: string,
  ) {
    super(description);
  }

  /** The field an invalid-request description names first (`trunk_name: … is not valid`). */
  get field(): string | null {
    return /^([a-z_]+)(?:\[\d+\])?(?:\.[a-z_]+)?:/.exec(this.description)?.[1] ?? null;
  }
}

export interface ListMeta {
  total: number;
  offset: number;
  page_size: number;
  count: number;
  next_page_uri: string | null;
  prev_page_uri: string | null;
}

export interface Answer<T> {
  status: number;
  data: T;
  metadata?: ListMeta;
}

type Query = Record<string, string | number | undefined>;

/**
 * The public REST API with the signed-in account's credentials: the console can do nothing a
 * curl with the same key and token cannot. Same origin, so no CORS and no token in a URL.
 */
export class ApiClient {
  readonly #auth: string;

  /** `onUnauthorized`: the key and token stopped working (rotated elsewhere): the session is over. */
  constructor(
    readonly session: Session,
    private readonly onUnauthorized: (description: string) => void = () => {},
  ) {
    this.#auth = `Basic ${btoa(`${session.apiKey}:${session.apiToken}`)}`;
  }

  /** `/v2/accounts/<sid>` + path. */
  path(p: string): string {
    return `/v2/accounts/${encodeURIComponent(this.session.accountSid)}${p}`;
  }

  async request<T>(method: string, p: string, options: { query?: Query; body?: unknown } = {}): Promise<Answer<T>> {
    const qs = new URLSearchParams();
    for (const [k, v] of Object.entries(options.query ?? {})) if (v !== undefined && v !== '') qs.set(k, String(v));
    const url = this.path(p) + (qs.size > 0 ? `?${qs}` : '');
    const headers: Record<string, string> = { accept: 'application/json', authorization: this.#auth };
    if (options.body !== undefined) headers['content-type'] = 'application/json';
    let res: Response;
    try {
      res = await fetch(url, {
        method,
        headers,
        credentials: 'omit',
        cache: 'no-store',
        ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}),
      });
    } catch {
      throw new ApiFailure(0, null, 'the vsip server could not be reached; check that it is running');
    }
    let env: {
      response?: {
        status?: string;
        error_data?: { code?: number; description?: string; message?: string } | null;
        data?: unknown;
        metadata?: ListMeta;
      };
    };
    try {
      env = (await res.json()) as typeof env;
    } catch {
      throw new ApiFailure(res.status, null, `the server answered ${res.status} without a JSON body`);
    }
    const r = env.response ?? {};
    // 207: per-item results; the caller reads each item's error.
    if (res.status >= 400 || (r.status === 'failure' && res.status !== 207)) {
      const e = r.error_data;
      if (res.status === 401) this.onUnauthorized(e?.description ?? 'authentication failed');
      throw new ApiFailure(
        res.status,
        e?.code ?? null,
        e?.description ?? e?.message ?? `request failed (${res.status})`,
      );
    }
    return { status: res.status, data: r.data as T, ...(r.metadata ? { metadata: r.metadata } : {}) };
  }

  get<T>(p: string, query?: Query): Promise<Answer<T>> {
    return this.request<T>('GET', p, query ? { query } : {});
  }
}

/** The first failure of a bulk answer (207 / 4xx), as an error to show. */
export function bulkFailure(
  items: Array<{ status: string; error_data: { description: string } | null }>,
): string | null {
  const failed = items.filter((i) => i.status === 'failure');
  if (failed.length === 0) return null;
  return failed.map((i) => i.error_data?.description ?? 'failed').join('; ');
}
