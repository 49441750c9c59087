import * as React from 'react';

import { formatNumber } from '../shared/format';
import * as MM from './types';

/** Columns shown before the rest fold away. */
const COLUMNS_SHOWN = 12;

/** Top values shown per categorical column. */
const TOP_SHOWN = 3;

/** A statistic as text: numbers formatted, datetimes as sent, missing as empty. */
export function statText(value: number | string | null | undefined): string {
  if (value === null || value === undefined) {
    return '';
  }
  return typeof value === 'number' ? formatNumber(value) : value;
}

/** `Paris (40), Lyon (30)`: the most frequent values with their counts. */
export function topText(top: MM.ITopValue[]): string {
  return top
    .slice(0, TOP_SHOWN)
    .map(t => `${t.value} (${formatNumber(t.count)})`)
    .join(', ');
}

/** `1,000 rows · statistics of 50,000 evenly spaced rows · 100 of 300 columns`. */
export function profileNote(profile: MM.IDatasetProfile): string {
  const parts = [
    profile.rows === null
      ? 'rows unknown'
      : `${profile.rows.toLocaleString()} rows`
  ];
  if (profile.sample_rows !== null) {
    parts.push(
      `statistics of ${profile.sample_rows.toLocaleString()} evenly spaced rows`
    );
  }
  const total = profile.columns_total;
  if (
    total !== null &&
    total > profile.columns.length &&
    profile.columns.length
  ) {
    parts.push(`first ${profile.columns.length} of ${total} columns`);
  }
  if (profile.nnz !== null) {
    parts.push(`sparse: ${profile.nnz.toLocaleString()} stored values`);
  }
  return parts.join(' · ');
}

function ProfileRows(props: { columns: MM.IColumnProfile[] }): JSX.Element {
  return (
    <table className="jp-mm-KeyValueTable jp-mm-ProfileTable">
      <thead>
        <tr>
          <th>Column</th>
          <th>Type</th>
          <th>Nulls</th>
          <th>Min</th>
          <th>Max</th>
          <th>Mean</th>
          <th>Std</th>
          <th>Distinct · top</th>
        </tr>
      </thead>
      <tbody>
        {props.columns.map((c, i) => (
          <tr key={`${i}:${c.name}`} data-column={c.name} data-kind={c.kind}>
            <td className="jp-mm-KeyValueTable-key">{c.name}</td>
            <td className="jp-mm-KeyValueTable-source">{c.dtype}</td>
            <td className="jp-mm-mod-numeric">{statText(c.nulls)}</td>
            <td className="jp-mm-mod-numeric">{statText(c.min)}</td>
            <td className="jp-mm-mod-numeric">{statText(c.max)}</td>
            <td className="jp-mm-mod-numeric">{statText(c.mean)}</td>
            <td className="jp-mm-mod-numeric">{statText(c.std)}</td>
            <td className="jp-mm-ProfileTable-top">
              {c.distinct === null
                ? ''
                : `${formatNumber(c.distinct)} · ${topText(c.top)}`}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/**
 * A dataset version's profile: a note (rows, sampling) and one compact row per
 * column. Names and values are shown as text.
 */
export function ProfileTable(props: {
  profile: MM.IDatasetProfile;
}): JSX.Element {
  const { profile } = props;
  return (
    <div className="jp-mm-Profile">
      <p className="jp-mm-Profile-note jp-mm-Muted">{profileNote(profile)}</p>
      {profile.columns.length > 0 &&
        (profile.columns.length <= COLUMNS_SHOWN ? (
          <ProfileRows columns={profile.columns} />
        ) : (
          <details className="jp-mm-Collapsible">
            <summary>{`Profile (${profile.columns.length} columns)`}</summary>
            <ProfileRows columns={profile.columns} />
          </details>
        ))}
    </div>
  );
}
