import type { HttpCore } from './http-core.js';
import { listPage } from './list-page.js';
import { paginate } from './paginate.js';
import type { NewTrunkInput, Page, PageOptions, Trunk, TrunkUpdateInput } from './types.js';
import { VsipApiError } from './vsip-api-error.js';

/** Create / list / get / update / delete trunks. @see spec "Create Trunk", "Delete Trunk" */
export class TrunksApi {
  readonly #http: HttpCore;
  readonly #sipDomain: string;

  constructor(http: HttpCore, sipDomain: string) {
    this.#http = http;
    this.#sipDomain = sipDomain;
  }

  async create(input: NewTrunkInput): Promise<Trunk> {
    const body = {
      ...input,
      nso_code: input.nso_code ?? 'ANY-ANY',
      domain_name: input.domain_name ?? `${this.#http.accountSid}.${this.#sipDomain}`,
    };
    return (await this.#http.request<Trunk>('POST', this.#http.accountPath('/trunks'), { body })).data;
  }

  list(page: PageOptions = {}): Promise<Page<Trunk>> {
    return listPage<Trunk>(this.#http, '/trunks', page);
  }

  /** `GET /trunks?search=` — one page of the trunks whose name or trunk_sid contains `text` (case-insensitive). */
  search(text: string, page: PageOptions = {}): Promise<Page<Trunk>> {
    return listPage<Trunk>(this.#http, '/trunks', page, { search: text });
  }

  iterate(page: PageOptions = {}): AsyncGenerator<Trunk, void, undefined> {
    return paginate((p) => this.list(p), page);
  }

  /** `GET /trunks?trunk_sid=` — one trunk; a `VsipApiError` with `isNotFound` when it does not exist. */
  async get(trunkSid: string): Promise<Trunk> {
    const answer = await this.#http.request<Trunk | Trunk[] | null>('GET', this.#http.accountPath('/trunks'), {
      query: { trunk_sid: trunkSid },
    });
    const data = Array.isArray(answer.data) ? answer.data.find((t) => t.trunk_sid === trunkSid) : answer.data;
    if (!data) {
      throw new VsipApiError({
        httpStatus: 404,
        code: 1003,
        message: 'Not found',
        description: `trunk ${trunkSid} does not exist`,
        requestId: answer.requestId,
      });
    }
    return data;
  }

  async update(trunkSid: string, update: TrunkUpdateInput): Promise<Trunk> {
    return (
      await this.#http.request<Trunk>('PUT', this.#http.accountPath(`/trunks/${encodeURIComponent(trunkSid)}`), {
        body: update,
      })
    ).data;
  }

  /** ⚠️ Permanently deletes the trunk and everything configured under it. */
  async delete(trunkSid: string): Promise<unknown> {
    return (
      await this.#http.request<unknown>('DELETE', this.#http.accountPath('/trunks'), { query: { trunk_sid: trunkSid } })
    ).data;
  }
}
