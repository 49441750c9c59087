/**
 * What the runs table remembers per registry (in JupyterLab's state database):
 * its columns, their widths, the filter text, the sort, the page size and the
 * archived toggle. Pure: serialising, checking what was read back, the key.
 */
import type { ReadonlyJSONObject } from '@lumino/coreutils';

import * as MM from './types';
import { columnOf } from './tableColumns';

/** The page sizes offered. */
export const PAGE_SIZES: ReadonlyArray<number> = [50, 100, 250, 500];

/** Widths a resized column may take. */
export const MIN_WIDTH = 24;
export const MAX_WIDTH = 800;

/** Version of the saved shape; a state of another version is ignored. */
const STATE_VERSION = 1;

/**
 * The table's remembered state.
 */
export interface ITableState {
  /** Column ids, in order; null until chosen (the defaults follow the keys). */
  columns: string[] | null;
  /** Widths of resized columns, by id. */
  widths: Record<string, number>;
  /** The filter box's text (search words or a filter expression). */
  q: string;
  /** Sort key. */
  sort: string;
  /** Sort order. */
  order: MM.SortOrder;
  /** Page size, one of {@link PAGE_SIZES}. */
  limit: number;
  /** Which archived runs show. */
  archived: MM.ArchivedFilter;
}

/**
 * The state-database key of a registry's table: the registry's folder, and the
 * database of a team registry (two registries may share a folder name).
 */
export function stateKey(meta: MM.IMeta): string {
  const where = meta.backend?.database ?? meta.registry.path;
  return `mm-jupyter:runs-table:${where || 'default'}`;
}

/** The state as a JSON object for the state database. */
export function serializeState(state: ITableState): ReadonlyJSONObject {
  return {
    version: STATE_VERSION,
    columns: state.columns,
    widths: state.widths,
    q: state.q,
    sort: state.sort,
    order: state.order,
    limit: state.limit,
    archived: state.archived
  };
}

/**
 * The parts of a saved state that are still good: anything malformed, unknown
 * or out of range is left out (the table keeps its default for it), so that a
 * state written by another version never breaks the table.
 */
export function restoreState(saved: unknown): Partial<ITableState> {
  if (
    typeof saved !== 'object' ||
    saved === null ||
    Array.isArray(saved) ||
    (saved as Record<string, unknown>).version !== STATE_VERSION
  ) {
    return {};
  }
  const o = saved as Record<string, unknown>;
  const out: Partial<ITableState> = {};
  if (Array.isArray(o.columns)) {
    const ids = o.columns.filter(
      (c): c is string => typeof c === 'string' && columnOf(c) !== null
    );
    out.columns = [...new Set(ids)];
  }
  if (typeof o.widths === 'object' && o.widths !== null) {
    const widths: Record<string, number> = {};
    for (const [id, w] of Object.entries(o.widths)) {
      if (typeof w === 'number' && Number.isFinite(w)) {
        widths[id] = clampWidth(w);
      }
    }
    out.widths = widths;
  }
  if (typeof o.q === 'string') {
    out.q = o.q;
  }
  if (typeof o.sort === 'string' && o.sort) {
    out.sort = o.sort;
  }
  if (o.order === 'asc' || o.order === 'desc') {
    out.order = o.order;
  }
  if (typeof o.limit === 'number' && PAGE_SIZES.includes(o.limit)) {
    out.limit = o.limit;
  }
  if (
    o.archived === 'exclude' ||
    o.archived === 'include' ||
    o.archived === 'only'
  ) {
    out.archived = o.archived;
  }
  return out;
}

/** A column width within {@link MIN_WIDTH}..{@link MAX_WIDTH}, in whole pixels. */
export function clampWidth(width: number): number {
  return Math.round(Math.min(MAX_WIDTH, Math.max(MIN_WIDTH, width)));
}

/**
 * The 0-based page to show for a page number typed by the user (1-based), or
 * null when it is not a page number; past the last page means the last page.
 */
export function pageIndex(
  typed: string,
  total: number,
  limit: number
): number | null {
  const n = Number(typed.trim());
  if (!Number.isInteger(n) || n < 1) {
    return null;
  }
  const pages = Math.max(1, Math.ceil(total / limit));
  return Math.min(n, pages) - 1;
}
