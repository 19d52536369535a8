import { HttpCore, type HttpCoreOptions } from './http-core.js';
import type {
  CarrierInfo,
  CarrierInput,
  CarrierRouteInfo,
  CarrierRouteInput,
  CarrierStatusInfo,
  OperatorAccount,
  OperatorAccountCredentials,
} from './operator-types.js';
import { paginate } from './paginate.js';
import type { Page, PageOptions } from './types.js';

export interface OperatorClientOptions
  extends Omit<HttpCoreOptions, 'accountSid' | 'apiKey' | 'apiToken' | 'authorization'> {
  /** An operator token from `vsip operator-token create`. */
  operatorToken: string;
}

const enc = encodeURIComponent;

/** CRUD of one operator collection (`/v2/operator/<name>`), keyed by its sid. */
class OperatorCollection<Info, Input> {
  constructor(
    protected readonly http: HttpCore,
    protected readonly base: string,
  ) {}

  async create(input: Input): Promise<Info> {
    return (await this.http.request<Info>('POST', this.base, { body: input })).data;
  }

  async list(page: PageOptions = {}): Promise<Page<Info>> {
    const answer = await this.http.request<Info[]>('GET', this.base, {
      query: { offset: page.offset, page_size: page.pageSize },
    });
    return { items: answer.data ?? [], metadata: answer.metadata ?? {} };
  }

  iterate(page: PageOptions = {}): AsyncGenerator<Info, void, undefined> {
    return paginate((p) => this.list(p), page);
  }

  async get(sid: string): Promise<Info> {
    return (await this.http.request<Info>('GET', `${this.base}/${enc(sid)}`)).data;
  }

  async update(sid: string, input: Input): Promise<Info> {
    return (await this.http.request<Info>('PUT', `${this.base}/${enc(sid)}`, { body: input })).data;
  }

  async delete(sid: string): Promise<void> {
    await this.http.request('DELETE', `${this.base}/${enc(sid)}`);
  }
}

/** `/v2/operator/carriers`, and each carrier's live state as the answering node's gateway sees it. */
class OperatorCarriersApi extends OperatorCollection<CarrierInfo, CarrierInput> {
  async status(carrierSid: string): Promise<CarrierStatusInfo> {
    return (await this.http.request<CarrierStatusInfo>('GET', `${this.base}/${enc(carrierSid)}/status`)).data;
  }
}

/** `/v2/operator/accounts`: create answers the API token once; suspend, resume, rotate, delete. */
class OperatorAccountsApi {
  constructor(private readonly http: HttpCore) {}

  async create(name: string): Promise<OperatorAccountCredentials> {
    return (await this.http.request<OperatorAccountCredentials>('POST', '/v2/operator/accounts', { body: { name } }))
      .data;
  }

  async list(page: PageOptions = {}): Promise<Page<OperatorAccount>> {
    const answer = await this.http.request<OperatorAccount[]>('GET', '/v2/operator/accounts', {
      query: { offset: page.offset, page_size: page.pageSize },
    });
    return { items: answer.data ?? [], metadata: answer.metadata ?? {} };
  }

  async get(accountSid: string): Promise<OperatorAccount> {
    return (await this.http.request<OperatorAccount>('GET', `/v2/operator/accounts/${enc(accountSid)}`)).data;
  }

  async suspend(accountSid: string): Promise<OperatorAccount> {
    return (await this.http.request<OperatorAccount>('POST', `/v2/operator/accounts/${enc(accountSid)}/suspend`)).data;
  }

  async resume(accountSid: string): Promise<OperatorAccount> {
    return (await this.http.request<OperatorAccount>('POST', `/v2/operator/accounts/${enc(accountSid)}/resume`)).data;
  }

  async rotateToken(accountSid: string): Promise<OperatorAccountCredentials> {
    const path = `/v2/operator/accounts/${enc(accountSid)}/token`;
    return (await this.http.request<OperatorAccountCredentials>('POST', path)).data;
  }

  async delete(accountSid: string): Promise<void> {
    await this.http.request('DELETE', `/v2/operator/accounts/${enc(accountSid)}`);
  }
}

/**
 * Typed client for the operator API (`/v2/operator/…`), authenticated by an operator token.
 *
 * ```ts
 * const op = new OperatorClient({ baseUrl: 'http://127.0.0.1:8080', operatorToken });
 * const carrier = await op.carriers.create({ name: 'alpha', uris: [{ uri: 'sip:203.0.113.10' }] });
 * await op.routes.create({ prefix: '', carriers: [{ carrier_sid: carrier.carrier_sid }] });
 * ```
 */
export class OperatorClient {
  readonly accounts: OperatorAccountsApi;
  readonly carriers: OperatorCarriersApi;
  readonly routes: OperatorCollection<CarrierRouteInfo, CarrierRouteInput>;

  constructor(options: OperatorClientOptions) {
    const { operatorToken, ...rest } = options;
    const http = new HttpCore({
      ...rest,
      accountSid: '',
      apiKey: '',
      apiToken: '',
      authorization: `Bearer ${operatorToken}`,
    });
    this.accounts = new OperatorAccountsApi(http);
    this.carriers = new OperatorCarriersApi(http, '/v2/operator/carriers');
    this.routes = new OperatorCollection(http, '/v2/operator/routes');
  }
}
