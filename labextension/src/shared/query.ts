/**
 * Pure rules of every paged list query: the page size, paging and patching.
 */

/** Page size of every sidebar list. */
export const PAGE_SIZE = 50;

/**
 * The offset of the next (+1) or previous (-1) page, or null if there is none.
 */
export function pageOffset(
  query: Readonly<{ offset: number; limit: number }>,
  total: number,
  direction: 1 | -1
): number | null {
  const offset = query.offset + direction * query.limit;
  return offset < 0 || offset >= total ? null : offset;
}

/**
 * A query with a patch applied. Any change other than `offset` goes back to
 * the first page; `debounce` says whether only the text search changed (so the
 * request should wait until typing pauses).
 */
export function patchQuery<Q extends { q: string; offset: number }>(
  query: Readonly<Q>,
  patch: Partial<NoInfer<Q>>
): { query: Q; debounce: boolean } {
  const next = { ...query, ...patch } as Q;
  if (patch.offset === undefined) {
    next.offset = 0;
  }
  return {
    query: next,
    debounce: Object.keys(patch).length === 1 && patch.q !== undefined
  };
}

/**
 * One choice of a drop-down filter whose text differs from the value it sets
 * (`My runs (alice)` sets `alice`). A plain string is its own text.
 */
export interface IFilterOption {
  /** The value the query field takes. */
  value: string;
  /** The text shown. */
  label: string;
}
