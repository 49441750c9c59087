import * as React from 'react';

import { IActions } from '../shared/actions';
import { ChartSeries, MonitoringDetail } from './MonitoringDetail';
import { modelIcon } from '../shared/icons';
import { errorMessage } from '../shared/errors';
import { chartPattern, ChartGroup, DriftStat } from './format';
import { Mon } from './types';
import { DetailWidget } from '../shared/DetailWidget';
import type { IServerModel } from '../shared/serverModel';
import { IMonitoringApi } from './api';

/** Points per series the charts ask for (the most recent ones). */
const POINTS_PER_SERIES = 500;

const GROUPS: ReadonlyArray<ChartGroup> = [
  'volume',
  'drift',
  'performance',
  'latency'
];

/**
 * Options of {@link MonitoringWidget}.
 */
export interface IMonitoringWidgetOptions {
  /** The version's reference, `name:N`. */
  ref: string;
  /** The shared model (connection and change signal). */
  model: IServerModel;
  /** The monitoring REST client. */
  api: IMonitoringApi;
  /** Navigation to runs and models. */
  actions: IActions;
  /** Take the badge's new count after an acknowledgement; optional. */
  onFiring?: (firing: number) => void;
}

/**
 * Content of a monitored version's main-area tab. It reloads when the change
 * cursor moves while it is visible.
 */
export class MonitoringWidget extends DetailWidget<Mon.IMonitorDetail> {
  constructor(options: IMonitoringWidgetOptions) {
    super({
      model: options.model,
      className: 'jp-mm-MonitoringWidget',
      label: `${options.ref} monitoring`,
      caption: `Monitoring of ${options.ref}`,
      icon: modelIcon
    });
    this.ref = options.ref;
    this._api = options.api;
    this._actions = options.actions;
    this._onFiring = options.onFiring;
  }

  /** Reference of the version shown, `name:N`. */
  readonly ref: string;

  /** Load the status and the series together; a newer load wins. */
  async load(): Promise<void> {
    this.markFresh();
    const request = ++this._request;
    const [detail, series] = await Promise.all([
      this.fetch().then(
        d => ({ ok: true as const, d }),
        err => ({ ok: false as const, err })
      ),
      this._loadSeries()
    ]);
    if (request !== this._request || this.isDisposed) {
      return;
    }
    if (detail.ok) {
      this.accept(detail.d);
    } else {
      this.reject(detail.err);
    }
    this._charts = series.charts;
    this._chartsError = series.error;
    this.update();
  }

  /** Draw another drift statistic (loads its series). */
  async setDriftStat(stat: DriftStat): Promise<void> {
    if (stat === this._driftStat) {
      return;
    }
    this._driftStat = stat;
    this._charts = { ...this._charts, drift: null };
    this.update();
    const request = ++this._request;
    try {
      const drift = await this._fetchGroup('drift');
      if (request === this._request) {
        this._charts = { ...this._charts, drift };
      }
    } catch (err) {
      if (request === this._request) {
        this._chartsError = errorMessage(err);
      }
    }
    this.update();
  }

  /**
   * Acknowledge alert `id` (or, `acknowledged` false, undo it), hand the new
   * badge count to `onFiring`, then reload: the alert shows who and when.
   */
  async acknowledge(id: number, acknowledged: boolean): Promise<void> {
    this._pending = new Set([...this._pending, id]);
    this._ackError = null;
    this.update();
    try {
      const reply = await this._api.acknowledgeAlert(id, acknowledged);
      // The badge updates now, not at the next poll of the change cursor.
      this._onFiring?.(reply.firing);
    } catch (err) {
      this._ackError = `Cannot ${acknowledged ? 'acknowledge' : 'unacknowledge'} alert ${id}: ${errorMessage(err)}`;
    }
    const pending = new Set(this._pending);
    pending.delete(id);
    this._pending = pending;
    await this.load();
  }

  protected get consumer(): string {
    return `monitor:${this.ref}`;
  }

  protected get failedText(): string {
    return `Cannot load monitoring of ${this.ref}`;
  }

  protected get loadingText(): string {
    return `Loading monitoring of ${this.ref}…`;
  }

  protected fetch(): Promise<Mon.IMonitorDetail> {
    return this._api.monitor(this.ref);
  }

  protected notFoundText(): string {
    return `No monitoring data for ${this.ref} in this registry (any more).`;
  }

  protected onDetail(detail: Mon.IMonitorDetail): void {
    this.title.className =
      detail.monitor.firing > 0 ? 'jp-mm-mod-alerting' : '';
  }

  protected renderDetail(detail: Mon.IMonitorDetail): JSX.Element {
    return (
      <MonitoringDetail
        detail={detail}
        charts={this._charts}
        chartsError={this._chartsError}
        driftStat={this._driftStat}
        onDriftStat={stat => void this.setDriftStat(stat)}
        onOpenRun={id => this._actions.openRun({ id })}
        onOpenModel={(name, version) => this._actions.openModel(name, version)}
        onAcknowledge={(alert, acknowledged) =>
          void this.acknowledge(alert.id, acknowledged)
        }
        pending={this._pending}
        acknowledgeError={this._ackError}
      />
    );
  }

  private async _fetchGroup(group: ChartGroup): Promise<Mon.ISeries[]> {
    const answer = await this._api.monitorSeries(this.ref, {
      pattern: chartPattern(group, this._driftStat),
      limit: POINTS_PER_SERIES
    });
    return answer.series;
  }

  private async _loadSeries(): Promise<{
    charts: ChartSeries;
    error: string | null;
  }> {
    try {
      const groups = await Promise.all(GROUPS.map(g => this._fetchGroup(g)));
      const charts = {} as ChartSeries;
      GROUPS.forEach((g, i) => (charts[g] = groups[i]));
      return { charts, error: null };
    } catch (err) {
      // Keep what was drawn; say why it is not fresh.
      return { charts: this._charts, error: errorMessage(err) };
    }
  }

  private _actions: IActions;
  private _onFiring?: (firing: number) => void;
  private _api: IMonitoringApi;
  private _charts: ChartSeries = {
    volume: null,
    drift: null,
    performance: null,
    latency: null
  };
  private _chartsError: string | null = null;
  private _pending: ReadonlySet<number> = new Set();
  private _ackError: string | null = null;
  private _driftStat: DriftStat = 'psi';
  private _request = 0;
}
