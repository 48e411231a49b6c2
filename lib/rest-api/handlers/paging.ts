// Every page of a Keepnet search, gathered into one response, up to a bound a Lambda can return.
// The paging itself is the client's (lib/keepnet/paginate): the same stop rules and the same guards
// against a server that ignores pageNumber or shifts rows between pages.
import { paginate } from '../../keepnet/paginate';
import type { Page, SearchOptions } from '../../keepnet/types';
import { MAX_ALL_RESULTS, MAX_PAGE_SIZE } from '../schemas';

/** Every page's results in one page; `truncated` when the bound stopped the gathering. */
export type AllPages<T> = Page<T> & { truncated: boolean };

/**
 * Gathers pages of `MAX_PAGE_SIZE` until the last or `MAX_ALL_RESULTS`, dropping results seen twice (by
 * `idOf`); `where` names the call in errors about a misbehaving server.
 */
export async function collectPages<T>(
  fetchPage: (search: SearchOptions) => Promise<Page<T>>,
  search: SearchOptions,
  idOf: (item: T) => string,
  where: string,
): Promise<AllPages<T>> {
  const results: T[] = [];
  let totalNumberOfRecords = 0;
  const pages = paginate(
    fetchPage,
    { ...search, pageNumber: 1, pageSize: search.pageSize ?? MAX_PAGE_SIZE },
    idOf,
    where,
    (page) => {
      totalNumberOfRecords = page.totalNumberOfRecords;
    },
  );
  for await (const item of pages) {
    results.push(item);
    // One past the bound tells "cut" from "exactly the bound".
    if (results.length > MAX_ALL_RESULTS) break;
  }
  const truncated = results.length > MAX_ALL_RESULTS || results.length < totalNumberOfRecords;
  const kept = results.slice(0, MAX_ALL_RESULTS);
  return {
    pageNumber: 1,
    pageSize: kept.length,
    totalNumberOfPages: 1,
    totalNumberOfRecords,
    results: kept,
    truncated,
  };
}
