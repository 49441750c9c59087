import * as React from 'react';

import { IActions } from '../actions';
import { ChartSeries, MonitoringDetail } from '../components/MonitoringDetail';
import { MMApiError } from '../errors';
import { modelIcon } from '../icons';
import { errorMessage } from '../listModel';
import { RunsModel } from '../model';
import { chartPattern, ChartGroup, DriftStat } from '../monitoringFormat';
import { IMonitoringApi } from '../monitoringModel';
import { Mon } from '../monitoringTypes';
import { LiveWidget } from './LiveWidget';

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
  model: RunsModel;
  /** The monitoring REST client. */
  api: IMonitoringApi;
  /** Navigation to runs and models. */
  actions: IActions;
}

/**
 * Content of a monitored version's main-area tab. It reloads when the change
 * cursor moves while it is visible.
 */
export class MonitoringWidget extends LiveWidget {
  constructor(options: IMonitoringWidgetOptions) {
    super(options.model);
    this.ref = options.ref;
    this._api = options.api;
    this._actions = options.actions;
    this.addClass('jp-mm-RunDetailWidget');
    this.addClass('jp-mm-MonitoringWidget');
    this.title.label = `${options.ref} monitoring`;
    this.title.caption = `Monitoring of ${options.ref}`;
    this.title.icon = modelIcon;
    this.title.closable = true;
  }

  /** Reference of the version shown, `name:N`. */
  readonly ref: string;

  /** The loaded status, or null before the first answer. */
  get detail(): Mon.IMonitorDetail | null {
    return this._detail;
  }

  async load(): Promise<void> {
    this.markFresh();
    const request = ++this._request;
    const [detail, series] = await Promise.all([
      this._api.monitor(this.ref).then(
        d => ({ ok: true as const, d }),
        err => ({ ok: false as const, err })
      ),
      this._loadSeries()
    ]);
    if (request !== this._request || this.isDisposed) {
      return;
    }
    if (detail.ok) {
      this._detail = detail.d;
      this._error = null;
      this.title.className =
        detail.d.monitor.firing > 0 ? 'jp-mm-mod-alerting' : '';
    } else {
      this._error =
        detail.err instanceof MMApiError && detail.err.status === 404
          ? `No monitoring data for ${this.ref} in this registry (any more).`
          : `Cannot load monitoring of ${this.ref}: ${errorMessage(detail.err)}`;
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

  protected get consumer(): string {
    return `monitor:${this.ref}`;
  }

  protected get hasContent(): boolean {
    return this._detail !== null || this._error !== null;
  }

  protected render(): JSX.Element {
    if (this._error && !this._detail) {
      return (
        <div className="jp-mm-Notice jp-mm-Notice-error" role="alert">
          {this._error}
        </div>
      );
    }
    if (!this._detail) {
      return (
        <div className="jp-mm-Empty">{`Loading monitoring of ${this.ref}…`}</div>
      );
    }
    return (
      <>
        {this._error && (
          <div className="jp-mm-Notice jp-mm-Notice-error" role="alert">
            {this._error}
          </div>
        )}
        <MonitoringDetail
          detail={this._detail}
          charts={this._charts}
          chartsError={this._chartsError}
          driftStat={this._driftStat}
          onDriftStat={stat => void this.setDriftStat(stat)}
          onOpenRun={id => this._actions.openRun({ id })}
          onOpenModel={(name, version) =>
            this._actions.openModel(name, version)
          }
        />
      </>
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
  private _api: IMonitoringApi;
  private _charts: ChartSeries = {
    volume: null,
    drift: null,
    performance: null,
    latency: null
  };
  private _chartsError: string | null = null;
  private _detail: Mon.IMonitorDetail | null = null;
  private _driftStat: DriftStat = 'psi';
  private _error: string | null = null;
  private _request = 0;
}
