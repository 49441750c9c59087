import * as React from 'react';

import * as MM from './types';

/** What the selection actions are. */
export type SelectionAction =
  | 'compare'
  | 'star'
  | 'unstar'
  | 'archive'
  | 'restore'
  | 'delete'
  | 'move'
  | 'tag';

/**
 * Props of {@link TableToolbar}.
 */
export interface ITableToolbarProps {
  /** The filter box's text. */
  q: string;
  /** The server's refusal of the filter, shown under the box. */
  filterError: string | null;
  /** Which archived runs show. */
  archived: MM.ArchivedFilter;
  /** How many runs are checked. */
  selected: number;
  /** Whether the column chooser is open. */
  choosing: boolean;
  /** Whether a selection action is running. */
  busy: boolean;
  onFilter: (q: string) => void;
  onArchived: (archived: MM.ArchivedFilter) => void;
  onChooseColumns: () => void;
  onExport: () => void;
  onRefresh: () => void;
  onAction: (action: SelectionAction) => void;
  onClearSelection: () => void;
}

/** Selection buttons: the action, its text and its tooltip. */
const ACTIONS: ReadonlyArray<[SelectionAction, string, string]> = [
  ['compare', 'Compare', 'Compare the selected runs'],
  ['star', 'Star', 'Star the selected runs'],
  ['unstar', 'Unstar', 'Unstar the selected runs'],
  ['tag', 'Tag…', 'Set or remove a tag on the selected runs'],
  ['move', 'Move…', 'Move the selected runs to another experiment'],
  ['archive', 'Archive', 'Hide the selected runs from lists (restorable)'],
  ['restore', 'Restore', 'Bring archived or deleted runs back'],
  ['delete', 'Delete…', 'Delete the selected runs (restorable until gc)']
];

/**
 * The table's toolbar: the filter box (text search or the filter language) with
 * the server's error under it, the archived toggle, columns, CSV export, and the
 * actions on the checked runs.
 */
export function TableToolbar(props: ITableToolbarProps): JSX.Element {
  const errorId = 'jp-mm-TableFilter-error';
  return (
    <div className="jp-mm-TableToolbar">
      <div className="jp-mm-TableToolbar-row">
        <label className="jp-mm-TableFilter">
          <span className="jp-mm-TableFilter-label">Filter runs</span>
          <input
            type="search"
            className={
              'jp-mod-styled jp-mm-TableFilter-input' +
              (props.filterError ? ' jp-mm-mod-invalid' : '')
            }
            placeholder="words, or metrics.acc > 0.9 and params.lr <= 0.1"
            title="Words search names, ids, experiments and tags; an expression with =, <, > filters, e.g. reproducibility = 'warnings' (see docs/runs-table.md)"
            value={props.q}
            aria-invalid={props.filterError !== null}
            aria-describedby={props.filterError ? errorId : undefined}
            onChange={e => props.onFilter(e.target.value)}
          />
        </label>
        <label
          className="jp-mm-TableToolbar-archived"
          title="List archived runs too"
        >
          <input
            type="checkbox"
            checked={props.archived !== 'exclude'}
            onChange={e =>
              props.onArchived(e.target.checked ? 'include' : 'exclude')
            }
          />
          <span>Show archived</span>
        </label>
        <button
          className="jp-mm-Button jp-mm-TableToolbar-columns"
          aria-expanded={props.choosing}
          onClick={props.onChooseColumns}
        >
          Columns…
        </button>
        <button
          className="jp-mm-Button jp-mm-TableToolbar-export"
          title="Download every run of this filter as CSV, with these columns"
          onClick={props.onExport}
        >
          Export CSV
        </button>
        <button
          className="jp-mm-Button"
          title="Reload the runs"
          onClick={props.onRefresh}
        >
          Refresh
        </button>
      </div>
      {props.filterError && (
        <div className="jp-mm-TableFilter-error" id={errorId} role="alert">
          {props.filterError}
        </div>
      )}
      {props.selected > 0 && (
        <div
          className="jp-mm-TableToolbar-row jp-mm-TableSelection"
          role="toolbar"
          aria-label="Actions on the selected runs"
        >
          <span className="jp-mm-TableSelection-count">
            {`${props.selected} selected`}
          </span>
          {ACTIONS.map(([action, text, title]) => (
            <button
              key={action}
              className={`jp-mm-Button jp-mm-TableSelection-${action}`}
              title={title}
              disabled={
                props.busy ||
                (action === 'compare' &&
                  (props.selected < 2 || props.selected > 50))
              }
              onClick={() => props.onAction(action)}
            >
              {text}
            </button>
          ))}
          <button
            className="jp-mm-Button jp-mm-TableSelection-clear"
            onClick={props.onClearSelection}
          >
            Clear selection
          </button>
        </div>
      )}
    </div>
  );
}
