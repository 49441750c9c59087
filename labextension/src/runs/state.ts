/**
 * State of the runs sidebar, and the change-cursor poll shared by every view.
 *
 * The runs list itself is a {@link PagedListModel} like the artifacts and models
 * lists; this model adds the connection, the poll, the keys and the metric columns.
 * No React and no widgets here: views read the getters and re-render on
 * `stateChanged`; run detail views reload on `registryChanged`.
 */
import { IDisposable } from '@lumino/disposable';
import { Poll } from '@lumino/polling';
import { ISignal, Signal } from '@lumino/signaling';

import { errorMessage, MMApiError } from '../shared/errors';
import { PagedListModel } from '../shared/pagedListState';
import type { IServerModel } from '../shared/serverModel';
import { pageOffset } from '../shared/query';
import { KeysetSeek } from './paging';
import { defaultQuery, emptyKeys, nextSort } from './query';
import { topMetrics } from './tableColumns';
import { API_VERSION } from '../shared/types';
import * as MM from './types';
import type { IRunsApi } from './api';

/**
 * How many metric columns the sidebar shows before the user picks one: what fits
 * 320 px next to the name and duration (the main-area table shows more).
 */
const DEFAULT_METRIC_COLUMNS = 1;

/** Change poll interval while a view is visible. */
const POLL_MS = 1000;

/** Change poll interval while only background consumers (badges) listen. */
const BACKGROUND_POLL_MS = 5000;

/** The consumer id of the sidebar's runs list in {@link RunsModel.setVisible}. */
const SIDEBAR = 'sidebar';

/**
 * The runs list: one page of `GET runs`, loaded by {@link RunsModel.connect} and
 * reloaded on a change like every paged list.
 */
class RunListModel extends PagedListModel<MM.IRunQuery, MM.IRunList, IRunsApi> {
  /**
   * @param runs - The runs model that owns the list.
   * @param accept - Called with each page the list accepts.
   */
  constructor(
    runs: IServerModel<IRunsApi>,
    private readonly _accept: (page: MM.IRunList) => void
  ) {
    super(runs, SIDEBAR, defaultQuery());
  }

  /** Go to the next (+1) or previous (-1) page by its keyset cursor. */
  turnPage(direction: 1 | -1): void {
    const offset = pageOffset(this.query, this.page?.total ?? 0, direction);
    if (offset !== null) {
      this._seek.plan(this.page, this.query, offset);
      this.setQuery({ offset });
    }
  }

  protected fetchPage(query: MM.IRunQuery): Promise<MM.IRunList> {
    return this.server.api.runs(query, this._seek.cursorFor(query));
  }

  protected describeError(err: unknown): string {
    return errorMessage(err);
  }

  protected onPage(page: MM.IRunList): void {
    this._accept(page);
  }

  private _seek = new KeysetSeek();

  protected loadsFirstPage(): boolean {
    return false;
  }
}

/**
 * Model of the registry as the sidebar shows it, and the shared model every other
 * list and view rides on ({@link IServerModel}).
 *
 * `A` is the REST client's type: the plugin passes one with every feature's
 * endpoints, which the other features reach through {@link IServerModel.api}.
 */
export class RunsModel<A extends IRunsApi = IRunsApi>
  implements IServerModel<A>, IDisposable
{
  /**
   * @param api - REST client (any object with the same methods, in tests).
   */
  constructor(readonly api: A) {
    this._poll = new Poll({
      auto: false,
      factory: () => this._checkChanges(),
      frequency: { interval: POLL_MS, backoff: true, max: 30 * 1000 },
      name: 'mm-jupyter:changes',
      standby: () =>
        (this._visible.size === 0 && this._background.size === 0) ||
        'when-hidden'
    });
    this._list = new RunListModel(this, page => this._onPage(page));
    this._list.stateChanged.connect(this._emitStateChanged, this);
  }

  /**
   * Open the main-area runs table, when the application has it (the plugin sets
   * it with the command): the sidebar's runs panel offers a button for it.
   */
  openTable: (() => void) | null = null;

  /** Emitted whenever anything a view shows has changed. */
  get stateChanged(): ISignal<this, void> {
    return this._stateChanged;
  }

  /** Emitted with the new cursor when the registry changed on the server. */
  get registryChanged(): ISignal<this, number> {
    return this._registryChanged;
  }

  /**
   * Firing monitoring alerts as of the last change poll (null before the first
   * poll answer, or from a server whose `changes` does not report them).
   */
  get firing(): number | null {
    return this._firing;
  }

  /** Connection to the server extension. */
  get connection(): MM.Connection {
    return this._connection;
  }

  /** Current filters, sort and page. */
  get query(): Readonly<MM.IRunQuery> {
    return this._list.query;
  }

  /** The current page of runs, null before the first answer. */
  get page(): MM.IRunList | null {
    return this._list.page;
  }

  /** Choices for columns and filters. */
  get keys(): MM.IKeys {
    return this._keys;
  }

  /** Metric keys shown as columns. */
  get metricColumns(): string[] {
    // The metric most runs have, not the first by name.
    return (
      this._metricColumns ?? topMetrics(this._keys, DEFAULT_METRIC_COLUMNS)
    );
  }

  /** Whether a runs request is in flight. */
  get loading(): boolean {
    return this._list.loading;
  }

  /** Message of the last failed runs request, if the last one failed. */
  get error(): string | null {
    return this._list.error;
  }

  /** Whether the model has been disposed. */
  get isDisposed(): boolean {
    return this._isDisposed;
  }

  /**
   * Check `meta`, then load the first page and start polling.
   *
   * Safe to call again (the "Retry" button does).
   */
  async connect(): Promise<void> {
    this._setConnection({ kind: 'connecting' });
    let meta: MM.IMeta;
    try {
      meta = await this.api.meta();
    } catch (err) {
      if (err instanceof MMApiError && err.isMissing) {
        this._setConnection({ kind: 'missing', detail: err.message });
      } else {
        this._setConnection({ kind: 'error', detail: String(err) });
      }
      return;
    }
    if (meta.api_version !== API_VERSION) {
      this._setConnection({ kind: 'mismatch', meta });
      return;
    }
    this._setConnection({ kind: 'ready', meta });
    await this.refresh();
    void this._poll.start();
  }

  /** Reload keys and the current page now. */
  async refresh(): Promise<void> {
    if (this._connection.kind !== 'ready') {
      return this.connect();
    }
    await Promise.all([this._fetchKeys(), this._list.refresh()]);
  }

  /**
   * Change filters, sort or page. Text search is debounced; the rest applies now.
   *
   * Any change other than `offset` goes back to the first page.
   */
  setQuery(patch: Partial<MM.IRunQuery>): void {
    this._list.setQuery(patch);
  }

  /** Sort by `key`; sorting by the current key again flips the order. */
  sortBy(key: string): void {
    this.setQuery(nextSort(this._list.query, key));
  }

  /** Go to the next (+1) or previous (-1) page, if there is one. */
  turnPage(direction: 1 | -1): void {
    this._list.turnPage(direction);
  }

  /** Choose the metric columns. */
  setMetricColumns(keys: string[]): void {
    this._metricColumns = [...new Set(keys)];
    this._stateChanged.emit();
  }

  /**
   * Tell the model whether a view that needs fresh data is visible.
   *
   * The poll stands by while no view is visible (or the browser tab is hidden).
   *
   * @param consumer - A stable id of the view (`sidebar`, a run id, ...).
   * @param visible - Whether that view is now visible.
   */
  setVisible(consumer: string, visible: boolean): void {
    if (consumer === SIDEBAR && !this._showingList) {
      // The runs list reloads itself when shown stale, and comes back here.
      this._showingList = true;
      try {
        this._list.setVisible(visible);
      } finally {
        this._showingList = false;
      }
      return;
    }
    if (visible) {
      this._visible.add(consumer);
      if (consumer === SIDEBAR && this._keysStale) {
        this._keysStale = false;
        void this._fetchKeys();
      }
      if (this._connection.kind === 'ready') {
        void this._poll.refresh();
      }
    } else {
      this._visible.delete(consumer);
    }
    this._syncFrequency();
  }

  /**
   * Keep the change poll going, at a slower pace, while no view is visible: for
   * a consumer that must notice changes while nothing is on screen (the badge of
   * firing alerts on the sidebar's tab).
   *
   * @param consumer - A stable id of the consumer.
   * @param on - Whether it needs the poll.
   */
  setBackground(consumer: string, on: boolean): void {
    if (on) {
      this._background.add(consumer);
    } else {
      this._background.delete(consumer);
    }
    this._syncFrequency();
  }

  /**
   * Check the change cursor now (after a write from this page), so that every
   * visible view catches up without waiting for the next poll.
   */
  checkChanges(): void {
    if (this._connection.kind === 'ready') {
      void this._poll.refresh();
    }
  }

  /** Stop polling and disconnect signals. */
  dispose(): void {
    if (this._isDisposed) {
      return;
    }
    this._isDisposed = true;
    this._poll.dispose();
    this._list.dispose();
    Signal.clearData(this);
  }

  private _syncFrequency(): void {
    const interval = this._visible.size > 0 ? POLL_MS : BACKGROUND_POLL_MS;
    if (this._poll.frequency.interval !== interval) {
      this._poll.frequency = { ...this._poll.frequency, interval };
    }
  }

  private async _checkChanges(): Promise<void> {
    if (this._cursor === null) {
      // The first page never loaded: retry it (a rejection makes the poll back off).
      await this._list.refresh();
      if (this._list.error !== null) {
        throw new Error(this._list.error);
      }
      return;
    }
    const changes = await this.api.changes(this._cursor);
    // A cursor that moved backwards means the registry was replaced: reload too.
    if (!changes.changed && changes.cursor === this._cursor) {
      return;
    }
    this._cursor = changes.cursor;
    this._firing = changes.firing;
    if (!this._visible.has(SIDEBAR)) {
      this._keysStale = true;
    }
    // The runs list, like every list, reloads now if shown, else when shown.
    this._registryChanged.emit(this._cursor);
  }

  /** A page of the runs list arrived. */
  private _onPage(page: MM.IRunList): void {
    if (this._cursor === null) {
      // Only the first page sets the cursor: later ones must not hide a change
      // from the poll, which run detail views rely on.
      this._cursor = page.cursor;
    }
    if (this._hasUnknownKeys(page)) {
      // Keys are a DISTINCT over the whole registry: fetch them only when a
      // run shows an experiment or metric the filters do not offer yet.
      void this._fetchKeys();
    }
  }

  private _emitStateChanged(): void {
    this._stateChanged.emit();
  }

  private _hasUnknownKeys(page: MM.IRunList): boolean {
    const experiments = new Set(this._keys.experiments);
    const metrics = new Set(this._keys.metrics);
    return page.runs.some(
      run =>
        (run.experiment && !experiments.has(run.experiment)) ||
        Object.keys(run.metrics).some(k => !metrics.has(k))
    );
  }

  private async _fetchKeys(): Promise<void> {
    try {
      this._keys = await this.api.keys();
      this._stateChanged.emit();
    } catch (err) {
      console.warn('mm-jupyter: cannot load keys', err);
    }
  }

  private _setConnection(connection: MM.Connection): void {
    this._connection = connection;
    this._stateChanged.emit();
  }

  private _background = new Set<string>();
  private _connection: MM.Connection = { kind: 'connecting' };
  private _cursor: number | null = null;
  private _firing: number | null = null;
  private _isDisposed = false;
  private _keys: MM.IKeys = emptyKeys();
  private _keysStale = false;
  private _list: RunListModel;
  private _metricColumns: string[] | null = null;
  private _poll: Poll;
  private _registryChanged = new Signal<this, number>(this);
  private _showingList = false;
  private _stateChanged = new Signal<this, void>(this);
  private _visible = new Set<string>();
}
