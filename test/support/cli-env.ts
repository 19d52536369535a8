import type { AddressInfo } from 'node:net';
import type { ApiFixture } from '../api/api-fixture.js';

/**
 * The environment a `vsip` command needs to use a listening in-process API (`apiFixture` after
 * `app.listen`): its URL and the account's credentials, and no profile of the user's.
 */
export function cliEnv(f: ApiFixture, token = f.account.apiToken): Record<string, string> {
  const { port } = f.app.server.address() as AddressInfo;
  return {
    HOME: '/nonexistent-home',
    VSIP_API_URL: `http://127.0.0.1:${port}`,
    VSIP_ACCOUNT_SID: f.account.accountSid,
    VSIP_API_KEY: f.account.apiKey,
    VSIP_API_TOKEN: token,
  };
}
