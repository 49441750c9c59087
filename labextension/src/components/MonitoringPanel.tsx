import * as React from 'react';

import { MonitorsModel } from '../monitoringModel';
import { Mon } from '../monitoringTypes';
import { MonitoringList } from './MonitoringList';
import { Pager } from './Pager';

/**
 * Props of {@link MonitoringPanel}.
 */
export interface IMonitoringPanelProps {
  /** The list model (the sidebar re-renders on its `stateChanged`). */
  monitors: MonitorsModel;
  /** Open a monitored version. */
  onOpen: (monitor: Mon.IMonitorSummary) => void;
  /** Ref of the version opened last, highlighted. */
  activeRef: string | null;
}

/**
 * The sidebar's Monitoring tab: monitored versions, an error, or how to start.
 */
export function MonitoringPanel(props: IMonitoringPanelProps): JSX.Element {
  const { monitors } = props;
  const { page, query } = monitors;
  const items = page?.monitors ?? [];
  return (
    <div
      className="jp-mm-Runs jp-mm-Monitoring"
      role="tabpanel"
      id="jp-mm-panel-monitoring"
      aria-labelledby="jp-mm-tab-monitoring"
    >
      {monitors.error && (
        <div className="jp-mm-Notice jp-mm-Notice-error" role="alert">
          {`Cannot load monitoring: ${monitors.error}`}
        </div>
      )}
      <div
        className={
          'jp-mm-RunsScroll' + (monitors.loading ? ' jp-mm-mod-loading' : '')
        }
      >
        <MonitoringList
          monitors={items}
          onOpen={props.onOpen}
          activeRef={props.activeRef}
        />
        {page && items.length === 0 && (
          <div className="jp-mm-Empty">
            No monitored models yet. Log predictions with{' '}
            <code>mon = mm.monitor(&quot;name@production&quot;)</code> and{' '}
            <code>mon.log(X, predictions=y)</code>.
          </div>
        )}
        {!page && !monitors.error && (
          <div className="jp-mm-Empty">Loading monitoring…</div>
        )}
      </div>
      {page && (
        <Pager
          offset={page.offset}
          count={items.length}
          limit={query.limit}
          total={page.total}
          noun="monitored versions"
          onTurn={direction => monitors.turnPage(direction)}
        />
      )}
    </div>
  );
}
