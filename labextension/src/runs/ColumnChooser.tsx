import * as React from 'react';

import * as MM from './types';
import {
  availableColumns,
  columnOf,
  IColumn,
  matchesColumn
} from './tableColumns';

/** How many matching keys the chooser lists at once (registries may log thousands). */
const MAX_LISTED = 200;

/**
 * Props of {@link ColumnChooser}.
 */
export interface IColumnChooserProps {
  /** The registry's keys. */
  keys: MM.IKeys;
  /** The column ids shown, in order. */
  columns: ReadonlyArray<string>;
  /** Called with the new column ids. */
  onChange: (columns: string[]) => void;
  /** Put the default columns back. */
  onReset: () => void;
  /** Close the chooser. */
  onClose: () => void;
}

const KIND_NAMES: Record<IColumn['kind'], string> = {
  attr: 'Run',
  metric: 'Metric',
  param: 'Param',
  tag: 'Tag'
};

/**
 * The column chooser: the columns shown (reorder, remove) and a searchable list
 * of every attribute, param, metric and tag key to add.
 */
export function ColumnChooser(props: IColumnChooserProps): JSX.Element {
  const [search, setSearch] = React.useState('');
  const shown = props.columns
    .map(columnOf)
    .filter((c): c is IColumn => c !== null);
  const matches = availableColumns(props.keys).filter(c =>
    matchesColumn(c, search)
  );
  const listed = matches.slice(0, MAX_LISTED);
  const ids = [...props.columns];
  const toggle = (id: string, on: boolean) =>
    props.onChange(on ? [...ids, id] : ids.filter(x => x !== id));
  const move = (index: number, by: -1 | 1) => {
    const next = [...ids];
    const to = index + by;
    if (to < 0 || to >= next.length) {
      return;
    }
    [next[index], next[to]] = [next[to], next[index]];
    props.onChange(next);
  };
  return (
    <div
      className="jp-mm-ColumnChooser"
      role="dialog"
      aria-label="Choose columns"
      onKeyDown={e => {
        if (e.key === 'Escape') {
          e.stopPropagation();
          props.onClose();
        }
      }}
    >
      <div className="jp-mm-ColumnChooser-head">
        <label className="jp-mm-ColumnChooser-search">
          <span>Search columns</span>
          <input
            type="search"
            className="jp-mod-styled"
            placeholder="acc, lr, team…"
            value={search}
            autoFocus
            onChange={e => setSearch(e.target.value)}
          />
        </label>
        <button className="jp-mm-Button" onClick={props.onReset}>
          Defaults
        </button>
        <button className="jp-mm-Button" onClick={props.onClose}>
          Done
        </button>
      </div>
      <div className="jp-mm-ColumnChooser-body">
        <section
          aria-label="Shown columns"
          className="jp-mm-ColumnChooser-shown"
        >
          <h3>Shown</h3>
          <ol>
            {shown.map((c, i) => (
              <li key={c.id} data-column={c.id}>
                <span className="jp-mm-ColumnChooser-kind">
                  {KIND_NAMES[c.kind]}
                </span>
                <span className="jp-mm-ColumnChooser-name" title={c.title}>
                  {c.label}
                </span>
                <button
                  className="jp-mm-IconButton"
                  aria-label={`Move ${c.title} left`}
                  title="Move left"
                  disabled={i === 0}
                  onClick={() => move(i, -1)}
                >
                  ↑
                </button>
                <button
                  className="jp-mm-IconButton"
                  aria-label={`Move ${c.title} right`}
                  title="Move right"
                  disabled={i === shown.length - 1}
                  onClick={() => move(i, 1)}
                >
                  ↓
                </button>
                <button
                  className="jp-mm-IconButton"
                  aria-label={`Hide ${c.title}`}
                  title="Hide"
                  onClick={() => toggle(c.id, false)}
                >
                  ×
                </button>
              </li>
            ))}
          </ol>
        </section>
        <section
          aria-label="Available columns"
          className="jp-mm-ColumnChooser-all"
        >
          <h3>
            {search
              ? `Matching (${matches.length})`
              : `All (${matches.length})`}
          </h3>
          <ul>
            {listed.map(c => (
              <li key={c.id}>
                <label title={c.title}>
                  <input
                    type="checkbox"
                    data-column={c.id}
                    checked={ids.includes(c.id)}
                    onChange={e => toggle(c.id, e.target.checked)}
                  />
                  <span className="jp-mm-ColumnChooser-kind">
                    {KIND_NAMES[c.kind]}
                  </span>
                  <span className="jp-mm-ColumnChooser-name">{c.label}</span>
                </label>
              </li>
            ))}
          </ul>
          {matches.length > listed.length && (
            <p className="jp-mm-ColumnChooser-more">
              {`${matches.length - listed.length} more: type to narrow the list.`}
            </p>
          )}
        </section>
      </div>
    </div>
  );
}
