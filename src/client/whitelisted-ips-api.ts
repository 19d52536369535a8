import type { HttpCore } from './http-core.js';
import { listPage } from './list-page.js';
import { paginate } from './paginate.js';
import type { Page, PageOptions, WhitelistedIp } from './types.js';

/** Source addresses allowed to send calls on a trunk (termination). @see spec "Whitelist IP Address" */
export class WhitelistedIpsApi {
  readonly #http: HttpCore;

  constructor(http: HttpCore) {
    this.#http = http;
  }

  #path(trunkSid: string, id?: string): string {
    const items = `/trunks/${encodeURIComponent(trunkSid)}/whitelisted-ips`;
    return id === undefined ? items : `${items}/${encodeURIComponent(id)}`;
  }

  /** `mask` defaults to 32 (a single address), as the spec's example. */
  async add(trunkSid: string, input: { ip: string; mask?: number }): Promise<WhitelistedIp> {
    const body = { ip: input.ip, mask: input.mask ?? 32 };
    return (await this.#http.request<WhitelistedIp>('POST', this.#http.accountPath(this.#path(trunkSid)), { body }))
      .data;
  }

  list(trunkSid: string, page: PageOptions = {}): Promise<Page<WhitelistedIp>> {
    return listPage<WhitelistedIp>(this.#http, this.#path(trunkSid), page);
  }

  iterate(trunkSid: string, page: PageOptions = {}): AsyncGenerator<WhitelistedIp, void, undefined> {
    return paginate((p) => this.list(trunkSid, p), page);
  }

  async get(trunkSid: string, id: string): Promise<WhitelistedIp> {
    return (await this.#http.request<WhitelistedIp>('GET', this.#http.accountPath(this.#path(trunkSid, id)))).data;
  }

  async update(trunkSid: string, id: string, update: { ip?: string; mask?: number }): Promise<WhitelistedIp> {
    return (
      await this.#http.request<WhitelistedIp>('PUT', this.#http.accountPath(this.#path(trunkSid, id)), { body: update })
    ).data;
  }

  async remove(trunkSid: string, id: string): Promise<unknown> {
    return (
      await this.#http.request<unknown>('DELETE', this.#http.accountPath(this.#path(trunkSid)), { query: { id } })
    ).data;
  }
}
