/**
 * Group-by of a comparison: runs grouped by a param or tag value, with the count
 * and the mean, min and max of each metric per group.
 */
import * as React from 'react';

import { formatNumber } from '../shared/format';
import { fieldId, groupBy, IField, parseFieldId, tagKeys } from './compareMath';
import { Cmp } from './types';

export function GroupByTable(props: {
  comparison: Cmp.IComparison;
}): JSX.Element {
  const { comparison } = props;
  const fields: IField[] = [
    ...comparison.param_keys.map(key => ({ kind: 'param' as const, key })),
    ...tagKeys(comparison.runs).map(key => ({ kind: 'tag' as const, key }))
  ];
  const first =
    comparison.differing_params[0] !== undefined
      ? `param:${comparison.differing_params[0]}`
      : fields.length
        ? fieldId(fields[0])
        : '';
  const [chosen, setChosen] = React.useState(first);
  const field = parseFieldId(chosen);
  if (!fields.length || !field) {
    return <div className="jp-mm-Empty">No params or tags to group by.</div>;
  }
  const metrics = comparison.metric_keys;
  const groups = groupBy(comparison.runs, field, metrics);
  return (
    <div className="jp-mm-GroupBy">
      <label className="jp-mm-CompareControl">
        group by{' '}
        <select
          className="jp-mm-Select jp-mod-styled"
          aria-label="Group by"
          value={chosen}
          onChange={e => setChosen(e.currentTarget.value)}
        >
          {fields.map(f => (
            <option key={fieldId(f)} value={fieldId(f)}>
              {`${f.kind} ${f.key}`}
            </option>
          ))}
        </select>
      </label>
      <div className="jp-mm-CompareTable-scroll">
        <table className="jp-mm-DiffTable jp-mm-GroupBy-table">
          <thead>
            <tr>
              <th>{field.key}</th>
              <th>runs</th>
              {metrics.map(key => (
                <th key={key} title="mean, and min … max">
                  {key}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {groups.map(g => (
              <tr key={g.label} data-group={g.label}>
                <td className="jp-mm-DiffTable-key">{g.label}</td>
                <td className="jp-mm-mod-numeric">{String(g.runIds.length)}</td>
                {metrics.map(key => {
                  const s = g.metrics[key];
                  return (
                    <td
                      key={key}
                      className="jp-mm-mod-numeric"
                      data-metric={key}
                    >
                      {s.n === 0 ? (
                        '—'
                      ) : (
                        <>
                          <b>{formatNumber(s.mean)}</b>
                          {s.n > 1 && (
                            <span className="jp-mm-Muted">{` ${formatNumber(s.min)} … ${formatNumber(s.max)}`}</span>
                          )}
                        </>
                      )}
                    </td>
                  );
                })}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}
