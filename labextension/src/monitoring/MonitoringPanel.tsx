import * as React from 'react';

import { MonitorsModel } from './state';
import { Mon } from './types';
import { MonitoringList } from './MonitoringList';
import { PagedPanel } from '../shared/PagedList';
import { EmptyState } from '../shared/EmptyState';

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
        <EmptyState
          title="No monitored models yet"
          code={
            'mon = mm.monitor("churn-clf@production")\nmon.log(X_batch, predictions=y_pred)'
          }
          command="mm-jupyter serve churn-clf@production"
        >
          Monitoring charts the traffic of a registered model (volume, drift,
          performance, latency) and fires alerts by rules. Log a batch of its
          inputs and predictions, or serve it:
        </EmptyState>
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
