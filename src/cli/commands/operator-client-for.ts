import { OperatorClient } from '../../client/operator-client.js';
import { ProfileError, resolveProfile } from '../profile.js';
import type { Command } from 'commander';
import { canPrompt, confirm, type CliIo } from './cli-io.js';
import { UsageError } from './run-action.js';

export interface OperatorFlags {
  apiUrl?: string;
  profile?: string;
  json?: boolean;
}

/**
 * The operator API client: the token from `VSIP_OPERATOR_TOKEN` only (a command-line flag would
 * show it in `ps` and shell history); the API URL from `--api-url`, `VSIP_API_URL` or the saved
 * profile's.
 */
export function operatorClientFor(io: CliIo, flags: OperatorFlags): OperatorClient {
  const token = io.env.VSIP_OPERATOR_TOKEN;
  if (token === undefined || token === '') {
    throw new UsageError(
      'set VSIP_OPERATOR_TOKEN to an operator token (vsip operator-token create prints one on the server)',
    );
  }
  let baseUrl = flags.apiUrl ?? io.env.VSIP_API_URL;
  if (baseUrl === undefined) {
    try {
      baseUrl = resolveProfile(io.env, flags.profile).api_url;
    } catch (err) {
      if (!(err instanceof ProfileError)) throw err;
      throw new UsageError('no API URL: pass --api-url <url> or set VSIP_API_URL');
    }
  }
  return new OperatorClient({ baseUrl, operatorToken: token, userAgent: 'vsip-cli' });
}

/** `--api-url`, `--profile` and `--json`, on every operator command. */
export function withOperatorOptions(cmd: Command): Command {
  return cmd
    .option('--api-url <url>', 'the API base URL (default: VSIP_API_URL, else the saved profile)')
    .option('--profile <name>', 'saved profile whose API URL to use')
    .option('--json', "print the API's data as JSON instead of a table");
}

/** Destructive commands: `--yes`, or a yes on the terminal; never silently on a pipe. */
export async function confirmOrRefuse(io: CliIo, yes: boolean | undefined, question: string): Promise<void> {
  if (yes) return;
  if (!canPrompt(io)) throw new UsageError(`refusing without confirmation: stdin is not a terminal; pass --yes`);
  if (!(await confirm(io, question))) throw new UsageError('cancelled');
}
