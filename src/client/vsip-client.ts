import { CallsApi } from './calls-api.js';
import { RegistrationsApi } from './registrations-api.js';
import type { GatewayRegion } from './types.js';
import { WebhooksApi } from './webhooks-api.js';
import { CredentialsApi } from './credentials-api.js';
import { DestinationUrisApi } from './destination-uris-api.js';
import { HttpCore, type HttpCoreOptions } from './http-core.js';
import { PhoneNumbersApi } from './phone-numbers-api.js';
import { SettingsApi } from './settings-api.js';
import { TrunksApi } from './trunks-api.js';
import type { Health } from './types.js';
import { WhitelistedIpsApi } from './whitelisted-ips-api.js';

export interface VsipClientOptions extends HttpCoreOptions {
  /** SIP domain used for a trunk's default `domain_name` (`<account_sid>.<sipDomain>`). */
  sipDomain?: string;
}

/**
 * Typed client for the whole vSIP Trunk Configuration API.
 *
 * ```ts
 * const vsip = new VsipClient({ baseUrl: 'http://127.0.0.1:8080', accountSid, apiKey, apiToken });
 * const trunk = await vsip.trunks.create({ trunk_name: 'outbound_trunk' });
 * await vsip.phoneNumbers.add(trunk.trunk_sid, { phone_number: '+919876543210' });
 * for await (const call of vsip.calls.iterate(trunk.trunk_sid, { result: 'failed' })) console.log(call.cause);
 * ```
 * Every failure is a `VsipApiError` carrying the vSIP error code and description.
 */
export class VsipClient {
  readonly accountSid: string;
  readonly baseUrl: string;
  readonly trunks: TrunksApi;
  readonly phoneNumbers: PhoneNumbersApi;
  readonly whitelistedIps: WhitelistedIpsApi;
  readonly destinationUris: DestinationUrisApi;
  readonly credentials: CredentialsApi;
  readonly settings: SettingsApi;
  readonly calls: CallsApi;
  readonly registrations: RegistrationsApi;
  readonly webhooks: WebhooksApi;
  readonly #http: HttpCore;

  constructor(options: VsipClientOptions) {
    this.#http = new HttpCore(options);
    this.accountSid = this.#http.accountSid;
    this.baseUrl = this.#http.baseUrl;
    this.trunks = new TrunksApi(this.#http, options.sipDomain ?? 'pstn.exotel.com');
    this.phoneNumbers = new PhoneNumbersApi(this.#http);
    this.whitelistedIps = new WhitelistedIpsApi(this.#http);
    this.destinationUris = new DestinationUrisApi(this.#http);
    this.credentials = new CredentialsApi(this.#http);
    this.settings = new SettingsApi(this.#http);
    this.calls = new CallsApi(this.#http);
    this.registrations = new RegistrationsApi(this.#http);
    this.webhooks = new WebhooksApi(this.#http);
  }

  /** `GET /gateways`: per region, the SIP addresses and RTP ranges to allow, and the API URL (nodes that are up). */
  async gateways(): Promise<GatewayRegion[]> {
    return (await this.#http.request<GatewayRegion[]>('GET', this.#http.accountPath('/gateways'))).data;
  }

  /** `GET /health` (no auth): status, version and store kind. */
  async health(): Promise<Health> {
    return (await this.#http.request<Health>('GET', '/health', { auth: false, plain: true })).data;
  }
}
