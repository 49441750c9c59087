import * as React from 'react';

import * as MM from './types';
import { actingUser } from '../shared/backend';
import { FilterBar } from '../shared/Filters';
import { PagedPanel } from '../shared/PagedList';
import { experimentChoices, userChoices } from './query';
import { ColumnPicker } from './ColumnPicker';
import { RunsTable } from './RunsTable';
import { RunsModel } from './state';
import { RunsEmptyState } from './RunsEmptyState';

/**
 * Props of {@link RunsPanel}.
 */
export interface IRunsPanelProps {
  /** The runs list state (the sidebar re-renders on its `stateChanged`). */
  model: RunsModel;
  /** Open a run's detail view. */
  onOpen: (run: MM.IRunSummary) => void;
  /** Ids of the runs checked for comparison. */
  selected: ReadonlySet<string>;
  /** Check or uncheck a run for comparison. */
  onToggleSelect: (run: MM.IRunSummary) => void;
  /** Id of the run opened last, highlighted. */
  activeId: string | null;
  /** The compare bar, while runs are checked. */
  banner: React.ReactNode;
}

/**
 * The sidebar's Runs tab: search (words, or the filter language), experiment,
 * status and user filters, the metric column, the button that opens the
 * main-area table, the compact runs list, or how to start.
 */
export function RunsPanel(props: IRunsPanelProps): JSX.Element {
  const { model } = props;
  const { page, query } = model;
  const runs = page?.runs ?? [];
  const filtered = Boolean(
    query.q.trim() || query.experiment || query.status || query.user
  );
  const { connection } = model;
  const users = userChoices(
    connection.kind === 'ready' ? actingUser(connection.meta) : null,
    query.user
  );
  return (
    <PagedPanel
      tab="runs"
      list={model}
      count={runs.length}
      what="runs"
      controls={
        <>
          <FilterBar
            query={query}
            search={{
              placeholder: 'Search, or metrics.acc > 0.9',
              title:
                'Words search run names, id prefixes, experiments and tag values; ' +
                'an expression with =, <, > filters (metrics.acc > 0.9 and ' +
                "params.lr <= 0.1 and tags.team = 'risk')",
              label: 'Search runs'
            }}
            filters={[
              {
                key: 'experiment',
                label: 'Experiment',
                all: 'All experiments',
                options: experimentChoices(
                  model.keys.experiments,
                  query.experiment
                )
              },
              {
                key: 'status',
                label: 'Status',
                all: 'Any status',
                options: MM.RUN_STATUSES
              },
              // Only when there is someone to choose (a server that names the user).
              ...(users.length > 0
                ? [
                    {
                      key: 'user' as const,
                      label: 'User',
                      all: 'All users',
                      options: users
                    }
                  ]
                : [])
            ]}
            onChange={patch => model.setQuery(patch)}
          />
          <div className="jp-mm-RunsPanel-tools">
            <ColumnPicker
              available={model.keys.metrics}
              selected={model.metricColumns[0] ?? ''}
              onChange={key => model.setMetricColumns(key ? [key] : [])}
            />
            {model.openTable && (
              <button
                className="jp-mm-Button jp-mm-RunsPanel-openTable"
                title="Open every run in a table in the main area: more columns, filters, housekeeping, CSV"
                onClick={() => model.openTable?.()}
              >
                Open table
              </button>
            )}
          </div>
          <label
            className="jp-mm-RunsPanel-children"
            title="Also list the candidate runs of hyper-parameter searches"
          >
            <input
              type="checkbox"
              checked={query.children}
              onChange={e => model.setQuery({ children: e.target.checked })}
            />
            <span>Show candidates</span>
          </label>
        </>
      }
      banner={props.banner}
      empty={
        <RunsEmptyState
          filtered={filtered}
          onClear={() =>
            model.setQuery({ q: '', experiment: '', status: '', user: '' })
          }
        />
      }
    >
      <RunsTable
        runs={runs}
        metricColumns={model.metricColumns}
        sort={query.sort}
        order={query.order}
        onSort={key => model.sortBy(key)}
        onOpen={props.onOpen}
        selected={props.selected}
        onToggleSelect={props.onToggleSelect}
        activeId={props.activeId}
      />
    </PagedPanel>
  );
}
