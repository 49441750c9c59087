import { IRenderMimeRegistry, MimeModel } from '@jupyterlab/rendermime';
import { Widget } from '@lumino/widgets';
import * as React from 'react';

/**
 * Markdown rendered by JupyterLab's markdown renderer as untrusted content
 * (sanitized: no scripts, no event handlers); plain text without a renderer.
 */
export function UntrustedMarkdown(props: {
  markdown: string;
  rendermime: IRenderMimeRegistry | null;
  /** Class of the host (and, with `-rendered`, of the renderer). */
  className: string;
}): JSX.Element {
  const host = React.useRef<HTMLDivElement>(null);
  const { markdown, rendermime, className } = props;
  React.useEffect(() => {
    const node = host.current;
    if (!node || !rendermime) {
      return;
    }
    const renderer = rendermime.createRenderer('text/markdown');
    renderer.addClass(`${className}-rendered`);
    if (node.isConnected) {
      Widget.attach(renderer, node);
    } else {
      node.appendChild(renderer.node);
    }
    renderer
      .renderModel(
        new MimeModel({ data: { 'text/markdown': markdown }, trusted: false })
      )
      .catch(err => console.warn('mm-jupyter: cannot render markdown', err));
    return () => {
      if (renderer.isAttached) {
        Widget.detach(renderer);
      } else if (renderer.node.parentNode === node) {
        node.removeChild(renderer.node);
      }
      renderer.dispose();
    };
  }, [markdown, rendermime, className]);
  if (!rendermime) {
    return <pre className={`${className}-text`}>{markdown}</pre>;
  }
  return <div className={className} ref={host} />;
}
