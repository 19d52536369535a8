import type { Page, PageOptions } from '../../client/types.js';
import { collectAll } from '../../client/paginate.js';
import { pageFrom } from './common-options.js';

/** One page when the user asked for one (`--offset`/`--page-size`), else every page. */
export async function listItems<T>(
  flags: { offset?: string; pageSize?: string },
  fetchPage: (p: PageOptions) => Promise<Page<T>>,
): Promise<T[]> {
  const page = pageFrom(flags);
  if (page) return (await fetchPage(page)).items;
  return collectAll(fetchPage);
}
