import type { Page, PageMetadata, PageOptions } from './types.js';

/**
 * Every item of a paged list, page after page, as an async iterator: `for await (const t of …)`.
 * Follows `metadata.next_page_uri` (its `offset`), and stops on a short or empty page, so it
 * also ends against a server that sends no page URIs.
 */
export async function* paginate<T>(
  fetchPage: (page: PageOptions) => Promise<Page<T>>,
  start: PageOptions = {},
): AsyncGenerator<T, void, undefined> {
  let offset = start.offset ?? 0;
  const pageSize = start.pageSize;
  for (;;) {
    const page = await fetchPage({ offset, pageSize });
    for (const item of page.items) yield item;
    const next = nextOffset(page.metadata, offset, page.items.length);
    if (next === null || page.items.length === 0) return;
    offset = next;
  }
}

/** Collects every page into one array (bounded lists only: numbers, IPs, destinations). */
export async function collectAll<T>(
  fetchPage: (page: PageOptions) => Promise<Page<T>>,
  start: PageOptions = {},
): Promise<T[]> {
  const all: T[] = [];
  for await (const item of paginate(fetchPage, start)) all.push(item);
  return all;
}

function nextOffset(meta: PageMetadata, offset: number, got: number): number | null {
  const uri = meta.next_page_uri;
  if (typeof uri === 'string' && uri.length > 0) {
    const parsed = new URL(uri, 'http://x').searchParams.get('offset');
    const n = parsed === null ? NaN : Number(parsed);
    return Number.isInteger(n) && n > offset ? n : offset + got;
  }
  if (uri === null) return null;
  // No page URIs at all: a full page may have a successor.
  const size = typeof meta.page_size === 'number' ? meta.page_size : null;
  return size !== null && got >= size ? offset + got : null;
}
