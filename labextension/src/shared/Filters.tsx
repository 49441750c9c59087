import * as React from 'react';

import { IFilterOption } from './query';

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
  /** The values offered, in order (a string is its own text). */
  options: ReadonlyArray<string | IFilterOption>;
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
      {props.options.map(option => {
        const { value, label } =
          typeof option === 'string'
            ? { value: option, label: option }
            : option;
        return (
          <option key={value} value={value}>
            {label}
          </option>
        );
      })}
    </select>
  );
}

/**
 * A drop-down filter of a {@link FilterBar}, bound to one field of the query.
 */
export interface IFilterSpec<Q> {
  /** The query field it sets (`''` for all). */
  key: keyof Q & string;
  /** Accessible name and tooltip (`Status`). */
  label: string;
  /** Text of the `''` option (`Any status`). */
  all: string;
  /** The values offered, in order (a string is its own text). */
  options: ReadonlyArray<string | IFilterOption>;
}

/**
 * Props of {@link FilterBar}.
 */
export interface IFilterBarProps<Q extends { q: string }> {
  /** Current query. */
  query: Readonly<Q>;
  /** The search box's texts: what it searches and what it matches. */
  search: Pick<ISearchBoxProps, 'placeholder' | 'title' | 'label'>;
  /** The drop-down filters, in order. */
  filters?: ReadonlyArray<IFilterSpec<Q>>;
  /** Whether the filters sit beside the search box rather than on a row below. */
  inline?: boolean;
  /** A class of this bar, next to `jp-mm-RunFilters`. */
  className?: string;
  /** Called with the changed part of the query. */
  onChange: (patch: Partial<Q>) => void;
}

/**
 * The search box and drop-down filters above a sidebar list. The search box keeps
 * its own text, so typing is never interrupted by a re-render; the list model
 * debounces the request.
 */
export function FilterBar<Q extends { q: string }>(
  props: IFilterBarProps<Q>
): JSX.Element {
  const { query, onChange } = props;
  const search = (
    <SearchBox
      initial={query.q}
      {...props.search}
      onChange={q => onChange({ q } as Partial<Q>)}
    />
  );
  const selects = (props.filters ?? []).map(filter => (
    <FilterSelect
      key={filter.key}
      label={filter.label}
      value={String(query[filter.key])}
      all={filter.all}
      options={filter.options}
      onChange={value => onChange({ [filter.key]: value } as Partial<Q>)}
    />
  ));
  return (
    <div
      className={
        'jp-mm-RunFilters' + (props.className ? ` ${props.className}` : '')
      }
    >
      {props.inline ? (
        <div className="jp-mm-RunFilters-row">
          {search}
          {selects}
        </div>
      ) : (
        <>
          {search}
          {selects.length > 0 && (
            <div className="jp-mm-RunFilters-selects">{selects}</div>
          )}
        </>
      )}
    </div>
  );
}
