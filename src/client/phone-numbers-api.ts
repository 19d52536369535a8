import { bulkResult } from './bulk-result.js';
import type { HttpCore } from './http-core.js';
import { listPage } from './list-page.js';
import { paginate } from './paginate.js';
import type { BulkResult, Page, PageOptions, PhoneNumber } from './types.js';

/** Phone numbers mapped to a trunk (caller IDs for termination, DIDs for origination). */
export class PhoneNumbersApi {
  readonly #http: HttpCore;

  constructor(http: HttpCore) {
    this.#http = http;
  }

  #path(trunkSid: string, id?: string): string {
    const items = `/trunks/${encodeURIComponent(trunkSid)}/phone-numbers`;
    return id === undefined ? items : `${items}/${encodeURIComponent(id)}`;
  }

  async add(trunkSid: string, input: { phone_number: string; mode?: string }): Promise<PhoneNumber> {
    return (
      await this.#http.request<PhoneNumber>('POST', this.#http.accountPath(this.#path(trunkSid)), { body: input })
    ).data;
  }

  /** Up to 1,000 numbers in one request; `errors` holds the items that failed (207). */
  async addMany(
    trunkSid: string,
    items: Array<{ phone_number: string; mode?: string }>,
    options: { allOrNothing?: boolean } = {},
  ): Promise<BulkResult<PhoneNumber>> {
    const answer = await this.#http.request<unknown>('POST', this.#http.accountPath(`${this.#path(trunkSid)}/bulk`), {
      body: { phone_numbers: items, ...(options.allOrNothing ? { all_or_nothing: true } : {}) },
      allowPartial: true,
    });
    return bulkResult<PhoneNumber>(answer.data);
  }

  /** CSV import: `phone_number[,mode]` per line, optional header, at most 1,000 lines. */
  async importCsv(trunkSid: string, csv: string, options: { allOrNothing?: boolean } = {}) {
    const answer = await this.#http.request<unknown>('POST', this.#http.accountPath(`${this.#path(trunkSid)}.csv`), {
      raw: { contentType: 'text/csv', text: csv },
      query: options.allOrNothing ? { all_or_nothing: 'true' } : {},
      allowPartial: true,
    });
    return bulkResult<PhoneNumber>(answer.data);
  }

  /** The trunk's numbers as CSV (`id,phone_number,mode,date_created,date_updated`), importable as is. */
  exportCsv(trunkSid: string): Promise<string> {
    return this.#http.download(this.#http.accountPath(`${this.#path(trunkSid)}.csv`));
  }

  list(trunkSid: string, page: PageOptions = {}): Promise<Page<PhoneNumber>> {
    return listPage<PhoneNumber>(this.#http, this.#path(trunkSid), page);
  }

  iterate(trunkSid: string, page: PageOptions = {}): AsyncGenerator<PhoneNumber, void, undefined> {
    return paginate((p) => this.list(trunkSid, p), page);
  }

  async get(trunkSid: string, id: string): Promise<PhoneNumber> {
    return (await this.#http.request<PhoneNumber>('GET', this.#http.accountPath(this.#path(trunkSid, id)))).data;
  }

  async update(trunkSid: string, id: string, update: { phone_number?: string; mode?: string }): Promise<PhoneNumber> {
    return (
      await this.#http.request<PhoneNumber>('PUT', this.#http.accountPath(this.#path(trunkSid, id)), { body: update })
    ).data;
  }

  async remove(trunkSid: string, id: string): Promise<unknown> {
    return (
      await this.#http.request<unknown>('DELETE', this.#http.accountPath(this.#path(trunkSid)), { query: { id } })
    ).data;
  }
}
