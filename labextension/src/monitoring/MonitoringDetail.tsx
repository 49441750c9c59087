import * as React from 'react';

import { formatNumber, formatRelative, formatTime } from '../shared/format';
import {
  ChartGroup,
  DRIFT_STATS,
  DriftStat,
  isoOf,
  pickSeries,
  seriesLabel
} from './format';
import { Mon } from './types';
import { AlertList } from './AlertList';
import { IChartLine, TimeChart } from './Chart';
import { ErrorNotice } from '../shared/ErrorNotice';
import { FiringBadge } from './MonitoringList';
import { RuleList } from './RuleList';
import { AliasBadge, StageBadge } from '../shared/Badges';

/** Series of each chart group; null while loading. */
export type ChartSeries = Record<ChartGroup, Mon.ISeries[] | null>;

/**
 * Props of {@link MonitoringDetail}.
 */
export interface IMonitoringDetailProps {
  /** Status, rules, alerts and last report of the version. */
  detail: Mon.IMonitorDetail;
  /** Series of the charts. */
  charts: ChartSeries;
  /** Why the series could not be loaded, if they could not. */
  chartsError?: string | null;
  /** The drift statistic drawn. */
  driftStat: DriftStat;
  /** Draw another drift statistic. */
  onDriftStat: (stat: DriftStat) => void;
  /** Open a run (triggered by an alert's action). */
  onOpenRun: (runId: string) => void;
  /** Open the registered model's view at this version. */
  onOpenModel: (name: string, version: number) => void;
  /** Acknowledge an alert (or undo it); no buttons without it. */
  onAcknowledge?: (alert: Mon.IAlert, acknowledged: boolean) => void;
  /** Alerts whose acknowledgement is being sent. */
  pending?: ReadonlySet<number>;
  /** Why the last acknowledgement failed, if it did. */
  acknowledgeError?: string | null;
  /** "Now", for relative times. */
  now?: Date;
  /** Seconds east of UTC for chart ticks; the browser's zone by default. */
  offset?: number;
}

/** Lines of one drift chart at most (the rest are counted in a note). */
const MAX_DRIFT_LINES = 8;

function lines(
  series: ReadonlyArray<Mon.ISeries>,
  prefix: string
): IChartLine[] {
  return series.map(s => ({
    key: s.key,
    label: seriesLabel(s.key, prefix),
    points: s.points,
    thresholds: s.thresholds
  }));
}

/**
 * The monitoring page of a model version: header, data notices, the charts
 * (volume, drift per feature, performance, latency) first, so they are above the
 * fold however many alerts fire, then the alerts grouped by rule, then the rules.
 */
export function MonitoringDetail(props: IMonitoringDetailProps): JSX.Element {
  const { detail, charts } = props;
  const { monitor } = detail;
  const now = props.now ?? new Date();
  const firingKeys = new Set(
    detail.alerts.filter(a => a.state === 'firing').map(a => a.series)
  );
  const firing = detail.alerts.filter(a => a.state === 'firing').length;
  const report = detail.last_report;
  const reasons = report?.insufficient ?? [];
  const loading = 'Loading…';

  const volume = charts.volume;
  const labelled = (charts.performance ?? []).filter(
    s => s.key === 'performance.labelled'
  );
  const performance = (charts.performance ?? []).filter(
    s => s.key !== 'performance.labelled'
  );
  const drift = charts.drift
    ? pickSeries(charts.drift, firingKeys, MAX_DRIFT_LINES)
    : null;
  const driftPrefix = `drift.${props.driftStat}.`;

  return (
    <div className="jp-mm-MonitoringDetail" data-monitor-ref={monitor.ref}>
      <MonitorHeader
        monitor={monitor}
        now={now}
        onOpenModel={props.onOpenModel}
      />
      {!monitor.has_reference_profile && (
        <div
          className="jp-mm-Notice jp-mm-Notice-warn"
          data-notice="no-reference"
        >
          No reference profile for this version, so drift cannot be computed.
          Register it with <code>reference_data=X_train</code> or call{' '}
          <code>mon.set_reference(X)</code>.
        </div>
      )}
      {report &&
        (report.missing_features.length > 0 ||
          report.extra_features.length > 0) && (
          <div
            className="jp-mm-Notice jp-mm-Notice-warn"
            data-notice="feature-mismatch"
          >
            {report.missing_features.length > 0 && (
              <p>{`Missing from the last batch: ${report.missing_features.join(', ')}`}</p>
            )}
            {report.extra_features.length > 0 && (
              <p>{`Not in the reference profile: ${report.extra_features.join(', ')}`}</p>
            )}
          </div>
        )}
      {reasons.length > 0 && (
        <div
          className="jp-mm-Notice jp-mm-Notice-warn jp-mm-MonitoringDetail-insufficient"
          data-notice="insufficient-data"
        >
          <p>Insufficient data in the last batch:</p>
          <ul>
            {reasons.map(reason => (
              <li key={reason}>{reason}</li>
            ))}
          </ul>
        </div>
      )}

      <section className="jp-mm-Section jp-mm-Section-charts">
        <h2 className="jp-mm-Section-title">Over time</h2>
        {props.chartsError && (
          <ErrorNotice text={`Cannot load the series: ${props.chartsError}`} />
        )}
        <div className="jp-mm-ChartGrid">
          <TimeChart
            id="volume"
            title="Volume (rows per batch)"
            lines={lines([...(volume ?? []), ...labelled], '').map(l => ({
              ...l,
              label: l.key === 'volume.rows' ? 'rows' : 'labelled rows'
            }))}
            emptyText={
              volume
                ? 'No batches yet: log one with mon.log(X, predictions=…).'
                : loading
            }
            offset={props.offset}
          />
          <TimeChart
            id="drift"
            title={`Drift per feature (${DRIFT_STATS.find(([s]) => s === props.driftStat)?.[1] ?? props.driftStat})`}
            lines={lines(drift?.series ?? [], driftPrefix)}
            emptyText={
              !drift
                ? loading
                : monitor.has_reference_profile
                  ? `No ${props.driftStat.toUpperCase()} values yet.`
                  : 'No reference profile: no drift.'
            }
            note={
              drift && drift.hidden > 0
                ? `${drift.hidden} more feature${drift.hidden === 1 ? '' : 's'} not drawn (firing and largest latest values shown)`
                : undefined
            }
            offset={props.offset}
            tools={
              <select
                className="jp-mm-Select jp-mod-styled jp-mm-Chart-select"
                aria-label="Drift statistic"
                value={props.driftStat}
                onChange={e => props.onDriftStat(e.target.value as DriftStat)}
              >
                {DRIFT_STATS.map(([stat, name]) => (
                  <option key={stat} value={stat}>
                    {name}
                  </option>
                ))}
              </select>
            }
          />
          <TimeChart
            id="performance"
            title="Performance"
            lines={lines(performance, 'performance.')}
            emptyText={
              charts.performance
                ? 'No labels yet: performance appears after mon.log_labels(batch_id, y_true).'
                : loading
            }
            offset={props.offset}
          />
          <TimeChart
            id="latency"
            title="Latency (ms)"
            lines={lines(charts.latency ?? [], 'latency.')}
            emptyText={
              charts.latency
                ? 'No latencies yet: pass latency_ms= to mon.log, or serve the model.'
                : loading
            }
            offset={props.offset}
          />
        </div>
      </section>

      <section className="jp-mm-Section jp-mm-Section-alerts">
        <h2 className="jp-mm-Section-title">
          {firing ? `Alerts (${firing} firing)` : 'Alerts (none firing)'}
        </h2>
        {props.acknowledgeError && (
          <ErrorNotice text={props.acknowledgeError} />
        )}
        <AlertList
          alerts={detail.alerts}
          rules={detail.rules}
          onOpenRun={props.onOpenRun}
          onAcknowledge={props.onAcknowledge}
          pending={props.pending}
          now={now}
        />
      </section>

      <section className="jp-mm-Section jp-mm-Section-rules">
        <h2 className="jp-mm-Section-title">{`Rules (${detail.rules.length})`}</h2>
        <RuleList rules={detail.rules} />
      </section>
    </div>
  );
}

/**
 * Name, version, stage, aliases and the counts of a monitored version.
 */
function MonitorHeader(props: {
  monitor: Mon.IMonitorSummary;
  now: Date;
  onOpenModel: (name: string, version: number) => void;
}): JSX.Element {
  const { monitor: m, now } = props;
  const first = isoOf(m.first_ts);
  const last = isoOf(m.last_ts);
  const facts: [string, string][] = [
    ['Rows', formatNumber(m.rows)],
    ['Batches', formatNumber(m.batches)],
    ['Labelled rows', formatNumber(m.labelled)],
    ['First batch', first ? formatTime(first) : '—'],
    [
      'Last batch',
      last ? `${formatRelative(last, now)} (${formatTime(last)})` : '—'
    ],
    ['Reference profile', m.has_reference_profile ? 'yes' : 'no']
  ];
  return (
    <header className="jp-mm-RunHeader jp-mm-MonitorHeader">
      <div className="jp-mm-RunHeader-title">
        <h1 className="jp-mm-RunHeader-name">
          <span className="jp-mm-MonitorHeader-model">{m.model}</span>{' '}
          <span className="jp-mm-MonitorHeader-version">{`:${m.version}`}</span>
        </h1>
        <StageBadge stage={m.stage} />
        {m.aliases.map(alias => (
          <AliasBadge key={alias} alias={alias} />
        ))}
        <FiringBadge firing={m.firing} className="jp-mm-mod-large" />
        <button
          className="jp-mm-Button jp-mm-MonitorHeader-open"
          title={`Open registered model ${m.model} at version ${m.version}`}
          onClick={() => props.onOpenModel(m.model, m.version)}
        >
          Open model
        </button>
      </div>
      <dl className="jp-mm-Facts">
        {facts.map(([label, value]) => (
          <React.Fragment key={label}>
            <dt>{label}</dt>
            <dd data-fact={label}>{value}</dd>
          </React.Fragment>
        ))}
      </dl>
    </header>
  );
}
