import { Clipboard } from '@jupyterlab/apputils';
import { checkIcon, copyIcon } from '@jupyterlab/ui-components';
import * as React from 'react';

/**
 * A small button that copies `text` to the clipboard and says so for a moment.
 */
export function CopyButton(props: {
  text: string;
  label: string;
}): JSX.Element {
  const [copied, setCopied] = React.useState(false);
  React.useEffect(() => {
    if (!copied) {
      return;
    }
    const timer = window.setTimeout(() => setCopied(false), 1500);
    return () => window.clearTimeout(timer);
  }, [copied]);
  const Icon = copied ? checkIcon : copyIcon;
  return (
    <button
      className={
        'jp-mm-IconButton jp-mm-CopyButton' +
        (copied ? ' jp-mm-mod-copied' : '')
      }
      title={copied ? 'Copied' : props.label}
      aria-label={props.label}
      onClick={() => {
        Clipboard.copyToSystem(props.text);
        setCopied(true);
      }}
    >
      <Icon.react tag="span" className="jp-mm-IconButton-icon" />
    </button>
  );
}
