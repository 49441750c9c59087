import * as React from 'react';

import { formatValue } from '../shared/format';
import { profileOf } from './decode';
import { ProfileTable } from './ProfileTable';
import * as MM from './types';

/** Columns shown before the rest fold away. */
const COLUMNS_SHOWN = 12;

/** Metadata shown elsewhere (the profile table, the facts) or not at all. */
const HIDDEN_METADATA = new Set([
  'profile',
  'column_digests',
  'fingerprint',
  'fingerprint_sampled'
]);

/** What the note of a fingerprint-only version says. */
export const FINGERPRINT_ONLY_NOTE =
  'Fingerprint only: data passed to fit(), recorded by its fingerprint, schema and profile; its bytes were not stored.';

/** Whether a version has bytes to download (not a directory, not fingerprint-only). */
export function canDownload(version: MM.IArtifactVersion): boolean {
  return version.stored && !version.is_dir && version.digest !== '';
}

/** Whether a version's metadata says which columns it has (a diff means something). */
function hasSchema(version: MM.IArtifactVersion): boolean {
  const m = version.metadata;
  return (
    profileOf(m) !== null || (m.columns !== undefined && m.columns !== null)
  );
}

/**
 * The reference of the version before `versions[index]` (newest first) when both are
 * dataset versions with a schema, so that comparing them shows something; else null.
 */
export function previousDataset(
  kind: string,
  versions: MM.IArtifactVersion[],
  index: number
): string | null {
  const previous = versions[index + 1];
  if (kind !== 'dataset' || previous === undefined) {
    return null;
  }
  return hasSchema(versions[index]) && hasSchema(previous)
    ? previous.ref
    : null;
}

/**
 * What a version says about its data: the fingerprint-only note, format facts
 * (`rows`, `shape`, ...), and the profile table (else the columns it has).
 */
export function VersionData(props: {
  version: MM.IArtifactVersion;
}): JSX.Element {
  const { version } = props;
  const profile = profileOf(version.metadata);
  return (
    <>
      {!version.stored && (
        <p className="jp-mm-VersionCard-note jp-mm-Muted">
          {FINGERPRINT_ONLY_NOTE}
        </p>
      )}
      <MetadataView
        metadata={version.metadata}
        showColumns={profile === null}
      />
      {profile && <ProfileTable profile={profile} />}
    </>
  );
}

/**
 * Format-specific facts: `rows`, `shape`, ... inline; `columns` as a table.
 */
function MetadataView(props: {
  metadata: Record<string, MM.JSONValue>;
  /** Whether to list the columns (not when a profile table lists them). */
  showColumns: boolean;
}): JSX.Element | null {
  const { columns: listed, ...rest } = props.metadata;
  const columns = props.showColumns ? listed : undefined;
  const facts = Object.entries(rest).filter(([k]) => !HIDDEN_METADATA.has(k));
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
