import type { HttpCore } from './http-core.js';
import { listPage } from './list-page.js';
import { paginate } from './paginate.js';
import type { CallQueryOptions, CallRecord, Page } from './types.js';

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
}
