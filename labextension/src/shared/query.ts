/**
 * Pure rules of the runs, artifacts and models queries: defaults, sort toggling, paging.
 */
import * as MM from '../mm';

/** Page size of the runs table. */
export const PAGE_SIZE = 50;

/** Sort keys whose natural first order is ascending (text); others start descending. */
const ASCENDING_FIRST = new Set(['name', 'experiment', 'status', 'id']);

/**
 * The query of a fresh sidebar: newest runs first, first page.
 */
export function defaultQuery(): MM.IRunQuery {
  return {
    q: '',
    experiment: '',
    status: '',
    sort: 'started_at',
    order: 'desc',
    limit: PAGE_SIZE,
    offset: 0
  };
}

/**
 * The query of a fresh artifacts list: all kinds, first page.
 */
export function defaultArtifactQuery(): MM.IArtifactQuery {
  return { q: '', kind: '', limit: PAGE_SIZE, offset: 0 };
}

/**
 * The query of a fresh models list: first page.
 */
export function defaultModelQuery(): MM.IModelQuery {
  return { q: '', limit: PAGE_SIZE, offset: 0 };
}

/**
 * The sort after clicking the header of `key`: the same key flips the order, a new
 * key starts in its natural order.
 */
export function nextSort(
  query: Readonly<MM.IRunQuery>,
  key: string
): Pick<MM.IRunQuery, 'sort' | 'order'> {
  if (key === query.sort) {
    return { sort: key, order: query.order === 'asc' ? 'desc' : 'asc' };
  }
  return { sort: key, order: ASCENDING_FIRST.has(key) ? 'asc' : 'desc' };
}

/**
 * The offset of the next (+1) or previous (-1) page, or null if there is none.
 */
export function pageOffset(
  query: Readonly<Pick<MM.IRunQuery, 'offset' | 'limit'>>,
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
