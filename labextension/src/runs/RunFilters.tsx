import * as React from 'react';

import * as MM from './types';
import { FilterSelect, SearchBox } from '../shared/Filters';

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
  const experiments =
    props.experiments.includes(query.experiment) || !query.experiment
      ? props.experiments
      : [query.experiment, ...props.experiments];
  return (
    <div className="jp-mm-RunFilters">
      <SearchBox
        initial={query.q}
        placeholder="Search runs…"
        title="Search run names, id prefixes, experiments and tag values"
        label="Search runs"
        onChange={q => onChange({ q })}
      />
      <div className="jp-mm-RunFilters-selects">
        <FilterSelect
          label="Experiment"
          value={query.experiment}
          all="All experiments"
          options={experiments}
          onChange={experiment => onChange({ experiment })}
        />
        <FilterSelect
          label="Status"
          value={query.status}
          all="Any status"
          options={MM.RUN_STATUSES}
          onChange={status => onChange({ status })}
        />
      </div>
    </div>
  );
}
