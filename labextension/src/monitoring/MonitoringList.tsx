import * as React from 'react';

import { formatNumber, formatRelative, formatTime } from '../shared/format';
import { alertsLabel, badgeCount, isoOf } from './format';
import { Mon } from './types';
import { IItemRow, itemList, RowName } from '../shared/PagedList';
import { AliasBadge, StageBadge } from '../shared/Badges';

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
 * The monitored model versions: one row `<li data-monitor-ref>` each with name
 * and version, firing alerts, stage and aliases, rows, batches and last activity.
 */
export const MonitoringList = itemList<Mon.IMonitorSummary>({
  label: 'Monitored model versions',
  className: 'jp-mm-MonitoringList',
  row: monitorRow
});

function monitorRow(m: Mon.IMonitorSummary, now: Date): IItemRow {
  const last = isoOf(m.last_ts);
  return {
    key: m.ref,
    className:
      'jp-mm-MonitoringList-row' + (m.firing > 0 ? ' jp-mm-mod-firing' : ''),
    data: {
      'data-monitor-ref': m.ref,
      'data-model-name': m.model,
      'data-version': m.version
    },
    title: `Open monitoring of ${m.ref}`,
    content: (
      <>
        <RowName name={m.model} version={m.version} spelling="model">
          <FiringBadge firing={m.firing} />
        </RowName>
        {(m.stage !== 'none' || m.aliases.length > 0) && (
          <div className="jp-mm-ArtifactsList-line jp-mm-ModelsList-badges">
            {m.stage && m.stage !== 'none' && <StageBadge stage={m.stage} />}
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
            {m.batches === 1 ? '1 batch' : `${formatNumber(m.batches)} batches`}
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
      </>
    )
  };
}
