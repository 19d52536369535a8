import type { PageRequest } from '../store/types.js';
import type { ListMetadata } from './envelope.js';
import { invalidField } from './errors.js';

/**
 * Paged lists (`offset`, `page_size`), as Exotel's reference pages them. `page_size` defaults to
 * 50 and may not exceed 100: a larger value is a 400 naming the limit rather than a silent clamp,
 * so a client never believes it received everything when it did not.
 */
export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 100;

export const pageQuerySchema = {
  offset: {
    type: 'string',
    pattern: '^[0-9]{1,9}$',
    description: 'a whole number >= 0: how many items to skip (default 0)',
  },
  page_size: {
    type: 'string',
    // 1-9 digits whose value is 1 to MAX_PAGE_SIZE (leading zeros allowed, as Number() reads them).
    pattern: `^(?=[0-9]{1,9}$)0*(?:[1-9][0-9]?|${MAX_PAGE_SIZE})$`,
    description: `a whole number from 1 to ${MAX_PAGE_SIZE} (default ${DEFAULT_PAGE_SIZE})`,
  },
} as const;

export function parsePage(query: { offset?: string; page_size?: string }): PageRequest {
  const offset = query.offset === undefined ? 0 : Number(query.offset);
  const limit = query.page_size === undefined ? DEFAULT_PAGE_SIZE : Number(query.page_size);
  if (limit < 1 || limit > MAX_PAGE_SIZE) {
    throw invalidField('page_size', `${limit} is out of range; expected ${pageQuerySchema.page_size.description}`);
  }
  return { offset, limit };
}

/** Page URIs keep every other query parameter of the request (filters such as `result`). */
export function listMetadata(url: string, page: PageRequest, total: number, count: number): ListMetadata {
  const [path = '', search = ''] = url.split('?', 2);
  const pageUri = (offset: number) => {
    const rest = new URLSearchParams(search);
    rest.delete('offset');
    rest.delete('page_size');
    const tail = rest.toString();
    return `${path}?offset=${offset}&page_size=${page.limit}${tail === '' ? '' : `&${tail}`}`;
  };
  const prev =
    page.offset === 0
      ? null
      : pageUri(Math.max(0, Math.min(page.offset - page.limit, Math.max(0, total - page.limit))));
  const next = page.offset + page.limit < total ? pageUri(page.offset + page.limit) : null;
  return {
    total,
    offset: page.offset,
    page_size: page.limit,
    count,
    first_page_uri: pageUri(0),
    prev_page_uri: prev,
    next_page_uri: next,
  };
}
