/**
 * State of the sidebar's Monitoring tab and of the firing-alerts badge. Both
 * ride on the shared model's change cursor: no poll of their own.
 */
import { IDisposable } from '@lumino/disposable';
import { ISignal, Signal } from '@lumino/signaling';

import { errorMessage, isNotFound } from '../shared/errors';
import { PagedListModel } from '../shared/pagedListState';
import type { IServerModel } from '../shared/serverModel';
import type { IMonitoringApi } from './api';
import { Mon } from './types';
import { PAGE_SIZE } from '../shared/query';

/** Consumer id of the monitoring list in {@link IServerModel.setVisible}. */
export const MONITORING_CONSUMER = 'monitoring';

/** Consumer id of the badge in {@link IServerModel.setBackground}. */
export const BADGE_CONSUMER = 'alert-badge';

/** The message for a server without the monitoring API. */
const NO_MONITORING =
  'This server has no monitoring API: update mm-jupyter on the server.';

/**
 * Model of the monitored versions list.
 */
export class MonitorsModel extends PagedListModel<
  Mon.IMonitorQuery,
  Mon.IMonitorList
> {
  /**
   * @param server - The shared model: connection and change cursor.
   * @param api - The monitoring REST client.
   * @param badge - A badge to update from each page's `firing`, if any.
   */
  constructor(
    server: IServerModel,
    readonly api: IMonitoringApi,
    private readonly _badge: AlertBadgeModel | null = null
  ) {
    super(server, MONITORING_CONSUMER, { q: '', limit: PAGE_SIZE, offset: 0 });
  }

  protected async fetchPage(
    query: Mon.IMonitorQuery
  ): Promise<Mon.IMonitorList> {
    const page = await this.api.monitoring(query);
    this._badge?.note(page.firing);
    return page;
  }

  protected describeError(err: unknown): string {
    return isNotFound(err) ? NO_MONITORING : errorMessage(err);
  }
}

/**
 * The number of firing alerts over every model, for the badges. It takes the
 * count the change poll (`GET changes`) reports when the cursor moves (older
 * servers: it reads `GET monitoring?limit=1`), and keeps the shared
 * poll going at a slow pace while no view is visible, so that the badge on the
 * left-area tab updates while the panel is closed.
 */
export class AlertBadgeModel implements IDisposable {
  /**
   * @param server - The shared model: connection and change cursor.
   * @param api - The monitoring REST client.
   */
  constructor(
    readonly server: IServerModel,
    readonly api: Pick<IMonitoringApi, 'monitoring'>
  ) {
    server.registryChanged.connect(this._onRegistryChanged, this);
    server.stateChanged.connect(this._onServerStateChanged, this);
    server.setBackground(BADGE_CONSUMER, true);
  }

  /** Emitted with the new count when it changes. */
  get changed(): ISignal<this, number> {
    return this._changed;
  }

  /** Firing alerts over every model (0 before the first answer). */
  get firing(): number {
    return this._firing;
  }

  /** Whether the server has the monitoring API (false after a 404). */
  get available(): boolean {
    return this._available;
  }

  /** Whether the model has been disposed. */
  get isDisposed(): boolean {
    return this._isDisposed;
  }

  /** Read the count now. */
  async refresh(): Promise<void> {
    if (this._isDisposed || this.server.connection.kind !== 'ready') {
      return;
    }
    const request = ++this._request;
    try {
      const page = await this.api.monitoring({ limit: 1, offset: 0 });
      if (request === this._request) {
        this._available = true;
        this._set(page.firing);
      }
    } catch (err) {
      if (request !== this._request) {
        return;
      }
      if (isNotFound(err)) {
        this._available = false;
        this._set(0);
      } else {
        // Keep the last count: a transient error must not hide a firing alert.
        console.warn('mm-jupyter: cannot read firing alerts', err);
      }
    }
  }

  /** Take a count read by someone else (the monitoring list) at the same cursor. */
  note(firing: number): void {
    ++this._request; // An older request in flight must not overwrite it.
    this._available = true;
    this._set(firing);
  }

  /** Stop listening. */
  dispose(): void {
    if (this._isDisposed) {
      return;
    }
    this._isDisposed = true;
    this.server.setBackground(BADGE_CONSUMER, false);
    this.server.registryChanged.disconnect(this._onRegistryChanged, this);
    this.server.stateChanged.disconnect(this._onServerStateChanged, this);
    Signal.clearData(this);
  }

  private _set(firing: number): void {
    const n = Number.isFinite(firing) ? Math.max(0, Math.round(firing)) : 0;
    if (n !== this._firing) {
      this._firing = n;
      this._changed.emit(n);
    }
  }

  private _onRegistryChanged(): void {
    // The change poll already carries the count: no second request per change.
    const firing = this.server.firing;
    if (firing !== null) {
      this.note(firing);
    } else {
      void this.refresh();
    }
  }

  private _onServerStateChanged(): void {
    const ready = this.server.connection.kind === 'ready';
    if (ready && !this._ready) {
      void this.refresh();
    }
    this._ready = ready;
  }

  private _available = true;
  private _changed = new Signal<this, number>(this);
  private _firing = 0;
  private _isDisposed = false;
  private _ready = false;
  private _request = 0;
}
