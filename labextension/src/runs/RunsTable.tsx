import * as React from 'react';

import {
  formatDuration,
  formatNumber,
  formatRelative,
  formatTime,
  runDuration
} from '../shared/format';
import * as MM from './types';
import { StatusBadge } from '../shared/Badges';

/**
 * Props of {@link RunsTable}.
 */
export interface IRunsTableProps {
  /** Runs of the current page. */
  runs: MM.IRunSummary[];
  /** Metric keys shown as extra columns. */
  metricColumns: string[];
  /** Current sort key (`started_at`, `metric:acc`, ...). */
  sort: string;
  /** Current sort order. */
  order: MM.SortOrder;
  /** Called when a column header is clicked. */
  onSort: (key: string) => void;
  /** Called when a run is clicked or Enter is pressed on it. */
  onOpen: (run: MM.IRunSummary) => void;
  /** Ids of the runs checked for comparison. */
  selected?: ReadonlySet<string>;
  /** Called when a run's checkbox is toggled (shift/ctrl-click on a row too). */
  onToggleSelect?: (run: MM.IRunSummary) => void;
  /** Id of the run to highlight, if any. */
  activeId?: string | null;
  /** "Now", for relative times (a prop so that tests are deterministic). */
  now?: Date;
}

interface IColumn {
  key: string;
  label: string;
  title: string;
  numeric?: boolean;
}

const FIXED_COLUMNS: IColumn[] = [
  { key: 'status', label: '', title: 'Status' },
  { key: 'name', label: 'Name', title: 'Run name' },
  { key: 'experiment', label: 'Experiment', title: 'Experiment' },
  { key: 'started_at', label: 'Started', title: 'Start time' },
  { key: 'duration_s', label: 'Duration', title: 'Duration', numeric: true }
];

/**
 * The runs table: one row `<tr data-run-id>` per run; headers sort server-side.
 */
export function RunsTable(props: IRunsTableProps): JSX.Element {
  const { runs, metricColumns, sort, order } = props;
  const now = props.now ?? new Date();
  const columns: IColumn[] = [
    ...FIXED_COLUMNS,
    ...metricColumns.map(key => ({
      key: `metric:${key}`,
      label: key,
      title: `Metric ${key}`,
      numeric: true
    }))
  ];
  return (
    <table className="jp-mm-RunsTable">
      <thead>
        <tr>
          {columns.map(col => {
            const sorted = sort === col.key;
            return (
              <th
                key={col.key}
                className={
                  'jp-mm-RunsTable-header' +
                  (col.numeric ? ' jp-mm-mod-numeric' : '') +
                  (sorted ? ' jp-mm-mod-sorted' : '')
                }
                title={`Sort by ${col.title}`}
                aria-sort={
                  sorted
                    ? order === 'asc'
                      ? 'ascending'
                      : 'descending'
                    : 'none'
                }
              >
                <button
                  className="jp-mm-RunsTable-sort"
                  // No focus on click: focusing scrolls the wide table sideways.
                  onMouseDown={e => e.preventDefault()}
                  onClick={() => props.onSort(col.key)}
                >
                  <span className="jp-mm-RunsTable-label">
                    {col.label || '●'}
                  </span>
                  <span className="jp-mm-RunsTable-arrow" aria-hidden="true">
                    {sorted ? (order === 'asc' ? '▲' : '▼') : ''}
                  </span>
                </button>
              </th>
            );
          })}
        </tr>
      </thead>
      <tbody>
        {runs.map(run => (
          <tr
            key={run.id}
            data-run-id={run.id}
            className={
              'jp-mm-RunsTable-row' +
              (props.activeId === run.id ? ' jp-mm-mod-active' : '') +
              (props.selected?.has(run.id) ? ' jp-mm-mod-selected' : '')
            }
            aria-selected={
              props.selected ? props.selected.has(run.id) : undefined
            }
            tabIndex={0}
            title={`Open run ${run.name || run.id}`}
            // Keyboard users focus rows with Tab; a click must not focus the row,
            // or the browser scrolls the wide table sideways to reveal it.
            onMouseDown={e => e.preventDefault()}
            onClick={e => {
              if (
                props.onToggleSelect &&
                (e.shiftKey || e.ctrlKey || e.metaKey)
              ) {
                props.onToggleSelect(run);
              } else {
                props.onOpen(run);
              }
            }}
            onKeyDown={e => {
              if (e.key === 'Enter' || e.key === ' ') {
                e.preventDefault();
                props.onOpen(run);
              }
            }}
          >
            <td className="jp-mm-RunsTable-status">
              {props.onToggleSelect && (
                <input
                  type="checkbox"
                  className="jp-mm-RunsTable-select"
                  title="Select to compare"
                  aria-label={`Select ${run.name || run.id} to compare`}
                  checked={props.selected?.has(run.id) ?? false}
                  onMouseDown={e => e.stopPropagation()}
                  onClick={e => e.stopPropagation()}
                  onKeyDown={e => e.stopPropagation()}
                  onChange={() => props.onToggleSelect?.(run)}
                />
              )}
              <StatusBadge status={run.status} compact />
            </td>
            <td
              className="jp-mm-RunsTable-name"
              title={`${run.name} (${run.id})`}
            >
              {run.name || run.id}
              {run.n_children > 0 && (
                <span
                  className="jp-mm-RunsTable-children"
                  title={`${run.n_children} candidate runs of this search (open the run, or show candidates)`}
                >
                  +{run.n_children}
                </span>
              )}
            </td>
            <td className="jp-mm-RunsTable-experiment" title={run.experiment}>
              {run.experiment}
            </td>
            <td
              className="jp-mm-RunsTable-started"
              title={formatTime(run.started_at)}
            >
              {formatRelative(run.started_at, now)}
            </td>
            <td className="jp-mm-mod-numeric">
              {formatDuration(runDuration(run, now))}
            </td>
            {metricColumns.map(key => (
              <td
                key={key}
                className="jp-mm-mod-numeric"
                title={`${key} = ${String(run.metrics[key] ?? '')}`}
              >
                {formatNumber(run.metrics[key])}
              </td>
            ))}
          </tr>
        ))}
      </tbody>
    </table>
  );
}
