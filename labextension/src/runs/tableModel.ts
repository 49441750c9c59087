/**
 * State of the main-area runs table: its own page of `GET runs` (riding on the
 * shared change cursor like every list: a change reloads the page, keeping
 * scroll and selection), its columns, the selection, and what it remembers per
 * registry in JupyterLab's state database.
 */
import type { ReadonlyJSONValue } from '@lumino/coreutils';
import { Debouncer } from '@lumino/polling';
import { ISignal, Signal } from '@lumino/signaling';

import { errorMessage, MMApiError } from '../shared/errors';
import { PagedListModel } from '../shared/pagedListState';
import type { IServerModel } from '../shared/serverModel';
import type { IRunHousekeepingApi, IRunsApi } from './api';
import { KeysetSeek } from './paging';
import { defaultQuery, emptyKeys, isFilterExpression, nextSort } from './query';
import * as MM from './types';
import { defaultColumns } from './tableColumns';
import {
  clampWidth,
  ITableState,
  PAGE_SIZES,
  restoreState,
  serializeState,
  stateKey
} from './tableState';

/** The endpoints the table calls. */
export type TableApi = IRunsApi & IRunHousekeepingApi;

/** Where the table's state is kept: JupyterLab's `IStateDB` has these. */
export interface IStateStore {
  /** Read a saved value (undefined when none). */
  fetch(id: string): Promise<unknown>;
  /** Save a value. */
  save(id: string, value: ReadonlyJSONValue): Promise<unknown>;
}

/** The consumer id of the table in {@link IServerModel.setVisible}. */
const CONSUMER = 'runs-table';

/** How long edits wait before the state is saved. */
const SAVE_DELAY_MS = 400;

/** The fastest the table reloads the keys (distinct keys over every run). */
const KEYS_EVERY_MS = 10 * 1000;

/**
 * The table's first query: like the sidebar's, with the table's first page size.
 */
export function defaultTableQuery(): MM.IRunQuery {
  return { ...defaultQuery(), limit: PAGE_SIZES[1] };
}

/**
 * Model of the runs table.
 */
export class RunsTableModel extends PagedListModel<
  MM.IRunQuery,
  MM.IRunList,
  TableApi
> {
  /**
   * @param server - The shared model (API client, connection, change cursor).
   * @param store - Where the state is remembered; null to remember nothing.
   */
  constructor(
    server: IServerModel<TableApi>,
    private readonly _store: IStateStore | null
  ) {
    super(server, CONSUMER, defaultTableQuery());
    this._saver = new Debouncer(() => this._save(), SAVE_DELAY_MS);
    this.stateChanged.connect(this._onChanged, this);
  }

  /** Emitted when the selection changed. */
  get selectionChanged(): ISignal<this, void> {
    return this._selectionChanged;
  }

  /** Column and filter choices (distinct keys over the registry). */
  get keys(): MM.IKeys {
    return this._keys;
  }

  /** Column ids shown, in order. */
  get columns(): string[] {
    return this._columns ?? defaultColumns(this._keys);
  }

  /** Widths of resized columns, by id. */
  get widths(): Readonly<Record<string, number>> {
    return this._widths;
  }

  /** The runs checked, by id (kept across pages and reloads). */
  get selection(): ReadonlyMap<string, MM.IRunSummary> {
    return this._selection;
  }

  /** The server's refusal of the filter expression, or null. */
  get filterError(): string | null {
    return this._filterError;
  }

  /**
   * Whether the saved state has been read (the table shows it before its
   * first page, so the first page is already the remembered one).
   */
  get restored(): boolean {
    return this._restored;
  }

  /** The state as remembered. */
  get state(): ITableState {
    const q = this.query;
    return {
      columns: this._columns,
      widths: { ...this._widths },
      q: q.q,
      sort: q.sort,
      order: q.order,
      limit: q.limit,
      archived: q.archived
    };
  }

  /**
   * Read the registry's saved state and apply it (once connected). Safe to call
   * more than once: only the first call reads.
   */
  restore(): Promise<void> {
    if (!this._restoring) {
      this._restoring = this._restore();
    }
    return this._restoring;
  }

  /**
   * Reload the keys (column choices and default columns) now; otherwise they
   * are reloaded with pages, at most every 10 s.
   */
  refreshKeys(): Promise<void> {
    return this._fetchKeys(true);
  }

  /** Show these columns, in this order. */
  setColumns(ids: string[]): void {
    this._columns = [...new Set(ids)];
    this._emit();
  }

  /** Set a column's width (pixels). */
  setWidth(id: string, width: number): void {
    this._widths = { ...this._widths, [id]: clampWidth(width) };
    this._emit();
  }

  /** Sort by a column's sort key; the same key again flips the order. */
  sortBy(key: string): void {
    this.setQuery(nextSort(this.query, key));
  }

  /** Check or uncheck runs. */
  select(runs: ReadonlyArray<MM.IRunSummary>, on: boolean): void {
    for (const run of runs) {
      if (on) {
        this._selection.set(run.id, run);
      } else {
        this._selection.delete(run.id);
      }
    }
    this._selectionChanged.emit();
    this._emit();
  }

  /** Uncheck every run. */
  clearSelection(): void {
    this._selection.clear();
    this._selectionChanged.emit();
    this._emit();
  }

  /**
   * Apply one housekeeping call to each selected run, then reload. Runs are
   * done one after the other (each is its own recorded change).
   *
   * @returns The failures, as `name: message` lines (empty when all went well).
   */
  async applyToSelection(
    call: (api: TableApi, run: MM.IRunSummary) => Promise<unknown>
  ): Promise<string[]> {
    const failures: string[] = [];
    for (const run of [...this._selection.values()]) {
      try {
        await call(this.server.api, run);
      } catch (err) {
        failures.push(`${run.name || run.id}: ${errorMessage(err)}`);
      }
    }
    this.server.checkChanges();
    await this.refresh();
    return failures;
  }

  dispose(): void {
    if (this.isDisposed) {
      return;
    }
    // Write a pending change now rather than lose it.
    void this._saver.invoke();
    this._saver.dispose();
    super.dispose();
  }

  /**
   * Go to the page at `offset`: the next and previous pages by their keyset
   * cursor, any other page (first, last, a typed number) by its offset.
   */
  goTo(offset: number): void {
    this._seek.plan(this.page, this.query, offset);
    this.setQuery({ offset } as Partial<MM.IRunQuery>);
  }

  protected fetchPage(query: MM.IRunQuery): Promise<MM.IRunList> {
    return this.server.api.runs(query, this._seek.cursorFor(query));
  }

  protected describeError(err: unknown): string {
    // A filter the server cannot read is shown under the filter box, with the
    // server's message pointing at the bad token.
    const isFilter = isFilterExpression(this.query.q.trim());
    this._filterError =
      isFilter && err instanceof MMApiError && err.status === 400
        ? err.message
        : null;
    return errorMessage(err);
  }

  protected onPage(page: MM.IRunList): void {
    this._filterError = null;
    // Keep the checked runs' summaries fresh (a star or a rename shows at once).
    for (const run of page.runs) {
      if (this._selection.has(run.id)) {
        this._selection.set(run.id, run);
      }
    }
    void this._fetchKeys(false);
  }

  private async _restore(): Promise<void> {
    const meta = await this._connected();
    if (this._store && meta) {
      this._key = stateKey(meta);
      try {
        const saved = restoreState(await this._store.fetch(this._key));
        if (saved.columns) {
          this._columns = saved.columns;
        }
        if (saved.widths) {
          this._widths = saved.widths;
        }
        const patch: Partial<MM.IRunQuery> = {};
        for (const k of ['q', 'sort', 'order', 'limit', 'archived'] as const) {
          if (saved[k] !== undefined) {
            Object.assign(patch, { [k]: saved[k] });
          }
        }
        if (Object.keys(patch).length > 0) {
          // Not debounced even when only the text search is restored.
          this.setQuery({ ...patch, offset: 0 });
        }
      } catch (err) {
        console.warn('mm-jupyter: cannot read the runs table state', err);
      }
    }
    this._restored = true;
    this._saved = JSON.stringify(serializeState(this.state));
    this._emit();
  }

  /** The server's `meta` once connected (null if the connection failed). */
  private _connected(): Promise<MM.IMeta | null> {
    const now = this.server.connection;
    if (now.kind === 'ready') {
      return Promise.resolve(now.meta);
    }
    return new Promise(resolve => {
      const check = () => {
        const c = this.server.connection;
        if (
          c.kind === 'ready' ||
          c.kind === 'missing' ||
          c.kind === 'mismatch' ||
          c.kind === 'error'
        ) {
          this.server.stateChanged.disconnect(check);
          resolve(c.kind === 'ready' ? c.meta : null);
        }
      };
      this.server.stateChanged.connect(check);
    });
  }

  private async _fetchKeys(force: boolean): Promise<void> {
    const now = Date.now();
    if (
      this.server.connection.kind !== 'ready' ||
      this._keysLoading ||
      (!force && now - this._keysAt < KEYS_EVERY_MS)
    ) {
      return;
    }
    this._keysLoading = true;
    this._keysAt = now;
    try {
      this._keys = await this.server.api.keys();
      this._emit();
    } catch (err) {
      console.warn('mm-jupyter: cannot load keys', err);
    } finally {
      this._keysLoading = false;
    }
  }

  private _onChanged(): void {
    if (this._restored && this._key !== null) {
      const serialized = JSON.stringify(serializeState(this.state));
      if (serialized !== this._saved) {
        void this._saver.invoke();
      }
    }
  }

  private async _save(): Promise<void> {
    if (!this._store || this._key === null) {
      return;
    }
    const value = serializeState(this.state);
    const serialized = JSON.stringify(value);
    if (serialized === this._saved) {
      return;
    }
    this._saved = serialized;
    try {
      await this._store.save(this._key, value);
    } catch (err) {
      console.warn('mm-jupyter: cannot save the runs table state', err);
    }
  }

  /**
   * Tell views (and the saver) that something changed: through the list's own
   * signal, so that views listen to one.
   */
  private _emit(): void {
    (this.stateChanged as Signal<this, void>).emit();
  }

  private _seek = new KeysetSeek();
  private _columns: string[] | null = null;
  private _filterError: string | null = null;
  private _key: string | null = null;
  private _keys: MM.IKeys = emptyKeys();
  private _keysAt = 0;
  private _keysLoading = false;
  private _restored = false;
  private _restoring: Promise<void> | null = null;
  private _saved = '';
  private _saver: Debouncer;
  private _selection = new Map<string, MM.IRunSummary>();
  private _selectionChanged = new Signal<this, void>(this);
  private _widths: Record<string, number> = {};
}
