import type { HttpCore } from './http-core.js';
import type { Page, PageOptions } from './types.js';

/** GET a list endpoint as one `Page`: `data` is the array, `metadata` the paging links. */
export async function listPage<T>(
  http: HttpCore,
  path: string,
  page: PageOptions,
  query: Record<string, string | number | undefined> = {},
): Promise<Page<T>> {
  const answer = await http.request<T[] | null>('GET', http.accountPath(path), {
    query: { ...query, offset: page.offset, page_size: page.pageSize },
  });
  const items = Array.isArray(answer.data) ? answer.data : answer.data ? [answer.data as unknown as T] : [];
  return { items, metadata: answer.metadata ?? {} };
}
