import * as React from 'react';

import { formatValue } from './format';
import * as MM from './types';

/**
 * Props of {@link ParamsTable}.
 */
export interface IParamsTableProps {
  /** Params of the run (or a model's configuration). */
  params: Record<string, MM.JSONValue>;
  /** How each param was found (`auto`, `explicit`, `namespace`); no column without. */
  sources?: Record<string, string>;
  /** Header of the key column. */
  keyLabel?: string;
  /** Text when there is nothing to show. */
  empty?: string;
}

/**
 * Key, value and source of each param, sorted by key.
 */
export function ParamsTable(props: IParamsTableProps): JSX.Element {
  const keys = Object.keys(props.params).sort();
  if (keys.length === 0) {
    return (
      <p className="jp-mm-Empty">{props.empty ?? 'No params recorded.'}</p>
    );
  }
  const { sources } = props;
  return (
    <table className="jp-mm-KeyValueTable jp-mm-ParamsTable">
      <thead>
        <tr>
          <th>{props.keyLabel ?? 'Param'}</th>
          <th>Value</th>
          {sources && <th>Source</th>}
        </tr>
      </thead>
      <tbody>
        {keys.map(key => (
          <tr key={key} data-param={key}>
            <td className="jp-mm-KeyValueTable-key">{key}</td>
            <td className="jp-mm-KeyValueTable-value">
              {formatValue(props.params[key])}
            </td>
            {sources && (
              <td className="jp-mm-KeyValueTable-source">
                {sources[key] ?? ''}
              </td>
            )}
          </tr>
        ))}
      </tbody>
    </table>
  );
}
