import { IRenderMimeRegistry, MimeModel } from '@jupyterlab/rendermime';
import { Widget } from '@lumino/widgets';
import * as React from 'react';

/**
 * A run's markdown note, rendered by JupyterLab's markdown renderer as untrusted
 * content (sanitized: no scripts, no event handlers); plain text without a
 * renderer.
 */
export function RunNote(props: {
  note: string;
  rendermime: IRenderMimeRegistry | null;
}): JSX.Element {
  const host = React.useRef<HTMLDivElement>(null);
  const { note, rendermime } = props;
  React.useEffect(() => {
    const node = host.current;
    if (!node || !rendermime) {
      return;
    }
    const renderer = rendermime.createRenderer('text/markdown');
    renderer.addClass('jp-mm-RunNote-rendered');
    if (node.isConnected) {
      Widget.attach(renderer, node);
    } else {
      node.appendChild(renderer.node);
    }
    renderer
      .renderModel(
        new MimeModel({ data: { 'text/markdown': note }, trusted: false })
      )
      .catch(err => console.warn('mm-jupyter: cannot render the note', err));
    return () => {
      if (renderer.isAttached) {
        Widget.detach(renderer);
      } else if (renderer.node.parentNode === node) {
        node.removeChild(renderer.node);
      }
      renderer.dispose();
    };
  }, [note, rendermime]);
  if (!rendermime) {
    return <pre className="jp-mm-RunNote-text">{note}</pre>;
  }
  return <div className="jp-mm-RunNote" ref={host} />;
}
