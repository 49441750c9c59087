/**
 * Keyset paging of the runs list: the next and previous pages are asked for with
 * the `next_cursor`/`prev_cursor` of the page on screen (`GET runs?cursor=`), which
 * the server answers with an index seek from that page's last (or first) run. A
 * page deep in 100,000 runs then costs what the first one does, and the runs
 * recorded meanwhile do not shift it while it is refreshed on every change. Jumps
 * (first, last, a typed page number) still go by `offset`.
 */
import * as MM from './types';

/** The query without its page: what must not change for a cursor to stay valid. */
function queryKey(query: Readonly<MM.IRunQuery>): string {
  return JSON.stringify({ ...query });
}

/**
 * The cursor that leads to the page a list asks for next, if it is the page
 * before or after the one on screen.
 */
export class KeysetSeek {
  /**
   * Note the move from the page on screen to the page at `offset` of the same
   * query: a cursor when that is the next or previous page, else nothing.
   *
   * @param page - The page on screen (null before the first answer).
   * @param query - The query of that page.
   * @param offset - The offset the list goes to.
   */
  plan(
    page: Readonly<MM.IRunList> | null,
    query: Readonly<MM.IRunQuery>,
    offset: number
  ): void {
    this._key = null;
    this._cursor = null;
    if (page === null || page.offset !== query.offset) {
      return;
    }
    let cursor: string | null = null;
    if (offset > page.offset && offset === page.offset + query.limit) {
      cursor = page.next_cursor;
    } else if (
      offset < page.offset &&
      offset === Math.max(0, page.offset - query.limit)
    ) {
      cursor = page.prev_cursor;
    }
    if (cursor) {
      this._key = queryKey({ ...query, offset });
      this._cursor = cursor;
    }
  }

  /**
   * The cursor of `query`'s page, if the last {@link plan} led there: it is
   * kept while the query stays the same (refreshes on a change seek again from
   * the same run), and dropped by any other query.
   */
  cursorFor(query: Readonly<MM.IRunQuery>): string | null {
    return this._key !== null && this._key === queryKey(query)
      ? this._cursor
      : null;
  }

  private _key: string | null = null;
  private _cursor: string | null = null;
}
