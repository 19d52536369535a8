import { VsipApiError } from '../../client/vsip-api-error.js';
import { VsipClient } from '../../client/vsip-client.js';
import { ProfileError, resolveProfile } from '../profile.js';
import type { CliIo } from './cli-io.js';

/** Options every API command accepts. */
export interface CommonFlags {
  profile?: string;
  json?: boolean;
}

/** A usage problem found by a command (missing flag, no TTY to prompt on): exit 1, message on stderr. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

export function clientFor(io: CliIo, flags: CommonFlags): VsipClient {
  const p = resolveProfile(io.env, flags.profile);
  return new VsipClient({
    baseUrl: p.api_url,
    accountSid: p.account_sid,
    apiKey: p.api_key,
    apiToken: p.api_token,
    userAgent: 'vsip-cli',
  });
}

/**
 * Runs one command body and turns failures into an exit code and one line on stderr: the
 * API's error description (with its vSIP code and request id, for support), never a stack.
 */
// biome-ignore lint/suspicious/noConfusingVoidType: an action returns an exit code, or nothing for success
export async function runAction(io: CliIo, body: () => Promise<number | void>): Promise<void> {
  try {
    const code = await body();
    if (typeof code === 'number' && code !== 0) io.setExitCode(code);
  } catch (err) {
    io.setExitCode(1);
    if (io.json) io.stderr.write(`${JSON.stringify({ error: errorJson(err) })}\n`);
    else io.stderr.write(`vsip: ${describeError(err)}\n`);
  }
}

/** `--json` errors: one object a script can parse, with what `describeError` says in words. */
export function errorJson(err: unknown): Record<string, unknown> {
  if (err instanceof VsipApiError) {
    return {
      message: err.description,
      code: err.code,
      http_status: err.httpStatus || null,
      request_id: err.requestId || null,
    };
  }
  return { message: describeError(err), code: null, http_status: null, request_id: null };
}

export function describeError(err: unknown): string {
  if (err instanceof VsipApiError) {
    const tags = [
      err.code !== null ? `code ${err.code}` : null,
      err.httpStatus ? `HTTP ${err.httpStatus}` : null,
      err.requestId ? `request_id ${err.requestId}` : null,
    ].filter(Boolean);
    return tags.length > 0 ? `${err.description} (${tags.join(', ')})` : err.description;
  }
  if (err instanceof ProfileError || err instanceof UsageError) return err.message;
  return err instanceof Error ? err.message : String(err);
}
