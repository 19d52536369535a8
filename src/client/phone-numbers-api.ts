import type { HttpCore } from './http-core.js';
import { listPage } from './list-page.js';
import { paginate } from './paginate.js';
import type { Page, PageOptions, PhoneNumber } from './types.js';

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
