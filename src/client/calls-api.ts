import type { HttpCore } from './http-core.js';
import { listPage } from './list-page.js';
import { paginate } from './paginate.js';
import type { CallQueryOptions, CallRecord, CdrFilterOptions, CdrPage, Page } from './types.js';

/** The gateway's call log of a trunk: every attempt, rejected ones included, newest first. */
export class CallsApi {
  readonly #http: HttpCore;

  constructor(http: HttpCore) {
    this.#http = http;
  }

  list(trunkSid: string, query: CallQueryOptions = {}): Promise<Page<CallRecord>> {
    return listPage<CallRecord>(this.#http, `/trunks/${encodeURIComponent(trunkSid)}/calls`, query, {
      result: query.result,
      call_id: query.callId,
    });
  }

  iterate(trunkSid: string, query: CallQueryOptions = {}): AsyncGenerator<CallRecord, void, undefined> {
    return paginate((p) => this.list(trunkSid, { ...query, ...p }), query);
  }

  /** One page of the account's call records (newest first), from `cursor` on. */
  async records(filter: CdrFilterOptions = {}, page: { cursor?: string; pageSize?: number } = {}): Promise<CdrPage> {
    const answer = await this.#http.request<CallRecord[]>('GET', this.#http.accountPath('/calls'), {
      query: { ...cdrQuery(filter), cursor: page.cursor, page_size: page.pageSize },
    });
    const metadata = answer.metadata as { next_cursor?: string | null } | undefined;
    return { items: answer.data, nextCursor: metadata?.next_cursor ?? null };
  }

  /** Every matching record, page after page by cursor. */
  async *iterateRecords(filter: CdrFilterOptions = {}, pageSize = 100): AsyncGenerator<CallRecord, void, undefined> {
    let cursor: string | undefined;
    for (;;) {
      const page = await this.records(filter, cursor === undefined ? { pageSize } : { cursor, pageSize });
      yield* page.items;
      if (page.nextCursor === null) return;
      cursor = page.nextCursor;
    }
  }

  /** The matching records as CSV or NDJSON text, as the API streams them. */
  export(format: 'csv' | 'ndjson', filter: CdrFilterOptions = {}): Promise<string> {
    return this.#http.download(this.#http.accountPath(`/calls.${format}`), cdrQuery(filter));
  }
}

function cdrQuery(f: CdrFilterOptions): Record<string, string | undefined> {
  return {
    from: f.from,
    to: f.to,
    direction: f.direction,
    result: f.result,
    cause: f.cause,
    number: f.number,
    call_id: f.callId,
    trunk_sid: f.trunkSid,
  };
}
