import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Store } from '../store/types.js';
import {
  envelope,
  errorData,
  failure,
  success,
  type Envelope,
  type ErrorData,
  type ItemResult,
  type ListMetadata,
} from './envelope.js';
import { API_ERRORS, ApiError } from './errors.js';
import { toApiError } from './error-handler.js';

/** A 200 success envelope (creates included, as the spec's examples show). */
export function ok(request: FastifyRequest, data: unknown, metadata?: ListMetadata): Envelope {
  return envelope(request.id, request.method, success(data), metadata);
}

/**
 * Runs the items of a bulk POST one by one and answers per item: `response.data` is the list of
 * item results, each with its own code, status, error_data and data. 200 when all succeed, 207
 * (with error 1030) when some fail, and when all fail the items' common status (else 400).
 */
export async function bulk<T>(
  request: FastifyRequest,
  reply: FastifyReply,
  items: T[],
  run: (item: T, index: number) => Promise<unknown>,
): Promise<Envelope> {
  const results: ItemResult[] = [];
  for (const [index, item] of items.entries()) {
    try {
      results.push(success(await run(item, index)));
    } catch (error) {
      const apiError = toApiError(error);
      if (apiError === null) throw error;
      results.push(failure(apiError));
    }
  }
  const failed = results.filter((r) => r.status === 'failure');
  if (failed.length === 0) return ok(request, results);
  let code: number;
  let summary: ErrorData;
  if (failed.length < results.length) {
    const partial = new ApiError(
      'PARTIAL_SUCCESS',
      `${results.length - failed.length} of ${results.length} items succeeded; see each item in data`,
    );
    code = partial.http;
    summary = errorData(partial);
  } else {
    // All failed: the items' common status and error, or a plain 400 when they differ.
    const first = failed[0]?.error_data ?? errorData(new ApiError('INVALID_REQUEST', 'no item'));
    const same = new Set(failed.map((r) => r.code)).size === 1;
    code = same ? (failed[0]?.code ?? 400) : API_ERRORS.INVALID_REQUEST.http;
    const { code: errorCode, message } = same
      ? first
      : { code: API_ERRORS.INVALID_REQUEST.code, message: API_ERRORS.INVALID_REQUEST.message };
    summary = {
      code: errorCode,
      message,
      description: `all ${results.length} items failed; first: ${first.description}`,
    };
  }
  reply.code(code);
  return envelope(request.id, request.method, { code, status: 'failure', error_data: summary, data: results });
}

/** Throws 404/1003 unless the trunk exists in this account. */
export async function requireTrunk(store: Store, accountSid: string, trunkSid: string): Promise<void> {
  if ((await store.getTrunk(accountSid, trunkSid)) === null) {
    throw new ApiError('NOT_FOUND', `trunk_sid ${JSON.stringify(trunkSid)} is not a trunk of this account`);
  }
}
