/** Where a trunk's origination calls go (unique destination per trunk). */
import { toDestinationUri } from './row-mappers.js';
import type { StoreContext } from './store-context.js';
import { TrunkItemRepo } from './trunk-item-repo.js';
import type { DestinationUri } from './types.js';

/** What the caller supplies; the names are the columns', so they are stored as given. */
export type DestinationFields = Omit<DestinationUri, 'id' | 'trunkSid' | 'dateCreated' | 'dateUpdated'>;

export class DestinationUrisRepo extends TrunkItemRepo<'destination_uris', DestinationUri> {
  constructor(ctx: StoreContext) {
    super(ctx, {
      table: 'destination_uris',
      toRecord: toDestinationUri,
      what: 'destination uri',
      uniqueField: 'destination',
    });
  }

  add(accountSid: string, trunkSid: string, d: DestinationFields): Promise<DestinationUri> {
    const { destination, host, port, transport, priority, weight } = d;
    return this.insert(accountSid, trunkSid, { destination, host, port, transport, priority, weight });
  }

  update(accountSid: string, trunkSid: string, id: string, u: Partial<DestinationFields>): Promise<DestinationUri> {
    const { destination, host, port, transport, priority, weight } = u;
    return this.patch(accountSid, trunkSid, id, { destination, host, port, transport, priority, weight });
  }
}
