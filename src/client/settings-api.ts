import { bulkResult } from './bulk-result.js';
import type { HttpCore } from './http-core.js';
import type { BulkResult, TrunkSetting } from './types.js';
import { VsipApiError } from './vsip-api-error.js';

/** The setting that replaces the caller ID sent to the PSTN. @see spec "Set Trunk Alias" */
export const TRUNK_ALIAS_SETTING = 'trunk_external_alias';

/** Trunk settings, with helpers for the one the spec names: the external alias. */
export class SettingsApi {
  readonly #http: HttpCore;

  constructor(http: HttpCore) {
    this.#http = http;
  }

  #path(trunkSid: string): string {
    return this.#http.accountPath(`/trunks/${encodeURIComponent(trunkSid)}/settings`);
  }

  async set(trunkSid: string, settings: Array<{ name: string; value: string }>): Promise<BulkResult<TrunkSetting>> {
    const answer = await this.#http.request<unknown>('POST', this.#path(trunkSid), {
      body: { settings },
      allowPartial: true,
    });
    return bulkResult<TrunkSetting>(answer.data);
  }

  async list(trunkSid: string): Promise<TrunkSetting[]> {
    const data = (await this.#http.request<TrunkSetting[] | Record<string, string> | null>('GET', this.#path(trunkSid)))
      .data;
    if (Array.isArray(data)) return data;
    // A server that answers `{name: value}` is read the same way.
    return Object.entries(data ?? {}).map(([name, value]) => ({ name, value: String(value) }));
  }

  async delete(trunkSid: string, name: string): Promise<unknown> {
    return (await this.#http.request<unknown>('DELETE', this.#path(trunkSid), { query: { name } })).data;
  }

  async setAlias(trunkSid: string, alias: string): Promise<TrunkSetting> {
    const result = await this.set(trunkSid, [{ name: TRUNK_ALIAS_SETTING, value: alias }]);
    const first = result.errors[0];
    if (first)
      throw new VsipApiError({
        httpStatus: 400,
        code: first.code,
        message: first.message,
        description: first.description,
      });
    return result.items[0] ?? { name: TRUNK_ALIAS_SETTING, value: alias };
  }

  /** The alias, or null when none is set. */
  async getAlias(trunkSid: string): Promise<string | null> {
    const found = (await this.list(trunkSid)).find((s) => s.name === TRUNK_ALIAS_SETTING);
    return found ? found.value : null;
  }

  clearAlias(trunkSid: string): Promise<unknown> {
    return this.delete(trunkSid, TRUNK_ALIAS_SETTING);
  }
}
