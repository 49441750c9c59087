import { downloadIcon } from '@jupyterlab/ui-components';
import * as React from 'react';

import { downloadName, saveBlob } from './download';
import { errorMessage } from './errors';
import { formatBytes } from './format';

/**
 * Props of {@link DownloadButton}.
 */
export interface IDownloadButtonProps {
  /** Digest of the blob to save. */
  digest: string;
  /** Suggested file name. */
  fileName: string;
  /** Name to use when `fileName` is empty or unusable. */
  fallbackName: string;
  /** Size shown in the tooltip. */
  size?: number;
  /** Fetch a blob's bytes by digest. */
  loadBlob: (digest: string) => Promise<Blob>;
  /** Button text; an icon only when absent. */
  label?: string;
}

/**
 * Fetches a blob with the server's auth and saves it as a file.
 */
export function DownloadButton(props: IDownloadButtonProps): JSX.Element {
  const [state, setState] = React.useState<'idle' | 'busy' | 'error'>('idle');
  const [error, setError] = React.useState('');
  const name = downloadName(props.fileName, props.fallbackName);
  const title =
    state === 'error'
      ? `Download failed: ${error}`
      : `Download ${name}` +
        (props.size !== undefined ? ` (${formatBytes(props.size)})` : '');
  const onClick = () => {
    setState('busy');
    saveBlob(props.loadBlob, props.digest, name).then(
      () => setState('idle'),
      (err: unknown) => {
        setError(errorMessage(err));
        setState('error');
      }
    );
  };
  return (
    <button
      className={
        (props.label ? 'jp-mm-Button jp-mm-Button-icon' : 'jp-mm-IconButton') +
        ' jp-mm-DownloadButton' +
        (state === 'error' ? ' jp-mm-mod-error' : '')
      }
      title={title}
      aria-label={`Download ${name}`}
      data-digest={props.digest}
      disabled={state === 'busy'}
      onClick={onClick}
    >
      <downloadIcon.react tag="span" className="jp-mm-IconButton-icon" />
      {props.label && (
        <span>{state === 'busy' ? 'Downloading…' : props.label}</span>
      )}
    </button>
  );
}
