/** Phone numbers mapped to a trunk. A number is unique across all trunks (the gateway routes by it). */
import { toPhoneNumber } from './row-mappers.js';
import type { StoreContext } from './store-context.js';
import { TrunkItemRepo } from './trunk-item-repo.js';
import type { NumberMode, PhoneNumber } from './types.js';

export class PhoneNumbersRepo extends TrunkItemRepo<'phone_numbers', PhoneNumber> {
  constructor(ctx: StoreContext) {
    super(ctx, { table: 'phone_numbers', toRecord: toPhoneNumber, what: 'phone number', uniqueField: 'phone_number' });
  }

  add(accountSid: string, trunkSid: string, phoneNumber: string, mode: NumberMode): Promise<PhoneNumber> {
    return this.insert(accountSid, trunkSid, { phone_number: phoneNumber, mode });
  }

  update(
    accountSid: string,
    trunkSid: string,
    id: string,
    u: { phoneNumber?: string; mode?: NumberMode },
  ): Promise<PhoneNumber> {
    return this.patch(accountSid, trunkSid, id, { phone_number: u.phoneNumber, mode: u.mode });
  }
}
