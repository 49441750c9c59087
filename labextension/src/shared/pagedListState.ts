/**
 * State of a paged sidebar list (runs, artifacts, models, monitoring) that rides
 * on the shared model's change cursor: no poll of its own, a reload when the registry changed
 * while the list is visible, and a reload on show when it changed while hidden.
 */
import { IDisposable } from '@lumino/disposable';
import { Debouncer } from '@lumino/polling';
import { ISignal, Signal } from '@lumino/signaling';

import { pageOffset, patchQuery } from './query';
import type { IServerModel } from './serverModel';

/** What every paged list query has: text search and a page. */
export interface IPagedQuery {
  /** Free text. */
  q: string;
  /** Page size. */
  limit: number;
  /** Index of the first item of the page. */
  offset: number;
}

/** What every page answer has. */
export interface IPage {
  /** Number of items matching the filters. */
  total: number;
}

/**
 * Model of one paged list of the sidebar.
 */
export abstract class PagedListModel<
  Q extends IPagedQuery,
  P extends IPage,
  A = unknown
> implements IDisposable {
  /**
   * @param server - The shared model: API client, connection and change cursor.
   * @param consumer - Id of this list in {@link IServerModel.setVisible}.
   * @param query - The first query.
   */
  constructor(
    readonly server: IServerModel<A>,
    readonly consumer: string,
    query: Q
  ) {
    this._query = query;
    this._debouncer = new Debouncer(() => this._fetch(), 300);
    server.registryChanged.connect(this._onRegistryChanged, this);
    server.stateChanged.connect(this._onServerStateChanged, this);
  }

  /** Emitted whenever anything the list shows has changed. */
  get stateChanged(): ISignal<this, void> {
    return this._stateChanged;
  }

  /** Current filters and page. */
  get query(): Readonly<Q> {
    return this._query;
  }

  /** The current page, null before the first answer. */
  get page(): P | null {
    return this._page;
  }

  /** Whether a request is in flight. */
  get loading(): boolean {
    return this._loading;
  }

  /** Message of the last failed request, if the last one failed. */
  get error(): string | null {
    return this._error;
  }

  /** Whether the model has been disposed. */
  get isDisposed(): boolean {
    return this._isDisposed;
  }

  /** Reload the current page now. */
  async refresh(): Promise<void> {
    await this._fetch();
  }

  /**
   * Change filters or page. Text search is debounced; the rest applies now.
   * Any change other than `offset` goes back to the first page.
   */
  setQuery(patch: Partial<Q>): void {
    const { query, debounce } = patchQuery<Q>(this._query, patch);
    this._query = query;
    this._stateChanged.emit();
    if (debounce) {
      void this._debouncer.invoke();
    } else {
      void this._fetch();
    }
  }

  /** Go to the next (+1) or previous (-1) page, if there is one. */
  turnPage(direction: 1 | -1): void {
    const offset = pageOffset(this._query, this._page?.total ?? 0, direction);
    if (offset !== null) {
      this.setQuery({ offset } as Partial<Q>);
    }
  }

  /**
   * Tell the model whether the list is on screen. Keeps the shared poll awake
   * while it is, and loads the list if it is stale.
   */
  setVisible(visible: boolean): void {
    if (visible === this._visible) {
      return;
    }
    this._visible = visible;
    this.server.setVisible(this.consumer, visible);
    const first = this._page === null && this.loadsFirstPage();
    if (visible && (this._stale || first)) {
      void this._fetch();
    }
  }

  /** Stop and disconnect. */
  dispose(): void {
    if (this._isDisposed) {
      return;
    }
    this._isDisposed = true;
    this._debouncer.dispose();
    this.server.registryChanged.disconnect(this._onRegistryChanged, this);
    this.server.stateChanged.disconnect(this._onServerStateChanged, this);
    Signal.clearData(this);
  }

  /** Fetch one page. */
  protected abstract fetchPage(query: Q): Promise<P>;

  /** The message shown for a failed request. */
  protected abstract describeError(err: unknown): string;

  /** Called with each page the list accepts, before `stateChanged`. */
  protected onPage(_page: P): void {
    // Nothing by default.
  }

  /**
   * Whether the list loads its first page itself: when shown, or when the
   * connection becomes ready while it is shown. The runs list does not: connecting
   * loads it, and the change poll retries it.
   */
  protected loadsFirstPage(): boolean {
    return true;
  }

  private _onRegistryChanged(): void {
    if (this._visible) {
      void this._fetch();
    } else {
      this._stale = true;
    }
  }

  private _onServerStateChanged(): void {
    // A (re)connection while the list is on screen loads it.
    const ready = this.server.connection.kind === 'ready';
    if (ready && !this._ready && this._visible && this.loadsFirstPage()) {
      void this._fetch();
    }
    this._ready = ready;
  }

  private async _fetch(): Promise<void> {
    if (this._isDisposed) {
      return;
    }
    if (this.server.connection.kind !== 'ready') {
      this._stale = true;
      return;
    }
    const request = ++this._request;
    this._loading = true;
    this._stateChanged.emit();
    try {
      const page = await this.fetchPage(this._query);
      if (request !== this._request || this._isDisposed) {
        return; // A newer request superseded this one.
      }
      this._page = page;
      this._error = null;
      this._stale = false;
      this.onPage(page);
    } catch (err) {
      if (request !== this._request || this._isDisposed) {
        return;
      }
      this._error = this.describeError(err);
    }
    this._loading = false;
    this._stateChanged.emit();
  }

  private _debouncer: Debouncer;
  private _error: string | null = null;
  private _isDisposed = false;
  private _loading = false;
  private _page: P | null = null;
  private _query: Q;
  private _ready = false;
  private _request = 0;
  private _stale = false;
  private _stateChanged = new Signal<this, void>(this);
  private _visible = false;
}
