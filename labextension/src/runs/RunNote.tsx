import { IRenderMimeRegistry } from '@jupyterlab/rendermime';
import * as React from 'react';

import { UntrustedMarkdown } from '../shared/UntrustedMarkdown';

/**
 * A run's markdown note, rendered by JupyterLab's markdown renderer as untrusted
 * content (sanitized: no scripts, no event handlers); plain text without a
 * renderer.
 */
export function RunNote(props: {
  note: string;
  rendermime: IRenderMimeRegistry | null;
}): JSX.Element {
  return (
    <UntrustedMarkdown
      markdown={props.note}
      rendermime={props.rendermime}
      className="jp-mm-RunNote"
    />
  );
}
