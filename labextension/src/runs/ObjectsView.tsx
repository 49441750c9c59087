import * as React from 'react';

import { ICodeObject } from './objectTypes';

/**
 * Props of {@link ObjectsView}.
 */
export interface IObjectsViewProps {
  /** The run's custom objects, by module then name. */
  objects: ICodeObject[];
}

/**
 * The custom objects a run used (Code → Objects): name, kind and module of each,
 * with its source collapsed underneath. All plain text.
 */
export function ObjectsView(props: IObjectsViewProps): JSX.Element {
  const { objects } = props;
  if (objects.length === 0) {
    return (
      <p className="jp-mm-Empty">
        No custom functions or classes: the cell used none defined in the
        notebook or in a module under the working directory.
      </p>
    );
  }
  return (
    <ul className="jp-mm-Objects">
      {objects.map(o => (
        <li
          key={o.digest || `${o.module}.${o.name}`}
          className="jp-mm-Object"
          data-object={o.name}
        >
          <details className="jp-mm-Object-details">
            <summary className="jp-mm-Object-summary" title={o.digest}>
              <span className="jp-mm-Object-name">{o.name}</span>
              <span className={`jp-mm-Object-kind jp-mm-mod-${o.kind}`}>
                {o.kind}
              </span>
              <span className="jp-mm-Object-module">{o.module}</span>
            </summary>
            <pre className="jp-mm-Code jp-mm-Object-source">{o.source}</pre>
          </details>
        </li>
      ))}
    </ul>
  );
}
