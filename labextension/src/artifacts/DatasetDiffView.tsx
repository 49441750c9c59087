import * as React from 'react';

import { formatNumber } from '../shared/format';
import { statText, topText } from './ProfileTable';
import * as MM from './types';

/** `3 → 5 (+2)`: a change with its delta when both sides are numbers. */
export function changeText(change: MM.IStatChange | MM.IRowCounts): string {
  const a = statText(change.a) || '—';
  const b = statText(change.b) || '—';
  if (change.delta === null || change.delta === 0) {
    return `${a} → ${b}`;
  }
  const sign = change.delta > 0 ? '+' : '';
  return `${a} → ${b} (${sign}${formatNumber(change.delta)})`;
}

/** The statistics of a column that differ, as `mean: 1 → 2 (+1)` lines. */
export function columnChanges(column: MM.IColumnDiff): string[] {
  const lines = Object.entries(column.stats)
    .filter(([, change]) => change.a !== change.b)
    .map(([stat, change]) => `${stat}: ${changeText(change)}`);
  if (column.dtype.a !== column.dtype.b) {
    lines.unshift(`dtype: ${column.dtype.a ?? '—'} → ${column.dtype.b ?? '—'}`);
  }
  if (topText(column.top.a) !== topText(column.top.b)) {
    lines.push(
      `top: ${topText(column.top.a) || '—'} → ${topText(column.top.b) || '—'}`
    );
  }
  return lines;
}

function sideLabel(side: MM.IDatasetDiffSide): string {
  return side.stored ? side.ref : `${side.ref} (fingerprint only)`;
}

/**
 * What changed from one dataset version to another: rows, schema (added, removed and
 * retyped columns) and the profile of each column found on both sides.
 */
export function DatasetDiffView(props: {
  diff: MM.IDatasetDiff;
  onClose?: () => void;
}): JSX.Element {
  const { diff } = props;
  const { schema, summary } = diff;
  const changed = diff.columns.filter(c => c.changed);
  const unchanged = diff.columns.length - changed.length;
  return (
    <div
      className="jp-mm-DatasetDiff"
      data-diff-a={diff.a.ref}
      data-diff-b={diff.b.ref}
    >
      <div className="jp-mm-DatasetDiff-header">
        <strong>{`${sideLabel(diff.a)} → ${sideLabel(diff.b)}`}</strong>
        {props.onClose && (
          <button
            className="jp-mm-Button jp-mm-DatasetDiff-close"
            title="Close the comparison"
            onClick={props.onClose}
          >
            Close
          </button>
        )}
      </div>
      <p className="jp-mm-DatasetDiff-summary">
        {[
          `rows ${changeText(diff.rows)}`,
          `${summary.columns_added} added`,
          `${summary.columns_removed} removed`,
          `${summary.dtypes_changed} retyped`,
          `${summary.columns_changed} profiles changed`
        ].join(' · ')}
        {diff.same_content && ' · same content'}
      </p>
      {(schema.added.length > 0 ||
        schema.removed.length > 0 ||
        schema.changed.length > 0) && (
        <ul className="jp-mm-DatasetDiff-schema">
          {schema.added.map(c => (
            <li
              key={`+${c.name}`}
              className="jp-mm-mod-added"
              data-column={c.name}
            >
              {`+ ${c.name} ${c.dtype ?? ''}`}
            </li>
          ))}
          {schema.removed.map(c => (
            <li
              key={`-${c.name}`}
              className="jp-mm-mod-removed"
              data-column={c.name}
            >
              {`− ${c.name} ${c.dtype ?? ''}`}
            </li>
          ))}
          {schema.changed.map(c => (
            <li
              key={`~${c.name}`}
              className="jp-mm-mod-changed"
              data-column={c.name}
            >
              {`~ ${c.name}: ${c.a ?? '—'} → ${c.b ?? '—'}`}
            </li>
          ))}
        </ul>
      )}
      {changed.length > 0 && (
        <table className="jp-mm-KeyValueTable jp-mm-DatasetDiff-columns">
          <tbody>
            {changed.map(c => (
              <tr key={c.name} data-column={c.name}>
                <td className="jp-mm-KeyValueTable-key">{c.name}</td>
                <td className="jp-mm-KeyValueTable-value">
                  {columnChanges(c).map(line => (
                    <div key={line}>{line}</div>
                  ))}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {unchanged > 0 && (
        <p className="jp-mm-Muted">{`${unchanged} columns with the same profile`}</p>
      )}
      {!(diff.a.profiled && diff.b.profiled) && (
        <p className="jp-mm-Muted">
          One side has no profile: only its schema is compared.
        </p>
      )}
    </div>
  );
}
