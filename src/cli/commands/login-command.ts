import type { Command } from 'commander';
import { VsipClient } from '../../client/vsip-client.js';
import { maskSecret, profileName, saveProfile, type Profile } from '../profile.js';
import { ask, canPrompt, print, printJson, type CliIo } from './cli-io.js';
import { runAction, UsageError } from './run-action.js';

interface LoginFlags {
  apiUrl?: string;
  accountSid?: string;
  apiKey?: string;
  apiToken?: string;
  apiTokenStdin?: boolean;
  profile?: string;
  default?: boolean;
  verify: boolean;
  json?: boolean;
}

const FIELDS: ReadonlyArray<{
  key: keyof Profile;
  flag: keyof LoginFlags;
  env: string;
  question: string;
  hidden?: boolean;
}> = [
  { key: 'api_url', flag: 'apiUrl', env: 'VSIP_API_URL', question: 'API URL (e.g. http://127.0.0.1:8080)' },
  { key: 'account_sid', flag: 'accountSid', env: 'VSIP_ACCOUNT_SID', question: 'Account SID' },
  { key: 'api_key', flag: 'apiKey', env: 'VSIP_API_KEY', question: 'API key' },
  { key: 'api_token', flag: 'apiToken', env: 'VSIP_API_TOKEN', question: 'API token', hidden: true },
];

export function registerLoginCommand(program: Command, io: CliIo): void {
  program
    .command('login')
    .description('save the API URL, account SID, API key and token as a profile (0600 file in your config dir)')
    .option('--api-url <url>', 'base URL of the vSIP API')
    .option('--account-sid <sid>', 'your account SID')
    .option('--api-key <key>', 'your API key')
    .option('--api-token <token>', 'your API token (prompted without echo when omitted on a terminal)')
    .option('--api-token-stdin', 'read the API token from standard input (keeps it out of shell history and ps)')
    .option('--profile <name>', 'profile name to save under', undefined)
    .option('--default', 'make this profile the default one')
    .option('--no-verify', 'save without checking the credentials against the API')
    .option('--json', 'print the saved profile (token masked) as JSON')
    .addHelpText(
      'after',
      `
Examples:
  $ vsip login                                   # prompts for each value
  $ vsip login --api-url http://127.0.0.1:8080 --account-sid AC… --api-key K… --api-token T…
  $ printenv VSIP_TOKEN | vsip login --api-url http://127.0.0.1:8080 --account-sid AC… --api-key K… \\
      --api-token-stdin
  $ vsip login --profile staging --default
Environment variables VSIP_API_URL, VSIP_ACCOUNT_SID, VSIP_API_KEY, VSIP_API_TOKEN override the profile.`,
    )
    .action((flags: LoginFlags) =>
      runAction(io, async () => {
        const values: Partial<Profile> = {};
        if (flags.apiTokenStdin) {
          if (flags.apiToken !== undefined)
            throw new UsageError('give the token with --api-token or --api-token-stdin, not both');
          const token = (await readAll(io.stdin)).trim();
          if (!token) throw new UsageError('--api-token-stdin: standard input was empty');
          if (/\s/.test(token))
            throw new UsageError('--api-token-stdin: standard input holds more than one word; pipe the token alone');
          values.api_token = token;
        }
        for (const f of FIELDS) {
          if (values[f.key]) continue;
          const given = (flags[f.flag] as string | undefined) ?? io.env[f.env];
          if (given) values[f.key] = given;
        }
        const missing = FIELDS.filter((f) => !values[f.key]);
        if (missing.length > 0 && !canPrompt(io)) {
          const names = missing.map((f) => `--${f.flag.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`);
          const hint = missing.some((f) => f.key === 'api_token') ? '; pipe the token with --api-token-stdin' : '';
          throw new UsageError(`missing ${names.join(', ')} (stdin is not a terminal, so vsip cannot ask${hint})`);
        }
        for (const f of missing) {
          values[f.key] = await ask(io, f.question, { hidden: f.hidden });
          if (!values[f.key]) throw new UsageError(`${f.question} is required`);
        }
        const profile = values as Profile;
        profile.api_url = profile.api_url.replace(/\/+$/, '');
        if (flags.verify) {
          const client = new VsipClient({
            baseUrl: profile.api_url,
            accountSid: profile.account_sid,
            apiKey: profile.api_key,
            apiToken: profile.api_token,
            userAgent: 'vsip-cli',
          });
          await client.trunks.list({ pageSize: 1 });
        }
        const name = profileName(io.env, flags.profile);
        const path = saveProfile(io.env, name, profile, flags.default === true);
        const shown = {
          profile: name,
          path,
          api_url: profile.api_url,
          account_sid: profile.account_sid,
          api_key: profile.api_key,
          api_token: maskSecret(profile.api_token),
        };
        if (flags.json) printJson(io, shown);
        else
          print(
            io,
            `Logged in to ${profile.api_url} as account ${profile.account_sid} (API key ${profile.api_key}, token ` +
              `${shown.api_token}).\nProfile "${name}" saved to ${path} (mode 0600).`,
          );
      }),
    );
}

/** Standard input to its end (at most 64 KiB: a token is short, a runaway pipe is not). */
async function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  let text = '';
  for await (const chunk of stream) {
    text += typeof chunk === 'string' ? chunk : (chunk as Buffer).toString('utf8');
    if (text.length > 65_536) throw new UsageError('--api-token-stdin: standard input is too long for a token');
  }
  return text;
}
