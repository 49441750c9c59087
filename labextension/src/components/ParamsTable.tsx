import * as React from 'react';

import { formatValue } from '../format';
import { MM } from '../tokens';

/**
 * Props of {@link ParamsTable}.
 */
export interface IParamsTableProps {
  /** Params of the run. */
  params: Record<string, MM.JSONValue>;
  /** How each param was found (`auto`, `explicit`, `namespace`). */
  sources: Record<string, string>;
}

/**
 * Key, value and source of each param, sorted by key.
 */
export function ParamsTable(props: IParamsTableProps): JSX.Element {
  const keys = Object.keys(props.params).sort();
  if (keys.length === 0) {
    return <p className="jp-mm-Empty">No params recorded.</p>;
  }
  return (
    <table className="jp-mm-KeyValueTable jp-mm-ParamsTable">
      <thead>
        <tr>
          <th>Param</th>
          <th>Value</th>
          <th>Source</th>
        </tr>
      </thead>
      <tbody>
        {keys.map(key => (
          <tr key={key} data-param={key}>
            <td className="jp-mm-KeyValueTable-key">{key}</td>
            <td className="jp-mm-KeyValueTable-value">
              {formatValue(props.params[key])}
            </td>
            <td className="jp-mm-KeyValueTable-source">
              {props.sources[key] ?? ''}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
