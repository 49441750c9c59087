import * as React from 'react';

import { formatNumber, formatRelative, formatTime } from '../shared/format';
import { isoOf, sortAlerts } from './format';
import { Mon } from './types';
import { severityClass } from './Chart';

/** A time as "5 min ago" with the full time as tooltip. */
function When(props: {
  ts: number | null;
  prefix: string;
  now: Date;
  className?: string;
}): JSX.Element | null {
  const iso = isoOf(props.ts);
  if (!iso) {
    return null;
  }
  return (
    <span className={props.className} title={formatTime(iso)}>
      {`${props.prefix} ${formatRelative(iso, props.now)}`}
    </span>
  );
}

/** A severity as a small coloured pill. */
export function SeverityBadge(props: { severity: string }): JSX.Element {
  return (
    <span
      className={`jp-mm-SeverityBadge jp-mm-severity-${severityClass(props.severity)}`}
      title={`Severity: ${props.severity}`}
      data-severity={props.severity}
    >
      {props.severity}
    </span>
  );
}

/**
 * Props of {@link AlertList}.
 */
export interface IAlertListProps {
  /** The alerts (any order: firing ones are shown first). */
  alerts: ReadonlyArray<Mon.IAlert>;
  /** Open a run triggered by an action. */
  onOpenRun: (runId: string) => void;
  /** "Now", for relative times. */
  now?: Date;
}

/**
 * Alerts of a monitored version: firing first (red), resolved after (grey), each
 * with severity, message, occurrences, times and the actions it set off.
 */
export function AlertList(props: IAlertListProps): JSX.Element {
  const now = props.now ?? new Date();
  if (props.alerts.length === 0) {
    return <p className="jp-mm-Empty">No alerts.</p>;
  }
  return (
    <ul className="jp-mm-AlertList" aria-label="Alerts">
      {sortAlerts(props.alerts).map(alert => (
        <li
          key={alert.id}
          className={`jp-mm-Alert jp-mm-Alert-${alert.state}`}
          data-alert-id={alert.id}
          data-state={alert.state}
          data-series={alert.series}
        >
          <div className="jp-mm-Alert-line">
            <span
              className={`jp-mm-AlertState jp-mm-AlertState-${alert.state}`}
            >
              {alert.state}
            </span>
            <SeverityBadge severity={alert.severity} />
            <span className="jp-mm-Alert-message">
              {alert.message || alert.series}
            </span>
          </div>
          <div className="jp-mm-Alert-meta">
            <code className="jp-mm-Alert-series">{alert.series}</code>
            {alert.value !== null && (
              <span className="jp-mm-Alert-value">
                {`latest ${formatNumber(alert.value)}`}
              </span>
            )}
            <span className="jp-mm-Alert-occurrences">
              {alert.occurrences === 1
                ? '1 occurrence'
                : `${formatNumber(alert.occurrences)} occurrences`}
            </span>
            <When ts={alert.fired_ts} prefix="fired" now={now} />
            <When
              ts={alert.resolved_ts}
              prefix="resolved"
              now={now}
              className="jp-mm-Alert-resolved"
            />
          </div>
          {alert.actions.length > 0 && (
            <ul className="jp-mm-AlertActions" aria-label="Actions">
              {alert.actions.map((action, i) => (
                <li
                  key={i}
                  className="jp-mm-AlertAction"
                  data-action-kind={action.kind}
                  data-status={action.status}
                >
                  <span className="jp-mm-AlertAction-kind">{action.kind}</span>
                  <span
                    className={`jp-mm-AlertAction-status jp-mm-AlertAction-${actionStatusClass(action.status)}`}
                  >
                    {action.status}
                  </span>
                  {action.detail && (
                    <span className="jp-mm-AlertAction-detail">
                      {action.detail}
                    </span>
                  )}
                  {action.run_id && (
                    <button
                      className="jp-mm-Link jp-mm-AlertAction-run"
                      data-run-id={action.run_id}
                      title={`Open run ${action.run_id}`}
                      onClick={() => props.onOpenRun(action.run_id as string)}
                    >
                      <span className="jp-mm-Link-text">{`run ${action.run_id}`}</span>
                    </button>
                  )}
                  {action.output && (
                    <code
                      className="jp-mm-AlertAction-output"
                      title={action.output}
                    >
                      {action.output}
                    </code>
                  )}
                </li>
              ))}
            </ul>
          )}
        </li>
      ))}
    </ul>
  );
}

const ACTION_STATUSES = new Set([
  'pending',
  'running',
  'ok',
  'error',
  'skipped'
]);

function actionStatusClass(status: string): string {
  return ACTION_STATUSES.has(status) ? status : 'other';
}
