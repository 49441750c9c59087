import * as React from 'react';

import * as MM from '../mm';

/**
 * Props of {@link RunFilters}.
 */
export interface IRunFiltersProps {
  /** Current query. */
  query: Readonly<MM.IRunQuery>;
  /** Experiments offered by the experiment filter. */
  experiments: string[];
  /** Called with the changed part of the query. */
  onChange: (patch: Partial<MM.IRunQuery>) => void;
}

/**
 * Search box, experiment and status filters above the runs table.
 *
 * The search box keeps its own text so typing is never interrupted by a
 * re-render; the model debounces the request.
 */
export function RunFilters(props: IRunFiltersProps): JSX.Element {
  const { query, onChange } = props;
  const [text, setText] = React.useState(query.q);
  const experiments =
    props.experiments.includes(query.experiment) || !query.experiment
      ? props.experiments
      : [query.experiment, ...props.experiments];
  return (
    <div className="jp-mm-RunFilters">
      <input
        className="jp-mm-RunFilters-search jp-mod-styled"
        type="search"
        placeholder="Search runs…"
        title="Search run names, id prefixes, experiments and tag values"
        aria-label="Search runs"
        value={text}
        onChange={e => {
          setText(e.target.value);
          onChange({ q: e.target.value });
        }}
      />
      <div className="jp-mm-RunFilters-selects">
        <select
          className="jp-mm-Select jp-mod-styled"
          aria-label="Experiment"
          title="Experiment"
          value={query.experiment}
          onChange={e => onChange({ experiment: e.target.value })}
        >
          <option value="">All experiments</option>
          {experiments.map(name => (
            <option key={name} value={name}>
              {name}
            </option>
          ))}
        </select>
        <select
          className="jp-mm-Select jp-mod-styled"
          aria-label="Status"
          title="Status"
          value={query.status}
          onChange={e => onChange({ status: e.target.value })}
        >
          <option value="">Any status</option>
          {MM.RUN_STATUSES.map(status => (
            <option key={status} value={status}>
              {status}
            </option>
          ))}
        </select>
      </div>
    </div>
  );
}
