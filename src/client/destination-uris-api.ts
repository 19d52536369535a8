import { bulkResult } from './bulk-result.js';
import type { HttpCore } from './http-core.js';
import { listPage } from './list-page.js';
import { paginate } from './paginate.js';
import type { BulkResult, DestinationInput, DestinationUri, Page, PageOptions } from './types.js';

/** Where inbound calls go (origination): `<ip|host>:<port>;transport=<tls|tcp>`. @see spec "Add Destination URI" */
export class DestinationUrisApi {
  readonly #http: HttpCore;

  constructor(http: HttpCore) {
    this.#http = http;
  }

  #path(trunkSid: string, id?: string): string {
    const items = `/trunks/${encodeURIComponent(trunkSid)}/destination-uris`;
    return id === undefined ? items : `${items}/${encodeURIComponent(id)}`;
  }

  /**
   * Adds several destinations in one call. Items are answered one by one: when some fail (HTTP 207)
   * the created ones are in `items` and the failures in `errors`; when all fail it throws.
   */
  async add(trunkSid: string, destinations: DestinationInput[]): Promise<BulkResult<DestinationUri>> {
    const answer = await this.#http.request<unknown>('POST', this.#http.accountPath(this.#path(trunkSid)), {
      body: { destinations },
      allowPartial: true,
    });
    return bulkResult<DestinationUri>(answer.data);
  }

  list(trunkSid: string, page: PageOptions = {}): Promise<Page<DestinationUri>> {
    return listPage<DestinationUri>(this.#http, this.#path(trunkSid), page);
  }

  iterate(trunkSid: string, page: PageOptions = {}): AsyncGenerator<DestinationUri, void, undefined> {
    return paginate((p) => this.list(trunkSid, p), page);
  }

  async get(trunkSid: string, id: string): Promise<DestinationUri> {
    return (await this.#http.request<DestinationUri>('GET', this.#http.accountPath(this.#path(trunkSid, id)))).data;
  }

  async update(trunkSid: string, id: string, update: Partial<DestinationInput>): Promise<DestinationUri> {
    return (
      await this.#http.request<DestinationUri>('PUT', this.#http.accountPath(this.#path(trunkSid, id)), {
        body: update,
      })
    ).data;
  }

  async remove(trunkSid: string, id: string): Promise<unknown> {
    return (
      await this.#http.request<unknown>('DELETE', this.#http.accountPath(this.#path(trunkSid)), { query: { id } })
    ).data;
  }
}
