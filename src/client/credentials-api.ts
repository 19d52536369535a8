import type { HttpCore } from './http-core.js';
import type { Credentials } from './types.js';

/** SIP digest credentials of a trunk: username = trunk_sid, password. @see spec "Get Credentials" */
export class CredentialsApi {
  readonly #http: HttpCore;

  constructor(http: HttpCore) {
    this.#http = http;
  }

  async get(trunkSid: string): Promise<Credentials> {
    return (
      await this.#http.request<Credentials>(
        'GET',
        this.#http.accountPath(`/trunks/${encodeURIComponent(trunkSid)}/credentials`),
      )
    ).data;
  }

  /** Issues a new SIP password; the old one stops working at once. */
  async rotate(trunkSid: string): Promise<Credentials> {
    return (
      await this.#http.request<Credentials>(
        'POST',
        this.#http.accountPath(`/trunks/${encodeURIComponent(trunkSid)}/credentials/rotate`),
      )
    ).data;
  }
}
