import * as React from 'react';

import { formatNumber, formatRelative, formatTime } from '../format';
import { alertsLabel, badgeCount, isoOf } from '../monitoringFormat';
import { Mon } from '../monitoringTypes';
import { AliasBadge } from './ArtifactBadges';
import { StageBadge } from './ModelBadges';

/**
 * A red pill with a number of firing alerts, labelled for assistive technology
 * (`2 alerts firing`).
 */
export function FiringBadge(props: {
  firing: number;
  className?: string;
}): JSX.Element | null {
  if (props.firing <= 0) {
    return null;
  }
  const label = alertsLabel(props.firing);
  return (
    <span
      className={
        'jp-mm-FiringBadge' + (props.className ? ` ${props.className}` : '')
      }
      role="img"
      aria-label={label}
      title={label}
      data-firing={props.firing}
    >
      {badgeCount(props.firing)}
    </span>
  );
}

/**
 * Props of {@link MonitoringList}.
 */
export interface IMonitoringListProps {
  /** Monitored versions of the current page. */
  monitors: ReadonlyArray<Mon.IMonitorSummary>;
  /** Called when a version is clicked or Enter is pressed on it. */
  onOpen: (monitor: Mon.IMonitorSummary) => void;
  /** Ref (`name:N`) of the version to highlight, if any. */
  activeRef?: string | null;
  /** "Now", for relative times. */
  now?: Date;
}

/**
 * The monitored model versions: one row `<li data-monitor-ref>` each with name
 * and version, firing alerts, stage and aliases, rows, batches and last activity.
 */
export function MonitoringList(props: IMonitoringListProps): JSX.Element {
  const now = props.now ?? new Date();
  return (
    <ul
      className="jp-mm-ArtifactsList jp-mm-MonitoringList"
      aria-label="Monitored model versions"
    >
      {props.monitors.map(m => {
        const last = isoOf(m.last_ts);
        const open = () => props.onOpen(m);
        return (
          <li
            key={m.ref}
            className={
              'jp-mm-ArtifactsList-row jp-mm-MonitoringList-row' +
              (m.firing > 0 ? ' jp-mm-mod-firing' : '') +
              (props.activeRef === m.ref ? ' jp-mm-mod-active' : '')
            }
            data-monitor-ref={m.ref}
            data-model-name={m.model}
            data-version={m.version}
            tabIndex={0}
            title={`Open monitoring of ${m.ref}`}
            onClick={open}
            onKeyDown={e => {
              if (e.key === 'Enter' || e.key === ' ') {
                e.preventDefault();
                open();
              }
            }}
          >
            <div className="jp-mm-ArtifactsList-line">
              <span className="jp-mm-ArtifactsList-name">{m.model}</span>
              <span className="jp-mm-ArtifactsList-version">{`v${m.version}`}</span>
              <FiringBadge firing={m.firing} />
            </div>
            {(m.stage !== 'none' || m.aliases.length > 0) && (
              <div className="jp-mm-ArtifactsList-line jp-mm-ModelsList-badges">
                {m.stage && m.stage !== 'none' && (
                  <StageBadge stage={m.stage} />
                )}
                {m.aliases.map(alias => (
                  <AliasBadge key={alias} alias={alias} />
                ))}
              </div>
            )}
            <div className="jp-mm-ArtifactsList-line jp-mm-ArtifactsList-meta">
              <span className="jp-mm-MonitoringList-rows">
                {`${formatNumber(m.rows)} rows`}
              </span>
              <span className="jp-mm-MonitoringList-batches">
                {m.batches === 1
                  ? '1 batch'
                  : `${formatNumber(m.batches)} batches`}
              </span>
              {last ? (
                <span
                  className="jp-mm-ArtifactsList-time"
                  title={`Last batch ${formatTime(last)}`}
                >
                  {formatRelative(last, now)}
                </span>
              ) : (
                <span className="jp-mm-ArtifactsList-time">no batches yet</span>
              )}
            </div>
          </li>
        );
      })}
    </ul>
  );
}
