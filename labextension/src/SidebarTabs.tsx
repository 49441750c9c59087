import * as React from 'react';

import { FiringBadge } from './monitoring/MonitoringList';

/** The views of the sidebar. */
export type SidebarTab = 'runs' | 'artifacts' | 'models' | 'monitoring';

/** The tabs in order, with their labels. */
const TABS: ReadonlyArray<[SidebarTab, string]> = [
  ['runs', 'Runs'],
  ['artifacts', 'Artifacts'],
  ['models', 'Models'],
  ['monitoring', 'Monitoring']
];

/**
 * Props of {@link SidebarTabs}.
 */
export interface ISidebarTabsProps {
  /** The tab shown. */
  selected: SidebarTab;
  /** How many items each list holds, once known. */
  totals: Record<SidebarTab, number | undefined>;
  /** Firing alerts: a red badge on the Monitoring tab instead of its count. */
  firing: number;
  /** Called when a tab is clicked. */
  onSelect: (tab: SidebarTab) => void;
}

/**
 * The tab bar of the sidebar (`role="tablist"`): each tab with its count.
 */
export function SidebarTabs(props: ISidebarTabsProps): JSX.Element {
  return (
    <div className="jp-mm-Tabs" role="tablist" aria-label="Sidebar view">
      {TABS.map(([tab, label]) => {
        const total = props.totals[tab];
        const selected = props.selected === tab;
        return (
          <button
            key={tab}
            role="tab"
            id={`jp-mm-tab-${tab}`}
            aria-selected={selected}
            aria-controls={`jp-mm-panel-${tab}`}
            className={'jp-mm-Tab' + (selected ? ' jp-mm-mod-selected' : '')}
            data-tab={tab}
            onClick={() => props.onSelect(tab)}
          >
            <span className="jp-mm-Tab-label">{label}</span>
            {tab === 'monitoring' && props.firing > 0 ? (
              <FiringBadge firing={props.firing} className="jp-mm-Tab-firing" />
            ) : (
              total !== undefined && (
                <span className="jp-mm-Tab-count" aria-hidden="true">
                  {total.toLocaleString()}
                </span>
              )
            )}
          </button>
        );
      })}
    </div>
  );
}
