// Paging through a search, one request per page, yielding items as they come.
import { KeepnetServerError } from './errors';
import type { Page, SearchOptions } from './types';

/** A backstop when a server never reports its page count: 10 000 pages of 100 is 1 M rows. */
export const MAX_PAGES = 10_000;

/**
 * Yields a search's items page by page (one request per page, `search.pageNumber` or 1 onwards), stopping
 * at `totalNumberOfPages` when reported or on an empty page. A server that ignores `pageNumber` (answers
 * another page number, or the very same page again) throws `KeepnetServerError` instead of looping on
 * duplicates; ids already yielded are skipped, since rows inserted while paging push others down a page.
 * `where` names the search in errors.
 */
export async function* paginate<T>(
  fetchPage: (search: SearchOptions) => Promise<Page<T>>,
  search: SearchOptions | undefined,
  idOf: (item: T) => string,
  where: string,
  /** Sees each page as it arrives (e.g. to read `totalNumberOfRecords`). */
  onPage?: (page: Page<T>) => void,
): AsyncGenerator<T> {
  const seen = new Set<string>();
  let previousFingerprint: string | undefined;
  const first = search?.pageNumber ?? 1;
  for (let pageNumber = first; pageNumber < first + MAX_PAGES; pageNumber++) {
    const page = await fetchPage({ ...search, pageNumber });
    onPage?.(page);
    if (page.results.length === 0) return;
    if (page.pageNumber !== pageNumber) {
      throw new KeepnetServerError(
        `${where}: asked for page ${pageNumber}, Keepnet answered page ${page.pageNumber}`,
      );
    }
    const fingerprint = page.results.map(idOf).join(',');
    if (fingerprint === previousFingerprint) {
      throw new KeepnetServerError(
        `${where}: page ${pageNumber} repeats page ${pageNumber - 1}; the server seems to ignore pageNumber`,
      );
    }
    previousFingerprint = fingerprint;
    for (const item of page.results) {
      const id = idOf(item);
      if (seen.has(id)) continue;
      seen.add(id);
      yield item;
    }
    // A server that does not report its page count (0) is paged until it answers an empty page. A short
    // page is not taken as the last: a server may cap the page size below what was asked.
    if (page.totalNumberOfPages > 0 && pageNumber >= page.totalNumberOfPages) return;
  }
  throw new KeepnetServerError(`${where}: stopped after ${MAX_PAGES} pages`);
}
