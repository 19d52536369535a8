import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Store } from '../store/types.js';
import { envelope, failure, success, type Envelope, type ItemResult, type ListMetadata } from './envelope.js';
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
export async function bulk<T>(request: FastifyRequest, reply: FastifyReply, items: T[], run: (item: T, index: number) => Promise<unknown>): Promise<Envelope> {
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
  let summary: ApiError;
  let code: number;
  if (failed.length < results.length) {
    summary = new ApiError('PARTIAL_SUCCESS', `${results.length - failed.length} of ${results.length} items succeeded; see each item in data`);
    code = API_ERRORS.PARTIAL_SUCCESS.http;
  } else {
    const codes = new Set(failed.map((r) => r.code));
    code = codes.size === 1 ? (failed[0]?.code ?? 400) : 400;
    const first = failed[0]?.error_data;
    const entry = Object.values(API_ERRORS).find((e) => e.code === first?.code) ?? API_ERRORS.INVALID_REQUEST;
    const name = (Object.keys(API_ERRORS) as Array<keyof typeof API_ERRORS>).find((k) => API_ERRORS[k] === entry) ?? 'INVALID_REQUEST';
    summary = new ApiError(codes.size === 1 ? name : 'INVALID_REQUEST', `all ${results.length} items failed; first: ${first?.description ?? 'unknown'}`);
  }
  reply.code(code);
  const env = envelope(request.id, request.method, { code, status: 'failure', error_data: { code: summary.code, message: summary.title, description: summary.description }, data: results });
  return env;
}

/** Throws 404/1003 unless the trunk exists in this account. */
export async function requireTrunk(store: Store, accountSid: string, trunkSid: string): Promise<void> {
  if ((await store.getTrunk(accountSid, trunkSid)) === null) {
    throw new ApiError('NOT_FOUND', `trunk_sid ${JSON.stringify(trunkSid)} is not a trunk of this account`);
  }
}
