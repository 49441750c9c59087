import * as React from 'react';

import { formatBytes } from '../shared/format';
import * as MM from './types';

/**
 * Props of {@link CodeView}.
 */
export interface ICodeViewProps {
  /** The recorded code. */
  code: MM.ICode;
}

/**
 * The tracked cell's source, the notebook snapshot, and the kernel's execution
 * history (collapsed). All plain text.
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
