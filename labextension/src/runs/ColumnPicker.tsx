import * as React from 'react';

/**
 * Props of {@link ColumnPicker}.
 */
export interface IColumnPickerProps {
  /** Metric keys available. */
  available: string[];
  /** Metric keys shown as columns, in order. */
  selected: string[];
  /** Called with the new list of shown metric keys. */
  onChange: (selected: string[]) => void;
}

/**
 * Chips of the metric columns shown (click × to remove) and a select to add one.
 *
 * A select, not a checkbox list, so that it stays usable with thousands of keys.
 */
export function ColumnPicker(props: IColumnPickerProps): JSX.Element {
  const { available, selected, onChange } = props;
  const addable = available.filter(key => !selected.includes(key));
  return (
    <div className="jp-mm-ColumnPicker" aria-label="Metric columns">
      <span className="jp-mm-ColumnPicker-label">Metrics:</span>
      {selected.map(key => (
        <span key={key} className="jp-mm-Chip" title={key}>
          <span className="jp-mm-Chip-text">{key}</span>
          <button
            className="jp-mm-Chip-remove"
            title={`Hide column ${key}`}
            aria-label={`Hide column ${key}`}
            onClick={() => onChange(selected.filter(k => k !== key))}
          >
            ×
          </button>
        </span>
      ))}
      {addable.length > 0 && (
        <select
          className="jp-mm-ColumnPicker-add"
          aria-label="Add metric column"
          value=""
          onChange={e => {
            if (e.target.value) {
              onChange([...selected, e.target.value]);
            }
          }}
        >
          <option value="">+ column</option>
          {addable.map(key => (
            <option key={key} value={key}>
              {key}
            </option>
          ))}
        </select>
      )}
      {available.length === 0 && selected.length === 0 && (
        <span className="jp-mm-ColumnPicker-empty">none logged yet</span>
      )}
    </div>
  );
}
