import type { OperatorClient } from '../../client/operator-client.js';
import type { CarrierInfo } from '../../client/operator-types.js';
import { UsageError } from './run-action.js';

/**
 * A carrier named on the command line by its SID or its name (names are unique among carriers):
 * operators remember names, the API keys by SID.
 */
export async function findCarrier(client: OperatorClient, nameOrSid: string): Promise<CarrierInfo> {
  for await (const c of client.carriers.iterate()) {
    if (c.carrier_sid === nameOrSid || c.name === nameOrSid) return c;
  }
  throw new UsageError(`no carrier named or with SID "${nameOrSid}" (vsip operator carriers list)`);
}
