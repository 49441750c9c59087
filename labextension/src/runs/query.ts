/**
 * Pure rules of the runs query: the first query of the sidebar, sort toggling,
 * the query string of `GET runs` (text search or the filter language) and the
 * experiments and users the filters offer.
 */
import { IFilterOption, PAGE_SIZE } from '../shared/query';
import type { Query } from '../shared/rest';
import * as MM from './types';

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
    user: '',
    sort: 'started_at',
    order: 'desc',
    limit: PAGE_SIZE,
    offset: 0,
    children: false,
    archived: 'exclude'
  };
}

/**
 * Whether the search box holds an expression of the filter language
 * (`metrics.acc > 0.9 and status = 'finished'`, docs/filter.md) rather than
 * words to search for: it has a comparison operator, a `metrics.`, `params.` or
 * `tags.` field, or an `in (…)`, `like '…'` or `is [not] null` test.
 */
export function isFilterExpression(text: string): boolean {
  return (
    /[<>=]/.test(text) ||
    /(^|[\s(])(metrics|params|tags)\.\S/i.test(text) ||
    /\s(not\s+)?in\s*\(|\slike\s+['"]|\sis\s+(not\s+)?null\b/i.test(text)
  );
}

/**
 * The query string of `GET runs` (and `GET runs.csv`) for a query: the search
 * box goes out as `filter=` when it holds an expression, else as the `q=` text
 * search; defaults are left out. A keyset `cursor` (see `KeysetSeek`, paging.ts) goes
 * out as `cursor=`.
 */
export function runsParams(
  query: Readonly<MM.IRunQuery>,
  cursor?: string | null
): Query {
  const text = query.q.trim();
  const isFilter = isFilterExpression(text);
  return {
    q: isFilter ? undefined : text,
    filter: isFilter ? text : undefined,
    experiment: query.experiment,
    status: query.status,
    user: query.user || undefined,
    sort: query.sort,
    order: query.order,
    limit: query.limit,
    offset: query.offset,
    // The server seeks from the cursor's row and ignores `offset` then.
    cursor: cursor || undefined,
    children: query.children ? 1 : undefined,
    archived: query.archived === 'exclude' ? undefined : query.archived
  };
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
 * The experiments the experiment filter offers: the known ones, and the one
 * selected first if the keys do not (yet) know it.
 */
export function experimentChoices(
  experiments: ReadonlyArray<string>,
  selected: string
): ReadonlyArray<string> {
  return experiments.includes(selected) || !selected
    ? experiments
    : [selected, ...experiments];
}

/**
 * The users the user filter offers besides "All users": the acting user's own
 * runs (`me`, from `GET meta`, null when the server does not say), and the user
 * selected if it is someone else. Empty when there is nothing to choose, so the
 * filter can be left out.
 */
export function userChoices(
  me: string | null,
  selected: string
): IFilterOption[] {
  const choices: IFilterOption[] = [];
  if (me) {
    choices.push({ value: me, label: `My runs (${me})` });
  }
  if (selected && selected !== me) {
    choices.push({ value: selected, label: selected });
  }
  return choices;
}

/**
 * The keys before `GET keys` answers: no experiments, keys or statistics.
 */
export function emptyKeys(): MM.IKeys {
  return {
    experiments: [],
    metrics: [],
    params: [],
    metric_counts: {},
    varying_params: [],
    tag_keys: [],
    directions: {}
  };
}
