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
import { rowKeyAction, tabStop } from './keyboard';

/**
 * Props of {@link RunsTable}.
 */
export interface IRunsTableProps {
  /** Runs of the current page. */
  runs: MM.IRunSummary[];
  /** Metric keys shown as extra columns (the sidebar passes at most one). */
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
  /** Called when a run's checkbox is toggled (Space, shift/ctrl-click on a row too). */
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

/**
 * The sidebar's columns: what fits 320 px. The rest (experiment, user, params,
 * more metrics) is in the main-area runs table.
 */
const FIXED_COLUMNS: IColumn[] = [
  { key: 'status', label: '●', title: 'Status' },
  { key: 'name', label: 'Name', title: 'Run name' },
  { key: 'duration_s', label: 'Duration', title: 'Duration', numeric: true }
];

/**
 * The sidebar's compact runs list: one row `<tr data-run-id>` per run with its
 * status dot, name (experiment and start time in the tooltip), duration and at
 * most one metric; headers sort server-side. One tab stop: arrow keys, Home and
 * End move between rows, Enter opens a run, Space checks it for comparison.
 */
export function RunsTable(props: IRunsTableProps): JSX.Element {
  const { runs, metricColumns, sort, order } = props;
  const now = props.now ?? new Date();
  const body = React.useRef<HTMLTableSectionElement>(null);
  const [focused, setFocused] = React.useState(0);
  const stop = tabStop(focused, runs.length);
  const columns: IColumn[] = [
    ...FIXED_COLUMNS,
    ...metricColumns.map(key => ({
      key: `metric:${key}`,
      label: key,
      title: `Metric ${key}`,
      numeric: true
    }))
  ];
  const onKeyDown = (e: React.KeyboardEvent, index: number) => {
    const action = rowKeyAction(e.key, index, runs.length);
    if (!action) {
      return;
    }
    e.preventDefault();
    const run = runs[index];
    if (action.kind === 'move') {
      setFocused(action.index);
      body.current
        ?.querySelector<HTMLElement>(`tr[data-index="${action.index}"]`)
        ?.focus();
    } else if (action.kind === 'open') {
      props.onOpen(run);
    } else if (props.onToggleSelect) {
      props.onToggleSelect(run);
    } else {
      props.onOpen(run);
    }
  };
  return (
    <table className="jp-mm-RunsTable jp-mm-mod-compact" aria-label="Runs">
      <thead>
        <tr>
          {columns.map(col => {
            const sorted = sort === col.key;
            return (
              <th
                key={col.key}
                scope="col"
                className={
                  `jp-mm-RunsTable-header jp-mm-RunsTable-col-${col.key.replace(':', '-')}` +
                  (col.numeric ? ' jp-mm-mod-numeric' : '') +
                  (sorted ? ' jp-mm-mod-sorted' : '')
                }
                aria-label={col.title}
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
                  aria-label={`Sort by ${col.title}`}
                  onClick={() => props.onSort(col.key)}
                >
                  <span
                    className="jp-mm-RunsTable-label"
                    aria-hidden={col.key === 'status'}
                  >
                    {col.label}
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
      <tbody ref={body}>
        {runs.map((run, index) => (
          <tr
            key={run.id}
            data-run-id={run.id}
            data-index={index}
            className={
              'jp-mm-RunsTable-row' +
              (props.activeId === run.id ? ' jp-mm-mod-active' : '') +
              (props.selected?.has(run.id) ? ' jp-mm-mod-selected' : '') +
              (run.archived_at ? ' jp-mm-mod-archived' : '')
            }
            aria-selected={
              props.selected ? props.selected.has(run.id) : undefined
            }
            tabIndex={index === stop ? 0 : -1}
            title={
              `Open run ${run.name || run.id}\n${run.experiment}` +
              (run.started_at ? `\nStarted ${formatTime(run.started_at)}` : '')
            }
            onFocus={() => setFocused(index)}
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
            onKeyDown={e => onKeyDown(e, index)}
          >
            <td className="jp-mm-RunsTable-status">
              {props.onToggleSelect && (
                <input
                  type="checkbox"
                  className="jp-mm-RunsTable-select"
                  tabIndex={-1}
                  title="Select to compare"
                  aria-label={`Select ${run.name || run.id} to compare`}
                  checked={props.selected?.has(run.id) ?? false}
                  onClick={e => e.stopPropagation()}
                  onKeyDown={e => e.stopPropagation()}
                  onChange={() => props.onToggleSelect?.(run)}
                />
              )}
              <StatusBadge status={run.status} compact />
            </td>
            <td className="jp-mm-RunsTable-name">
              {run.starred && (
                <span className="jp-mm-RunsTable-star" aria-label="starred">
                  ★{' '}
                </span>
              )}
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
            <td
              className="jp-mm-mod-numeric jp-mm-RunsTable-duration"
              title={formatRelative(run.started_at, now)}
            >
              {formatDuration(runDuration(run, now))}
            </td>
            {metricColumns.map(key => (
              <td
                key={key}
                className="jp-mm-mod-numeric jp-mm-RunsTable-metric"
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
