import type { HttpCore } from './http-core.js';
import { listPage } from './list-page.js';
import { paginate } from './paginate.js';
import type { Page, PageOptions, Registration } from './types.js';

/** The PBX contacts registered on a trunk (live bindings; inbound calls ring them first). */
export class RegistrationsApi {
  readonly #http: HttpCore;

  constructor(http: HttpCore) {
    this.#http = http;
  }

  list(trunkSid: string, page: PageOptions = {}): Promise<Page<Registration>> {
    return listPage<Registration>(this.#http, `/trunks/${encodeURIComponent(trunkSid)}/registrations`, page, {});
  }

  iterate(trunkSid: string, page: PageOptions = {}): AsyncGenerator<Registration, void, undefined> {
    return paginate((p) => this.list(trunkSid, { ...page, ...p }), page);
  }
}
