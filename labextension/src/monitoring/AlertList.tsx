import * as React from 'react';

import { formatNumber, formatRelative, formatTime } from '../shared/format';
import { groupAlerts, IAlertGroup, isoOf } from './format';
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
      {props.prefix
        ? `${props.prefix} ${formatRelative(iso, props.now)}`
        : formatRelative(iso, props.now)}
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
  /** The alerts (any order: grouped by rule, firing ones first). */
  alerts: ReadonlyArray<Mon.IAlert>;
  /** The rules of the version, to name each group; optional. */
  rules?: ReadonlyArray<Mon.IRule>;
  /** Open a run triggered by an action. */
  onOpenRun: (runId: string) => void;
  /**
   * Acknowledge an alert (or, `acknowledged` false, undo it); without it no
   * button is shown.
   */
  onAcknowledge?: (alert: Mon.IAlert, acknowledged: boolean) => void;
  /** Alerts whose acknowledgement is being sent (their buttons wait). */
  pending?: ReadonlySet<number>;
  /** "Now", for relative times. */
  now?: Date;
}

/** A group opens by itself when it has this few alerts and one of them fires. */
const OPEN_UP_TO = 3;

/**
 * Alerts of a monitored version grouped by rule: one row per rule (severity, the
 * rule, how many fire, the latest value and time), which expands to its alerts.
 * An alert can be acknowledged; acknowledged ones are muted and say who and when.
 */
export function AlertList(props: IAlertListProps): JSX.Element {
  const now = props.now ?? new Date();
  const groups = groupAlerts(props.alerts, props.rules ?? []);
  const [toggled, setToggled] = React.useState<ReadonlySet<number>>(
    () => new Set()
  );
  if (groups.length === 0) {
    return (
      <p className="jp-mm-Empty">
        No alerts. Rules fire them:{' '}
        <code>mon.rule(&quot;drift.psi.*&quot;, &quot;&gt;&quot;, 0.2)</code>.
      </p>
    );
  }
  const toggle = (ruleId: number) => {
    const next = new Set(toggled);
    if (next.has(ruleId)) {
      next.delete(ruleId);
    } else {
      next.add(ruleId);
    }
    setToggled(next);
  };
  return (
    <ul className="jp-mm-AlertGroups" aria-label="Alerts by rule">
      {groups.map(group => {
        // Not by acknowledgement: acknowledging must not fold the row it is in.
        const byDefault = group.firing > 0 && group.alerts.length <= OPEN_UP_TO;
        const open = toggled.has(group.ruleId) ? !byDefault : byDefault;
        const listId = `jp-mm-AlertGroup-${group.ruleId}`;
        const state = group.firing > 0 ? 'firing' : 'resolved';
        return (
          <li
            key={group.ruleId}
            className={`jp-mm-AlertGroup jp-mm-AlertGroup-${state}${group.firing > 0 && group.unacknowledged === 0 ? ' jp-mm-mod-acknowledged' : ''}`}
            data-rule-id={group.ruleId}
            data-state={state}
          >
            <button
              className="jp-mm-AlertGroup-head"
              aria-expanded={open}
              aria-controls={listId}
              title={
                open
                  ? 'Hide the alerts of this rule'
                  : 'Show the alerts of this rule'
              }
              onClick={() => toggle(group.ruleId)}
            >
              <span className="jp-mm-AlertGroup-caret" aria-hidden="true">
                {open ? '▾' : '▸'}
              </span>
              <SeverityBadge severity={group.severity} />
              <code className="jp-mm-AlertGroup-rule">{group.text}</code>
              <span
                className="jp-mm-AlertGroup-count"
                data-firing={group.firing}
              >
                {groupCount(group)}
              </span>
              {group.latest.value !== null && (
                <span className="jp-mm-AlertGroup-latest">
                  {`latest ${formatNumber(group.latest.value)}`}
                </span>
              )}
              <When
                ts={group.latest.last_ts ?? group.latest.fired_ts}
                prefix=""
                now={now}
                className="jp-mm-AlertGroup-when"
              />
            </button>
            {open && (
              <ul className="jp-mm-AlertList" id={listId} aria-label="Alerts">
                {group.alerts.map(alert => (
                  <AlertItem
                    key={alert.id}
                    alert={alert}
                    now={now}
                    onOpenRun={props.onOpenRun}
                    onAcknowledge={props.onAcknowledge}
                    pending={props.pending?.has(alert.id) ?? false}
                  />
                ))}
              </ul>
            )}
          </li>
        );
      })}
    </ul>
  );
}

/** `2 firing · 1 acknowledged`, `resolved (3)`. */
function groupCount(group: IAlertGroup): string {
  if (group.firing === 0) {
    return group.alerts.length === 1
      ? 'resolved'
      : `${group.alerts.length} resolved`;
  }
  const acknowledged = group.firing - group.unacknowledged;
  return acknowledged > 0
    ? `${group.firing} firing · ${acknowledged} acknowledged`
    : `${group.firing} firing`;
}

/** One alert of a group, with its actions and the acknowledge button. */
function AlertItem(props: {
  alert: Mon.IAlert;
  now: Date;
  onOpenRun: (runId: string) => void;
  onAcknowledge?: (alert: Mon.IAlert, acknowledged: boolean) => void;
  pending: boolean;
}): JSX.Element {
  const { alert, now } = props;
  const acknowledged = alert.acknowledged_at !== null;
  const acknowledge = props.onAcknowledge;
  return (
    <li
      className={`jp-mm-Alert jp-mm-Alert-${alert.state}${acknowledged ? ' jp-mm-mod-acknowledged' : ''}`}
      data-alert-id={alert.id}
      data-state={alert.state}
      data-series={alert.series}
      data-acknowledged={acknowledged ? 'yes' : 'no'}
    >
      <div className="jp-mm-Alert-line">
        <span className={`jp-mm-AlertState jp-mm-AlertState-${alert.state}`}>
          {alert.state}
        </span>
        <SeverityBadge severity={alert.severity} />
        <span className="jp-mm-Alert-message">
          {alert.message || alert.series}
        </span>
        {acknowledge && (alert.state === 'firing' || acknowledged) && (
          <button
            className="jp-mm-Button jp-mm-Alert-ack"
            disabled={props.pending}
            title={
              acknowledged
                ? 'Count this alert on the badge again'
                : 'I have seen this alert and own it: it stops counting on the badge'
            }
            onClick={() => acknowledge(alert, !acknowledged)}
          >
            {acknowledged ? 'Unacknowledge' : 'Acknowledge'}
          </button>
        )}
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
        {acknowledged && (
          <When
            ts={alert.acknowledged_at}
            prefix={`acknowledged by ${alert.acknowledged_by ?? 'someone'}`}
            now={now}
            className="jp-mm-Alert-acknowledged"
          />
        )}
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
