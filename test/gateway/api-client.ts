import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/api/app.js';
import { createLogger } from '../../src/logger.js';
import type { Harness } from './gateway-harness.js';
import { Registry } from 'prom-client';

export interface ApiCall {
  call_id: string;
  direction: string;
  caller: string | null;
  callee: string | null;
  source_ip: string;
  transport: string;
  final_code: number | null;
  cause: string | null;
  destination: string | null;
  answered_at: string | null;
  duration_ms: number | null;
}

/**
 * The configuration steps of the spec's quickstarts, made through the real REST API
 * (`buildApp` + `inject`), as a user would: the gateway must enforce what the API stored.
 */
export class ApiClient {
  private constructor(
    readonly app: FastifyInstance,
    private readonly h: Harness,
    private readonly auth: string,
  ) {}

  static async create(h: Harness): Promise<ApiClient> {
    const app = await buildApp({ store: h.store, config: h.config, logger: createLogger('silent'), metrics: new Registry(), listCacheTtlMs: 0 });
    await app.ready();
    const creds = await h.store.rotateAccountToken(h.accountSid);
    return new ApiClient(app, h, `Basic ${Buffer.from(`${creds.apiKey}:${creds.apiToken}`).toString('base64')}`);
  }

  async request(method: 'GET' | 'POST' | 'PUT' | 'DELETE', path: string, body?: unknown): Promise<{ status: number; data: any }> {
    const res = await this.app.inject({
      method,
      url: `/v2/accounts/${this.h.accountSid}${path}`,
      headers: { authorization: this.auth, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      ...(body !== undefined ? { payload: JSON.stringify(body) } : {}),
    });
    const json = res.body.length > 0 ? JSON.parse(res.body) : null;
    return { status: res.statusCode, data: json?.response?.data };
  }

  private async ok(method: 'GET' | 'POST' | 'PUT' | 'DELETE', path: string, body?: unknown): Promise<any> {
    const r = await this.request(method, path, body);
    assert.ok(r.status === 200 || r.status === 201, `${method} ${path} → ${r.status} ${JSON.stringify(r.data)}`);
    return r.data;
  }

  async createTrunk(name: string, extra: Record<string, unknown> = {}): Promise<string> {
    const d = await this.ok('POST', '/trunks', { trunk_name: name, nso_code: 'ANY-ANY', domain_name: `${this.h.accountSid}.pstn.exotel.com`, ...extra });
    return d.trunk_sid as string;
  }

  mapNumber(trunk: string, phone: string): Promise<unknown> {
    return this.ok('POST', `/trunks/${trunk}/phone-numbers`, { phone_number: phone });
  }

  async whitelist(trunk: string, ip: string, mask = 32): Promise<string> {
    const d = await this.ok('POST', `/trunks/${trunk}/whitelisted-ips`, { ip, mask });
    return String(d.id);
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
    return this.ok('DELETE', `/trunks/${trunk}/whitelisted-ips?id=${id}`);
  }

  addDestinations(trunk: string, destinations: Array<{ destination: string; priority?: number; weight?: number }>): Promise<unknown> {
    return this.ok('POST', `/trunks/${trunk}/destination-uris`, { destinations });
  }

  setSetting(trunk: string, name: string, value: string): Promise<unknown> {
    return this.ok('POST', `/trunks/${trunk}/settings`, { settings: [{ name, value }] });
  }

  deleteSetting(trunk: string, name: string): Promise<unknown> {
    return this.ok('DELETE', `/trunks/${trunk}/settings?name=${name}`);
  }

  deleteTrunk(trunk: string): Promise<unknown> {
    return this.ok('DELETE', `/trunks?trunk_sid=${trunk}`);
  }

  async password(trunk: string): Promise<string> {
    const d = await this.ok('GET', `/trunks/${trunk}/credentials`);
    return d.password as string;
  }

  /** The trunk's call log through `GET …/calls`, after the gateway's buffer is flushed. */
  async calls(trunk: string, result: 'failed' | 'completed' | 'all' = 'all'): Promise<ApiCall[]> {
    await this.h.gateway.callLog.flush();
    return (await this.ok('GET', `/trunks/${trunk}/calls?result=${result}`)) as ApiCall[];
  }

  close(): Promise<void> {
    return this.app.close();
  }
}
