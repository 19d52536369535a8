/** Source IP ranges allowed to send calls on a trunk (ip + mask, unique per trunk). */
import { toWhitelistedIp } from './row-mappers.js';
import type { StoreContext } from './store-context.js';
import { TrunkItemRepo } from './trunk-item-repo.js';
import type { WhitelistedIp } from './types.js';

export class WhitelistedIpsRepo extends TrunkItemRepo<'whitelisted_ips', WhitelistedIp> {
  constructor(ctx: StoreContext) {
    super(ctx, { table: 'whitelisted_ips', toRecord: toWhitelistedIp, what: 'whitelisted ip', uniqueField: 'ip' });
  }

  add(accountSid: string, trunkSid: string, ip: string, mask: number): Promise<WhitelistedIp> {
    return this.insert(accountSid, trunkSid, { ip, mask });
  }

  update(accountSid: string, trunkSid: string, id: string, u: { ip?: string; mask?: number }): Promise<WhitelistedIp> {
    return this.patch(accountSid, trunkSid, id, { ip: u.ip, mask: u.mask });
  }
}
