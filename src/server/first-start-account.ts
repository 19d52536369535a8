import type { Config } from '../config/config.js';
import type { Store } from '../store/types.js';

/**
 * First start on an empty store: creates one account and returns the banner lines that show its
 * credentials, once (the token is never shown again); null when the store has accounts.
 */
export async function firstStartAccount(store: Store, config: Config, url: string | null): Promise<string | null> {
  if ((await store.countAccounts()) > 0) return null;
  const creds = await store.createAccount('default');
  const base = url ?? `http://${config.apiHost}:${config.apiPort}`;
  return [
    '',
    '  First start: created an account. Save these now; the token is not shown again',
    '  (rotate it with `vsip accounts rotate-token`).',
    '',
    `    Account SID  ${creds.accountSid}`,
    `    API key      ${creds.apiKey}`,
    `    API token    ${creds.apiToken}`,
    '',
    '  Create your first trunk:',
    '',
    `    curl -X POST "${base}/v2/accounts/${creds.accountSid}/trunks" \\`,
    `      -u "${creds.apiKey}:${creds.apiToken}" \\`,
    `      -H "Content-Type: application/json" \\`,
    `      -d '{"trunk_name": "my_trunk", "nso_code": "ANY-ANY", ` +
      `"domain_name": "${creds.accountSid}.${config.sipDomain}"}'`,
    '',
  ].join('\n');
}
