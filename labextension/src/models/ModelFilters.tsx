import * as React from 'react';

import * as MM from './types';
import { SearchBox } from '../shared/Filters';

/**
 * Props of {@link ModelFilters}.
 */
export interface IModelFiltersProps {
  /** Current query. */
  query: Readonly<MM.IModelQuery>;
  /** Called with the changed part of the query. */
  onChange: (patch: Partial<MM.IModelQuery>) => void;
}

/**
 * Search box above the models list. It keeps its own text; the model debounces
 * the request.
 */
export function ModelFilters(props: IModelFiltersProps): JSX.Element {
  const { query, onChange } = props;
  return (
    <div className="jp-mm-RunFilters jp-mm-ModelFilters">
      <SearchBox
        initial={query.q}
        placeholder="Search models…"
        title="Search model names, descriptions and owners"
        label="Search models"
        onChange={q => onChange({ q })}
      />
    </div>
  );
}
