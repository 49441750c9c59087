/**
 * Pure rules of the runs query: the first query of the sidebar, sort toggling and
 * the experiments the filter offers.
 */
import { PAGE_SIZE } from '../shared/query';
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
    sort: 'started_at',
    order: 'desc',
    limit: PAGE_SIZE,
    offset: 0
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
