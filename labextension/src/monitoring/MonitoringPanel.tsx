import * as React from 'react';

import { MonitorsModel } from './state';
import { Mon } from './types';
import { MonitoringList } from './MonitoringList';
import { PagedPanel } from '../shared/PagedList';

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
  const items = monitors.page?.monitors ?? [];
  return (
    <PagedPanel
      tab="monitoring"
      className="jp-mm-Monitoring"
      list={monitors}
      count={items.length}
      what="monitoring"
      noun="monitored versions"
      empty={
        <>
          No monitored models yet. Log predictions with{' '}
          <code>mon = mm.monitor(&quot;name@production&quot;)</code> and{' '}
          <code>mon.log(X, predictions=y)</code>.
        </>
      }
    >
      <MonitoringList
        items={items}
        onOpen={props.onOpen}
        activeKey={props.activeRef}
      />
    </PagedPanel>
  );
}
