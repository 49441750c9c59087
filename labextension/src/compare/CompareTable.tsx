/**
 * The params table of a comparison: one column per run, one row per param (the
 * rows whose values differ highlighted; "only differences" hides the others),
 * then the latest value of each metric with the best run marked by its direction.
 */
import * as React from 'react';

import { directionOf } from '../shared/deltas';
import { formatNumber, formatValue } from '../shared/format';
import { colorClass } from '../shared/SeriesChart';
import { bestRunIndex } from './compareMath';
import { Cmp } from './types';

export function CompareTable(props: {
  comparison: Cmp.IComparison;
}): JSX.Element {
  const { comparison } = props;
  const { runs } = comparison;
  const [onlyDiff, setOnlyDiff] = React.useState(true);
  const differing = new Set(comparison.differing_params);
  const params = onlyDiff
    ? comparison.param_keys.filter(k => differing.has(k))
    : comparison.param_keys;
  return (
    <div className="jp-mm-CompareTable">
      <label className="jp-mm-CompareTable-toggle">
        <input
          type="checkbox"
          checked={onlyDiff}
          onChange={e => setOnlyDiff(e.currentTarget.checked)}
        />
        {` only differences (${comparison.differing_params.length} of ${comparison.param_keys.length} params)`}
      </label>
      <div className="jp-mm-CompareTable-scroll">
        <table className="jp-mm-DiffTable">
          <thead>
            <tr>
              <th>param</th>
              {runs.map((run, i) => (
                <th key={run.id} data-run-id={run.id} title={run.id}>
                  <span
                    className={`jp-mm-Swatch ${colorClass(i)}`}
                    aria-hidden="true"
                  />
                  {run.name || run.id}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {params.length === 0 && (
              <tr>
                <td className="jp-mm-Muted" colSpan={runs.length + 1}>
                  {comparison.param_keys.length
                    ? 'Every param is the same in all runs.'
                    : 'No params.'}
                </td>
              </tr>
            )}
            {params.map(key => (
              <tr
                key={`p:${key}`}
                data-param={key}
                className={differing.has(key) ? 'jp-mm-mod-differs' : undefined}
              >
                <td className="jp-mm-DiffTable-key">{key}</td>
                {runs.map(run => (
                  <td key={run.id} className="jp-mm-mod-numeric">
                    {key in run.params ? formatValue(run.params[key]) : '—'}
                  </td>
                ))}
              </tr>
            ))}
            {comparison.metric_keys.length > 0 && (
              <tr className="jp-mm-CompareTable-section">
                <th colSpan={runs.length + 1}>latest metrics</th>
              </tr>
            )}
            {comparison.metric_keys.map(key => {
              const direction = directionOf(comparison.directions, key);
              const best = bestRunIndex(
                runs.map(r => r.metrics[key]),
                direction
              );
              return (
                <tr key={`m:${key}`} data-metric={key}>
                  <td
                    className="jp-mm-DiffTable-key"
                    title={
                      direction === 'min'
                        ? 'lower is better'
                        : 'higher is better'
                    }
                  >
                    {`${key} ${direction === 'min' ? '↓' : '↑'}`}
                  </td>
                  {runs.map((run, i) => (
                    <td
                      key={run.id}
                      className={
                        'jp-mm-mod-numeric' +
                        (i === best ? ' jp-mm-mod-best' : '')
                      }
                      title={i === best ? 'best of these runs' : undefined}
                    >
                      {key in run.metrics
                        ? formatNumber(run.metrics[key])
                        : '—'}
                    </td>
                  ))}
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
    </div>
  );
}
