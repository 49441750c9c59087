import * as React from 'react';

import * as MM from '../mm';

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
  const [text, setText] = React.useState(query.q);
  return (
    <div className="jp-mm-RunFilters jp-mm-ArtifactFilters">
      <div className="jp-mm-ArtifactFilters-row">
        <input
          className="jp-mm-RunFilters-search jp-mod-styled"
          type="search"
          placeholder="Search artifacts…"
          title="Search artifact names and descriptions"
          aria-label="Search artifacts"
          value={text}
          onChange={e => {
            setText(e.target.value);
            onChange({ q: e.target.value });
          }}
        />
        <select
          className="jp-mm-Select jp-mod-styled"
          aria-label="Kind"
          title="Kind"
          value={query.kind}
          onChange={e => onChange({ kind: e.target.value })}
        >
          <option value="">All kinds</option>
          {MM.ARTIFACT_KINDS.map(kind => (
            <option key={kind} value={kind}>
              {kind}
            </option>
          ))}
        </select>
      </div>
    </div>
  );
}
