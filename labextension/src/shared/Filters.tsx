import * as React from 'react';

/**
 * Props of {@link SearchBox}.
 */
export interface ISearchBoxProps {
  /** The text of the current query. */
  initial: string;
  /** What to search, shown in the empty box (`Search runs…`). */
  placeholder: string;
  /** What the search matches, as a tooltip. */
  title: string;
  /** Accessible name. */
  label: string;
  /** Called with the text on every keystroke (the list model debounces). */
  onChange: (text: string) => void;
}

/**
 * The search box above a sidebar list. It keeps its own text, so typing is never
 * interrupted by a re-render; the list model debounces the request.
 */
export function SearchBox(props: ISearchBoxProps): JSX.Element {
  const [text, setText] = React.useState(props.initial);
  return (
    <input
      className="jp-mm-RunFilters-search jp-mod-styled"
      type="search"
      placeholder={props.placeholder}
      title={props.title}
      aria-label={props.label}
      value={text}
      onChange={e => {
        setText(e.target.value);
        props.onChange(e.target.value);
      }}
    />
  );
}

/**
 * Props of {@link FilterSelect}.
 */
export interface IFilterSelectProps {
  /** Accessible name and tooltip (`Status`). */
  label: string;
  /** The selected value, `''` for all. */
  value: string;
  /** Text of the `''` option (`Any status`). */
  all: string;
  /** The values offered, in order. */
  options: ReadonlyArray<string>;
  /** Called with the chosen value. */
  onChange: (value: string) => void;
}

/**
 * A drop-down filter above a sidebar list: "all", then one option per value.
 */
export function FilterSelect(props: IFilterSelectProps): JSX.Element {
  return (
    <select
      className="jp-mm-Select jp-mod-styled"
      aria-label={props.label}
      title={props.label}
      value={props.value}
      onChange={e => props.onChange(e.target.value)}
    >
      <option value="">{props.all}</option>
      {props.options.map(value => (
        <option key={value} value={value}>
          {value}
        </option>
      ))}
    </select>
  );
}
