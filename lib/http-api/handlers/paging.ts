// Every page of a Keepnet search, gathered into one response, up to a bound a Lambda can return.
import type { Page } from '../../keepnet/types';
import { MAX_ALL_RESULTS, MAX_PAGE_SIZE } from '../schemas';

export type AllPages<T> = Page<T> & { truncated: boolean };

export async function collectPages<T>(
  fetchPage: (pageNumber: number, pageSize: number) => Promise<Page<T>>,
  pageSize: number = MAX_PAGE_SIZE,
): Promise<AllPages<T>> {
  const results: T[] = [];
  let totalNumberOfRecords = 0;
  for (let pageNumber = 1; ; pageNumber++) {
    const page = await fetchPage(pageNumber, pageSize);
    totalNumberOfRecords = page.totalNumberOfRecords;
    results.push(...page.results);
    const lastPage = page.results.length === 0 || pageNumber >= page.totalNumberOfPages;
    if (lastPage || results.length >= MAX_ALL_RESULTS) break;
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
