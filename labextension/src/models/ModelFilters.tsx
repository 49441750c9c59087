import * as React from 'react';

import * as MM from '../mm';

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
  const [text, setText] = React.useState(query.q);
  return (
    <div className="jp-mm-RunFilters jp-mm-ModelFilters">
      <input
        className="jp-mm-RunFilters-search jp-mod-styled"
        type="search"
        placeholder="Search models…"
        title="Search model names, descriptions and owners"
        aria-label="Search models"
        value={text}
        onChange={e => {
          setText(e.target.value);
          onChange({ q: e.target.value });
        }}
      />
    </div>
  );
}
