import * as React from 'react';

/**
 * Props of {@link ColumnPicker}.
 */
export interface IColumnPickerProps {
  /** Metric keys available. */
  available: string[];
  /** The metric shown as the sidebar's last column, or '' for none. */
  selected: string;
  /** Called with the metric to show ('' for none). */
  onChange: (key: string) => void;
}

/**
 * The sidebar's one metric column, chosen from a select (the main-area table has
 * the full column chooser). A select, not a list, so that it stays usable with
 * thousands of keys.
 */
export function ColumnPicker(props: IColumnPickerProps): JSX.Element {
  const { available, selected, onChange } = props;
  const options =
    selected && !available.includes(selected)
      ? [selected, ...available]
      : available;
  return (
    <label className="jp-mm-ColumnPicker" title="The metric the list shows">
      <span className="jp-mm-ColumnPicker-label">Metric</span>
      <select
        className="jp-mm-ColumnPicker-add"
        aria-label="Metric column"
        value={selected}
        onChange={e => onChange(e.target.value)}
      >
        <option value="">none</option>
        {options.map(key => (
          <option key={key} value={key}>
            {key}
          </option>
        ))}
      </select>
    </label>
  );
}
