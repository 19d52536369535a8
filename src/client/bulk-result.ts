import type { ApiErrorData, BulkResult } from './types.js';

/**
 * Splits a bulk POST's `data` into created items and per-item errors. The API answers each item
 * of `destinations` / `settings` on its own (207 when some failed); an item is either the
 * created object, or `{status, code, data, error_data}` around it.
 */
export function bulkResult<T>(raw: unknown): BulkResult<T> {
  const items: T[] = [];
  const errors: ApiErrorData[] = [];
  const list = Array.isArray(raw) ? raw : raw === null || raw === undefined ? [] : [raw];
  for (const entry of list) {
    if (entry === null || typeof entry !== 'object') continue;
    const e = entry as { status?: string; error_data?: ApiErrorData | null; data?: unknown };
    if (e.error_data || e.status === 'failure') {
      errors.push(e.error_data ?? { code: 0, message: 'failed', description: 'item failed' });
    } else if ('data' in e && e.data !== null && typeof e.data === 'object' && ('status' in e || 'error_data' in e)) {
      items.push(e.data as T);
    } else {
      items.push(entry as T);
    }
  }
  return { items, errors, raw };
}
