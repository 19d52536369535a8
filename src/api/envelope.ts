import type { ApiError } from './errors.js';

/**
 * The response envelope of every API answer (DESIGN.md, "API conventions"):
 * `{request_id, method, http_code, response: {code, status, error_data, data}}`.
 * `http_code` and `response.code` always equal the real HTTP status.
 */
export interface ErrorData {
  code: number;
  message: string;
  description: string;
}

export interface ItemResult {
  code: number;
  status: 'success' | 'failure';
  error_data: ErrorData | null;
  data: unknown;
}

export interface Envelope {
  request_id: string;
  method: string;
  http_code: number;
  response: ItemResult & { metadata?: ListMetadata };
}

export interface ListMetadata {
  total: number;
  offset: number;
  page_size: number;
  count: number;
  first_page_uri: string;
  prev_page_uri: string | null;
  next_page_uri: string | null;
}

export function errorData(error: ApiError): ErrorData {
  return { code: error.code, message: error.title, description: error.description };
}

export function envelope(requestId: string, method: string, result: ItemResult, metadata?: ListMetadata): Envelope {
  const response: Envelope['response'] = metadata === undefined ? result : { ...result, metadata };
  return { request_id: requestId, method, http_code: result.code, response };
}

export function success(data: unknown): ItemResult {
  return { code: 200, status: 'success', error_data: null, data };
}

export function failure(error: ApiError): ItemResult {
  return { code: error.http, status: 'failure', error_data: errorData(error), data: null };
}
