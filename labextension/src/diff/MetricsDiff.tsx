/**
 * The metrics section of the run diff: a table of both sides and the change, and a
 * chart per metric with a series on either side; `SidesHead` is the two-sided
 * table head the diff's tables share.
 */
import * as React from 'react';

import * as MM from '../shared/types';
import { ChartSvg, IPadding, StepAxes } from '../shared/ChartParts';
import { formatNumber } from '../shared/format';
import { Diff } from './types';

/** The header of a table comparing side A and side B, one row per `what`. */
export function SidesHead(props: { what: string; last?: string }): JSX.Element {
  return (
    <thead>
      <tr>
        <th>{props.what}</th>
        <th>A</th>
        <th>B</th>
        <th>{props.last}</th>
      </tr>
    </thead>
  );
}

function deltaClass(delta: number | null): string {
  if (delta === null || !Number.isFinite(delta) || delta === 0) {
    return '';
  }
  return delta > 0 ? ' jp-mm-mod-up' : ' jp-mm-mod-down';
}

export function MetricsDiff(props: { metrics: Diff.IMetric[] }): JSX.Element {
  const { metrics } = props;
  if (!metrics.length) {
    return <div className="jp-mm-Empty">No metrics.</div>;
  }
  const charted = metrics.filter(
    m => m.series_a.length > 1 || m.series_b.length > 1
  );
  return (
    <>
      <table className="jp-mm-DiffTable jp-mm-DiffMetrics">
        <SidesHead what="metric" last="Δ" />
        <tbody>
          {metrics.map(m => (
            <tr key={m.key} data-metric={m.key}>
              <td className="jp-mm-DiffTable-key">{m.key}</td>
              <td className="jp-mm-mod-numeric">{formatNumber(m.a)}</td>
              <td className="jp-mm-mod-numeric">{formatNumber(m.b)}</td>
              <td
                className={
                  'jp-mm-mod-numeric jp-mm-DiffDelta' + deltaClass(m.delta)
                }
              >
                {m.delta === null
                  ? '—'
                  : (m.delta > 0 ? '+' : '') + formatNumber(m.delta)}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {charted.length > 0 && (
        <div className="jp-mm-DiffCharts">
          {charted.map(m => (
            <PairChart key={m.key} metric={m} />
          ))}
        </div>
      )}
    </>
  );
}

const PAD: IPadding = { left: 40, right: 8, top: 8, bottom: 16 };

/** Both runs' series of one metric in one small SVG chart (A blue, B orange). */
function PairChart(props: { metric: Diff.IMetric }): JSX.Element {
  const { metric } = props;
  const width = 260;
  const height = 110;
  const finite = (s: MM.IMetricPoint[]) =>
    s.filter(p => Number.isFinite(p.step) && Number.isFinite(p.value));
  const a = finite(metric.series_a);
  const b = finite(metric.series_b);
  const all = [...a, ...b];
  let x0 = Infinity,
    x1 = -Infinity,
    y0 = Infinity,
    y1 = -Infinity;
  for (const p of all) {
    x0 = Math.min(x0, p.step);
    x1 = Math.max(x1, p.step);
    y0 = Math.min(y0, p.value);
    y1 = Math.max(y1, p.value);
  }
  if (x0 === x1) {
    x0 -= 1;
    x1 += 1;
  }
  if (y0 === y1) {
    y0 -= 1;
    y1 += 1;
  }
  const pw = width - PAD.left - PAD.right;
  const ph = height - PAD.top - PAD.bottom;
  const sx = (x: number) => PAD.left + ((x - x0) / (x1 - x0)) * pw;
  const sy = (y: number) => PAD.top + (1 - (y - y0) / (y1 - y0)) * ph;
  const line = (s: MM.IMetricPoint[]) =>
    s.map(p => `${sx(p.step).toFixed(1)},${sy(p.value).toFixed(1)}`).join(' ');
  return (
    <div className="jp-mm-MetricChart jp-mm-DiffChart" data-metric={metric.key}>
      <div className="jp-mm-MetricChart-header">
        <span className="jp-mm-MetricChart-name">{metric.key}</span>
        <span className="jp-mm-DiffChart-legend">
          <span className="jp-mm-DiffChart-a">A</span>{' '}
          <span className="jp-mm-DiffChart-b">B</span>
        </span>
      </div>
      {all.length === 0 ? (
        <div className="jp-mm-MetricChart-note">no finite values</div>
      ) : (
        <ChartSvg
          className="jp-mm-MetricChart-svg"
          width={width}
          height={height}
          label={`${metric.key}: A and B over steps`}
        >
          <StepAxes
            pad={PAD}
            plotW={pw}
            plotH={ph}
            top={formatNumber(y1)}
            bottom={formatNumber(y0)}
          />
          {(
            [
              ['a', a],
              ['b', b]
            ] as const
          ).map(([side, s]) =>
            s.length > 1 ? (
              <polyline
                key={side}
                className={`jp-mm-DiffChart-line jp-mm-DiffChart-${side}`}
                data-side={side}
                points={line(s)}
              />
            ) : s.length === 1 ? (
              <circle
                key={side}
                className={`jp-mm-DiffChart-dot jp-mm-DiffChart-${side}`}
                data-side={side}
                cx={sx(s[0].step)}
                cy={sy(s[0].value)}
                r={2.5}
              />
            ) : null
          )}
        </ChartSvg>
      )}
    </div>
  );
}
