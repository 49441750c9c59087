import * as React from 'react';

import { IActions } from '../shared/actions';
import {
  aliasEntries,
  formatBytes,
  formatTime,
  formatValue
} from '../shared/format';
import { lineageIcon } from '../shared/icons';
import * as MM from './types';
import { CopyButton } from '../shared/CopyButton';
import { DownloadButton } from '../shared/DownloadButton';
import { Fact, TagsFact } from '../shared/Facts';
import { RunLink } from '../shared/Links';
import { AliasBadge, AliasBadges, KindBadge } from '../shared/Badges';

/**
 * Props of {@link ArtifactDetail}.
 */
export interface IArtifactDetailProps {
  /** The artifact with its versions (newest first) and alias history. */
  detail: MM.IArtifactDetail;
  /** Fetch a blob's bytes by digest. */
  loadBlob: (digest: string) => Promise<Blob>;
  /** Navigation to runs, artifacts and lineage. */
  actions: IActions;
  /** Version to highlight (opened from a reference to it). */
  focusVersion?: number | null;
}

/** How many hex digits of a digest are shown. */
const SHORT_DIGEST = 12;

/** Columns shown before the rest fold away. */
const COLUMNS_SHOWN = 12;

/**
 * The artifact page: header, one card per version (newest first), alias history.
 */
export function ArtifactDetail(props: IArtifactDetailProps): JSX.Element {
  const { artifact, versions, alias_history } = props.detail;
  const aliases = aliasEntries(artifact.aliases);
  const latest = versions.length ? versions[0].version : null;
  return (
    <div className="jp-mm-ArtifactDetail" data-artifact-name={artifact.name}>
      <header className="jp-mm-RunHeader">
        <div className="jp-mm-RunHeader-title">
          <h1 className="jp-mm-RunHeader-name">{artifact.name}</h1>
          <KindBadge kind={artifact.kind} />
        </div>
        {artifact.description && (
          <p className="jp-mm-ArtifactDetail-description">
            {artifact.description}
          </p>
        )}
        <dl className="jp-mm-Facts">
          <dt>Versions</dt>
          <dd>{String(artifact.n_versions || versions.length)}</dd>
          {artifact.created_at && (
            <>
              <dt>Created</dt>
              <dd>{formatTime(artifact.created_at)}</dd>
            </>
          )}
          {aliases.length > 0 && (
            <Fact label="Aliases" className="jp-mm-ArtifactDetail-aliases">
              <AliasBadges aliases={aliases} showVersion />
            </Fact>
          )}
          <TagsFact tags={artifact.tags} />
        </dl>
      </header>
      <section className="jp-mm-Section jp-mm-Section-versions">
        <h2 className="jp-mm-Section-title">{`Versions (${versions.length})`}</h2>
        {versions.length === 0 ? (
          <p className="jp-mm-Empty">No versions.</p>
        ) : (
          <div className="jp-mm-Versions">
            {versions.map(version => (
              <VersionCard
                key={version.version}
                version={version}
                latest={version.version === latest}
                focused={props.focusVersion === version.version}
                loadBlob={props.loadBlob}
                actions={props.actions}
              />
            ))}
          </div>
        )}
      </section>
      {alias_history.length > 0 && (
        <section className="jp-mm-Section jp-mm-Section-aliases">
          <h2 className="jp-mm-Section-title">Alias history</h2>
          <AliasHistory history={alias_history} />
        </section>
      )}
    </div>
  );
}

/**
 * One version: facts, producer and consumers, metadata, files, actions.
 */
function VersionCard(props: {
  version: MM.IArtifactVersion;
  latest: boolean;
  focused: boolean;
  loadBlob: (digest: string) => Promise<Blob>;
  actions: IActions;
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
          {!version.is_dir && version.digest && (
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
        <dt>Digest</dt>
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
        <dt>Size</dt>
        <dd>{formatBytes(version.size)}</dd>
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
      <MetadataView metadata={version.metadata} />
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
 * Format-specific facts: `rows`, `shape`, ... inline; `columns` as a table.
 */
function MetadataView(props: {
  metadata: Record<string, MM.JSONValue>;
}): JSX.Element | null {
  const { columns, ...rest } = props.metadata;
  const facts = Object.entries(rest);
  const columnRows: [string, string][] = Array.isArray(columns)
    ? columns.map(c => [formatValue(c), ''])
    : columns && typeof columns === 'object'
      ? Object.entries(columns).map(([k, v]) => [k, formatValue(v)])
      : [];
  if (facts.length === 0 && columnRows.length === 0) {
    return null;
  }
  const table = (rows: [string, string][]) => (
    <table className="jp-mm-KeyValueTable jp-mm-ColumnsTable">
      <tbody>
        {rows.map(([name, dtype]) => (
          <tr key={name} data-column={name}>
            <td className="jp-mm-KeyValueTable-key">{name}</td>
            <td className="jp-mm-KeyValueTable-source">{dtype}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
  return (
    <div className="jp-mm-Metadata">
      {facts.length > 0 && (
        <div className="jp-mm-Metadata-facts">
          {facts.map(([key, value]) => (
            <span key={key} className="jp-mm-Tag" data-metadata={key}>
              <span className="jp-mm-Tag-key">{key}</span>
              <span className="jp-mm-Tag-value">
                {typeof value === 'number'
                  ? value.toLocaleString()
                  : formatValue(value)}
              </span>
            </span>
          ))}
          {columnRows.length > 0 && (
            <span className="jp-mm-Tag" data-metadata="columns">
              <span className="jp-mm-Tag-key">columns</span>
              <span className="jp-mm-Tag-value">
                {String(columnRows.length)}
              </span>
            </span>
          )}
        </div>
      )}
      {columnRows.length > 0 &&
        (columnRows.length <= COLUMNS_SHOWN ? (
          table(columnRows)
        ) : (
          <details className="jp-mm-Collapsible">
            <summary>{`Columns (${columnRows.length})`}</summary>
            {table(columnRows)}
          </details>
        ))}
    </div>
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

/**
 * Alias moves, newest first.
 */
function AliasHistory(props: { history: MM.IAliasChange[] }): JSX.Element {
  const rows = [...props.history].sort((a, b) =>
    (b.changed_at ?? '').localeCompare(a.changed_at ?? '')
  );
  const v = (n: number | null) => (n === null ? '—' : `v${n}`);
  return (
    <table className="jp-mm-KeyValueTable jp-mm-AliasHistory">
      <thead>
        <tr>
          <th>Alias</th>
          <th>Change</th>
          <th>When</th>
          <th>By</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((change, i) => (
          <tr key={i} data-alias={change.alias}>
            <td>
              <AliasBadge alias={change.alias} />
            </td>
            <td className="jp-mm-KeyValueTable-value">
              {`${v(change.from_version)} → ${v(change.to_version)}`}
            </td>
            <td>{formatTime(change.changed_at)}</td>
            <td className="jp-mm-KeyValueTable-source">{change.user ?? ''}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
