import * as React from 'react';

import { IActions } from '../shared/actions';
import { formatBytes, formatTime } from '../shared/format';
import { lineageIcon } from '../shared/icons';
import * as MM from './types';
import { CopyButton } from '../shared/CopyButton';
import { DownloadButton } from '../shared/DownloadButton';
import { RunLink } from '../shared/Links';
import { AliasBadge } from '../shared/Badges';
import { canDownload, FINGERPRINT_ONLY_NOTE, VersionData } from './VersionData';

/** How many hex digits of a digest are shown. */
const SHORT_DIGEST = 12;

/**
 * One version: facts, producer and consumers, metadata, files, actions.
 */
export function VersionCard(props: {
  version: MM.IArtifactVersion;
  latest: boolean;
  focused: boolean;
  loadBlob: (digest: string) => Promise<Blob>;
  actions: IActions;
  /** The older version to compare with, if comparing makes sense. */
  compareWith: string | null;
  onCompare: (a: string, b: string) => void;
}): JSX.Element {
  const { version, actions } = props;
  const ref = React.useRef<HTMLElement>(null);
  React.useEffect(() => {
    if (props.focused) {
      ref.current?.scrollIntoView({ block: 'nearest' });
    }
  }, [props.focused]);
  const openRun = (run: MM.IRunRef) =>
    actions.openRun({ id: run.id, name: run.name });
  const fallback = `${version.name}-v${version.version}`;
  const fingerprint =
    typeof version.metadata.fingerprint === 'string'
      ? version.metadata.fingerprint
      : null;
  const compareWith = props.compareWith;
  return (
    <article
      ref={ref}
      className={
        'jp-mm-VersionCard' + (props.focused ? ' jp-mm-mod-focused' : '')
      }
      data-version={version.version}
      data-version-ref={version.ref}
    >
      <div className="jp-mm-VersionCard-header">
        <span className="jp-mm-VersionCard-number">{`v${version.version}`}</span>
        {props.latest && (
          <span className="jp-mm-VersionCard-latest" title="Newest version">
            latest
          </span>
        )}
        {version.aliases.map(alias => (
          <AliasBadge key={alias} alias={alias} />
        ))}
        {!version.stored && (
          <span
            className="jp-mm-VersionCard-fingerprintOnly jp-mm-Tag"
            title={FINGERPRINT_ONLY_NOTE}
          >
            fingerprint only
          </span>
        )}
        <span
          className="jp-mm-VersionCard-time"
          title={formatTime(version.created_at)}
        >
          {formatTime(version.created_at)}
        </span>
        <span className="jp-mm-VersionCard-actions">
          <button
            className="jp-mm-Button jp-mm-Button-icon jp-mm-LineageButton"
            title={`Show the lineage of ${version.ref}`}
            onClick={() =>
              actions.openLineage({ kind: 'version', ref: version.ref })
            }
          >
            <lineageIcon.react tag="span" className="jp-mm-IconButton-icon" />
            <span>Lineage</span>
          </button>
          {compareWith && (
            <button
              className="jp-mm-Button jp-mm-CompareButton"
              title={`Compare ${compareWith} with ${version.ref}: schema and profile`}
              onClick={() => props.onCompare(compareWith, version.ref)}
            >
              {`Compare with v${compareWith.slice(compareWith.lastIndexOf(':v') + 2)}`}
            </button>
          )}
          {canDownload(version) && (
            <DownloadButton
              digest={version.digest}
              fileName={version.file_name}
              fallbackName={fallback}
              size={version.size}
              loadBlob={props.loadBlob}
              label="Download"
            />
          )}
        </span>
      </div>
      <dl className="jp-mm-Facts jp-mm-VersionCard-facts">
        <dt>{version.stored ? 'Digest' : 'Fingerprint'}</dt>
        <dd className="jp-mm-VersionCard-digest">
          <code title={version.digest}>
            {version.digest.slice(0, SHORT_DIGEST)}
          </code>
          {version.digest && (
            <CopyButton
              text={version.digest}
              label={`Copy the digest of ${version.ref}`}
            />
          )}
        </dd>
        {version.stored && fingerprint && (
          <>
            <dt>Fingerprint</dt>
            <dd className="jp-mm-VersionCard-fingerprint">
              <code title={fingerprint}>
                {fingerprint.slice(0, SHORT_DIGEST)}
              </code>
            </dd>
          </>
        )}
        <dt>Size</dt>
        <dd>
          {version.stored ? formatBytes(version.size) : 'no bytes stored'}
        </dd>
        <dt>Format</dt>
        <dd title={version.media_type}>
          {version.format || '—'}
          {version.media_type && (
            <span className="jp-mm-VersionCard-media">
              {version.media_type}
            </span>
          )}
        </dd>
        {version.file_name && (
          <>
            <dt>File</dt>
            <dd>
              <code>{version.file_name}</code>
            </dd>
          </>
        )}
        <dt>Produced by</dt>
        <dd className="jp-mm-VersionCard-producer">
          {version.producer ? (
            <RunLink run={version.producer} onOpen={openRun} />
          ) : (
            <span className="jp-mm-Muted">outside a tracked run</span>
          )}
        </dd>
        <dt>Used by</dt>
        <dd className="jp-mm-VersionCard-consumers">
          {version.consumers.length === 0 ? (
            <span className="jp-mm-Muted">no run yet</span>
          ) : (
            version.consumers.map(run => (
              <RunLink key={run.id} run={run} onOpen={openRun} />
            ))
          )}
        </dd>
      </dl>
      <VersionData version={version} />
      {version.files && (
        <FilesView
          files={version.files}
          loadBlob={props.loadBlob}
          fallback={fallback}
        />
      )}
    </article>
  );
}

/**
 * The files of a directory version, folded away, each downloadable.
 */
function FilesView(props: {
  files: MM.IArtifactFile[];
  loadBlob: (digest: string) => Promise<Blob>;
  fallback: string;
}): JSX.Element {
  const total = props.files.reduce((sum, f) => sum + f.size, 0);
  return (
    <details className="jp-mm-Collapsible jp-mm-Files">
      <summary>{`Files (${props.files.length}, ${formatBytes(total)})`}</summary>
      <table className="jp-mm-KeyValueTable jp-mm-FilesTable">
        <tbody>
          {props.files.map(file => (
            <tr key={file.path} data-file={file.path}>
              <td className="jp-mm-KeyValueTable-key">{file.path}</td>
              <td className="jp-mm-mod-numeric">{formatBytes(file.size)}</td>
              <td>
                <code title={file.digest}>
                  {file.digest.slice(0, SHORT_DIGEST)}
                </code>
              </td>
              <td>
                {file.digest && (
                  <DownloadButton
                    digest={file.digest}
                    fileName={file.path}
                    fallbackName={props.fallback}
                    size={file.size}
                    loadBlob={props.loadBlob}
                  />
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </details>
  );
}
