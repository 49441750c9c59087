import * as React from 'react';

import * as MM from './types';
import { FilterSelect, SearchBox } from '../shared/Filters';

/**
 * Props of {@link ArtifactFilters}.
 */
export interface IArtifactFiltersProps {
  /** Current query. */
  query: Readonly<MM.IArtifactQuery>;
  /** Called with the changed part of the query. */
  onChange: (patch: Partial<MM.IArtifactQuery>) => void;
}

/**
 * Search box and kind filter above the artifacts list. The search box keeps its
 * own text; the model debounces the request.
 */
export function ArtifactFilters(props: IArtifactFiltersProps): JSX.Element {
  const { query, onChange } = props;
  return (
    <div className="jp-mm-RunFilters jp-mm-ArtifactFilters">
      <div className="jp-mm-ArtifactFilters-row">
        <SearchBox
          initial={query.q}
          placeholder="Search artifacts…"
          title="Search artifact names and descriptions"
          label="Search artifacts"
          onChange={q => onChange({ q })}
        />
        <FilterSelect
          label="Kind"
          value={query.kind}
          all="All kinds"
          options={MM.ARTIFACT_KINDS}
          onChange={kind => onChange({ kind })}
        />
      </div>
    </div>
  );
}
