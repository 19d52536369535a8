import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/api/app.js';
import { VsipClient, type CallRecord } from '../../src/client/index.js';
import { createLogger } from '../../src/logger.js';
import type { Harness } from './gateway-harness.js';
import { Registry } from 'prom-client';
import { injectFetch } from './inject-fetch.js';

export type ApiCall = CallRecord;

/**
 * The configuration steps of the spec's quickstarts, made through the real REST API with the SDK
 * (`VsipClient` over `buildApp` + `inject`), as a user would: the gateway must enforce what the API
 * stored. A refused request throws the SDK's `VsipApiError`.
 */
export class ApiClient {
  private constructor(
    readonly app: FastifyInstance,
    readonly client: VsipClient,
    private readonly h: Harness,
  ) {}

  static async create(h: Harness): Promise<ApiClient> {
    const app = await buildApp({
      store: h.store,
      config: h.config,
      logger: createLogger('silent'),
      metrics: new Registry(),
      listCacheTtlMs: 0,
    });
    await app.ready();
    const creds = await h.store.rotateAccountToken(h.accountSid);
    const client = new VsipClient({
      baseUrl: 'http://api.test',
      accountSid: h.accountSid,
      apiKey: creds.apiKey,
      apiToken: creds.apiToken,
      fetch: injectFetch(app),
    });
    return new ApiClient(app, client, h);
  }

  async createTrunk(name: string, extra: Record<string, unknown> = {}): Promise<string> {
    return (await this.client.trunks.create({ trunk_name: name, ...extra })).trunk_sid;
  }

  updateTrunk(trunk: string, update: Record<string, unknown>): Promise<unknown> {
    return this.client.trunks.update(trunk, update);
  }

  mapNumber(trunk: string, phone: string): Promise<unknown> {
    return this.client.phoneNumbers.add(trunk, { phone_number: phone });
  }

  async whitelist(trunk: string, ip: string, mask = 32): Promise<string> {
    return String((await this.client.whitelistedIps.add(trunk, { ip, mask })).id);
  }

  /**
   * The spec's termination quickstart through the API (create trunk, map the caller ID, whitelist
   * the PBX), then waits until the gateway's snapshot has it. Returns the trunk SID.
   */
  async terminationTrunk(name: string, callerId: string, pbxIp: string): Promise<string> {
    const trunk = await this.createTrunk(name);
    await this.mapNumber(trunk, callerId);
    await this.whitelist(trunk, pbxIp, 32);
    await this.h.gateway.snapshot.settled();
    return trunk;
  }

  removeWhitelistedIp(trunk: string, id: string): Promise<unknown> {
    return this.client.whitelistedIps.remove(trunk, id);
  }

  addDestinations(
    trunk: string,
    destinations: Array<{ destination: string; priority?: number; weight?: number }>,
  ): Promise<unknown> {
    return this.client.destinationUris.add(trunk, destinations);
  }

  setSetting(trunk: string, name: string, value: string): Promise<unknown> {
    return this.client.settings.set(trunk, [{ name, value }]);
  }

  deleteSetting(trunk: string, name: string): Promise<unknown> {
    return this.client.settings.delete(trunk, name);
  }

  deleteTrunk(trunk: string): Promise<unknown> {
    return this.client.trunks.delete(trunk);
  }

  async password(trunk: string): Promise<string> {
    return (await this.client.credentials.get(trunk)).password;
  }

  /** The trunk's call log through `GET …/calls`, after the gateway's buffer is flushed. */
  async calls(trunk: string, result: 'failed' | 'completed' | 'all' = 'all'): Promise<ApiCall[]> {
    await this.h.gateway.callLog.flush();
    return (await this.client.calls.list(trunk, { result })).items;
  }

  close(): Promise<void> {
    return this.app.close();
  }
}
