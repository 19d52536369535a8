import { paginate } from '../../client/paginate.js';
import type { Trunk } from '../../client/types.js';
import { VsipApiError } from '../../client/vsip-api-error.js';
import type { VsipClient } from '../../client/vsip-client.js';
import { closestNames } from '../output/closest-names.js';
import type { CliIo } from './cli-io.js';
import { clientFor, type CommonFlags } from './run-action.js';

/** The API's trunk_name pattern. A trunk SID is longer than 16 characters, so the two never collide. */
const TRUNK_NAME = /^[A-Za-z0-9_]{1,16}$/;

/** Whether `text` can be a trunk's name at all (else it can only be a SID, or nothing). */
export const isTrunkName = (text: string): boolean => TRUNK_NAME.test(text);

/**
 * The trunk a command line names, by its SID or by its name (unique within the account): people
 * remember `outbound_trunk`, the API keys by SID. When nothing matches, the error (404 / 1003,
 * like the API's own) suggests the closest names and SIDs.
 */
export async function resolveTrunk(client: VsipClient, ref: string): Promise<Trunk> {
  let requestId: string | null = null;
  if (TRUNK_NAME.test(ref)) {
    // The search also matches SIDs: a short SID (from an import) is found this way too.
    for await (const t of paginate((p) => client.trunks.search(ref, p))) {
      if (t.trunk_name === ref || t.trunk_sid === ref) return t;
    }
  } else {
    try {
      return await client.trunks.get(ref);
    } catch (err) {
      if (!(err instanceof VsipApiError && err.isNotFound)) throw err;
      requestId = err.requestId;
    }
  }
  const names: string[] = [];
  for await (const t of client.trunks.iterate()) names.push(t.trunk_name, t.trunk_sid);
  const near = closestNames(ref, names);
  const hint =
    names.length === 0
      ? 'the account has no trunks yet (vsip trunks create <trunk_name>)'
      : near.length > 0
        ? `did you mean ${near.join(' or ')}? (vsip trunks list)`
        : 'see: vsip trunks list';
  throw new VsipApiError({
    httpStatus: 404,
    code: 1003,
    message: 'Not found',
    description: `no trunk ${ref} in account ${client.accountSid} (neither a trunk SID nor a name); ${hint}`,
    requestId,
  });
}

/** `resolveTrunk` for a command's `<trunk>` argument: its SID, with the client of the command's profile. */
export async function trunkSidFor(io: CliIo, flags: CommonFlags, ref: string): Promise<string> {
  return (await resolveTrunk(clientFor(io, flags), ref)).trunk_sid;
}
