import type { Page, PageRequest, Store, Trunk } from '../store/types.js';

/** Trunks read from the store per round while searching. */
const CHUNK = 500;

/**
 * One page of the account's trunks whose name or SID contains `text` (case-insensitive). The
 * store pages by creation order only, so the search walks the account's trunks in chunks and
 * pages the matches here: an account has tens to thousands of trunks, not millions.
 */
export async function searchTrunks(
  store: Store,
  accountSid: string,
  text: string,
  page: PageRequest,
): Promise<Page<Trunk>> {
  const needle = text.toLowerCase();
  const matches: Trunk[] = [];
  for (let offset = 0; ; offset += CHUNK) {
    const chunk = await store.listTrunks(accountSid, { offset, limit: CHUNK });
    for (const t of chunk.items) {
      if (t.name.toLowerCase().includes(needle) || t.sid.toLowerCase().includes(needle)) matches.push(t);
    }
    if (chunk.items.length < CHUNK || offset + CHUNK >= chunk.total) break;
  }
  return { items: matches.slice(page.offset, page.offset + page.limit), total: matches.length };
}
