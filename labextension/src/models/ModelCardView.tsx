import { downloadIcon } from '@jupyterlab/ui-components';
import * as React from 'react';

import { saveBlob } from '../shared/download';
import { UntrustedMarkdown } from '../shared/UntrustedMarkdown';
import {
  fetchPackage,
  IProgress,
  packageErrorText,
  packageFileName,
  progressText
} from './packageDownload';
import type { IModelServices } from './services';
import * as MM from './types';
import { useRemote } from './useRemote';

/**
 * A version's model card (the `MODEL_CARD.md` of its package), shown on demand,
 * and the "Package" action downloading the package as a zip.
 */
export function VersionCard(props: {
  services: IModelServices;
  version: Pick<MM.IModelVersion, 'name' | 'version' | 'ref'>;
}): JSX.Element {
  const { services, version } = props;
  const [open, setOpen] = React.useState(false);
  const cardId = `jp-mm-card-${encodeURIComponent(version.ref)}`;
  return (
    <div className="jp-mm-ModelCard" data-card-of={version.ref}>
      <div className="jp-mm-ModelCard-actions">
        <button
          className={
            'jp-mm-Button jp-mm-ModelCard-toggle' +
            (open ? ' jp-mm-mod-pressed' : '')
          }
          aria-expanded={open}
          aria-controls={cardId}
          title={`${open ? 'Hide' : 'Show'} the model card of ${version.ref}`}
          onClick={() => setOpen(!open)}
        >
          {open ? 'Hide card' : 'Card'}
        </button>
        <PackageButton services={services} version={version} />
      </div>
      {open && (
        <div id={cardId} className="jp-mm-ModelCard-body">
          <CardContent services={services} version={version} />
        </div>
      )}
    </div>
  );
}

function CardContent(props: {
  services: IModelServices;
  version: Pick<MM.IModelVersion, 'name' | 'version' | 'ref'>;
}): JSX.Element {
  const { services, version } = props;
  const { state } = useRemote(
    () => services.api.card(version.name, version.version),
    version.ref
  );
  switch (state.kind) {
    case 'loading':
      return <p className="jp-mm-Muted">Loading the model card…</p>;
    case 'failed':
      return (
        <p className="jp-mm-InlineError" role="alert">
          {`Cannot load the model card: ${state.message}`}
        </p>
      );
    case 'loaded':
      return (
        <UntrustedMarkdown
          markdown={state.value.markdown}
          rendermime={services.rendermime}
          className="jp-mm-ModelCard-markdown"
        />
      );
  }
}

/** Where the package download is. */
type PackageState =
  | { kind: 'idle' }
  | { kind: 'busy'; progress: IProgress | null }
  | { kind: 'error'; message: string };

/**
 * Downloads `GET .../package.zip` with the server's auth into a Blob, then saves
 * it; shows the bytes received and the server's message on failure.
 */
function PackageButton(props: {
  services: IModelServices;
  version: Pick<MM.IModelVersion, 'name' | 'version' | 'ref'>;
}): JSX.Element {
  const { services, version } = props;
  const [state, setState] = React.useState<PackageState>({ kind: 'idle' });
  const fileName = packageFileName(version.name, version.version);
  const download = () => {
    setState({ kind: 'busy', progress: null });
    const load = () =>
      fetchPackage(
        () => services.api.packageZip(version.name, version.version),
        progress => setState({ kind: 'busy', progress })
      );
    saveBlob(load, version.ref, fileName).then(
      () => setState({ kind: 'idle' }),
      (err: unknown) =>
        setState({ kind: 'error', message: packageErrorText(err) })
    );
  };
  const busy = state.kind === 'busy';
  return (
    <>
      <button
        className="jp-mm-Button jp-mm-Button-icon jp-mm-PackageButton"
        title={`Download ${version.ref} as a deployable package (${fileName})`}
        aria-label={`Package ${version.ref}`}
        aria-busy={busy}
        disabled={busy}
        onClick={download}
      >
        <downloadIcon.react tag="span" className="jp-mm-IconButton-icon" />
        <span>{busy ? 'Packaging…' : 'Package'}</span>
      </button>
      {busy && (
        <span
          className="jp-mm-Muted jp-mm-PackageButton-progress"
          role="status"
        >
          {state.progress
            ? `Downloading ${progressText(state.progress)}`
            : 'Building the package…'}
        </span>
      )}
      {state.kind === 'error' && (
        <span className="jp-mm-InlineError" role="alert">
          {state.message}
        </span>
      )}
    </>
  );
}
