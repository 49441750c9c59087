import * as React from 'react';

import { formatBytes } from '../shared/format';
import { ICodeObject } from './objectTypes';
import { ObjectsView } from './ObjectsView';
import * as MM from './types';

/**
 * Props of {@link CodeView}.
 */
export interface ICodeViewProps {
  /** The recorded code. */
  code: MM.ICode;
  /** The custom functions and classes the run used; without it they are hidden. */
  objects?: ICodeObject[];
}

/**
 * The tracked cell's source, the notebook snapshot, the custom objects the run used
 * (Objects) and the kernel's execution history (collapsed). All plain text.
 */
export function CodeView(props: ICodeViewProps): JSX.Element {
  const { cell, history, notebook } = props.code;
  return (
    <div className="jp-mm-CodeView">
      <pre className="jp-mm-Code">{cell || '(no source recorded)'}</pre>
      {notebook && (
        <p className="jp-mm-CodeView-notebook" title={notebook.digest}>
          {`Notebook snapshot: ${notebook.path} (${formatBytes(notebook.size)}, sha256 ${notebook.digest.slice(0, 12)})`}
        </p>
      )}
      {props.objects && (
        <>
          <h3 className="jp-mm-CodeView-objects">{`Objects (${props.objects.length})`}</h3>
          <ObjectsView objects={props.objects} />
        </>
      )}
      {history.length > 0 && (
        <details className="jp-mm-Collapsible">
          <summary>{`Execution history (${history.length} cells)`}</summary>
          <ol className="jp-mm-History">
            {history.map((entry, i) => (
              <li key={i} className="jp-mm-History-entry">
                <span className="jp-mm-History-n">{`[${entry.n}]`}</span>
                <pre className="jp-mm-Code">{entry.source}</pre>
              </li>
            ))}
          </ol>
        </details>
      )}
    </div>
  );
}
