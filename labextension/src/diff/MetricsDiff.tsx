/**
 * The metrics section of the run diff: a table of both sides and the change,
 * coloured by whether it is an improvement (a lower `val_loss`, a higher `acc`),
 * and a chart per metric with a series on either side; `SidesHead` is the
 * two-sided table head the diff's tables share.
 */
import * as React from 'react';

import { ChartControls, logDisabledReason } from '../shared/ChartParts';
import {
  changeQuality,
  Direction,
  directionOf,
  formatDelta,
  formatRelative,
  qualityClass,
  qualityText
} from '../shared/deltas';
import { formatNumber } from '../shared/format';
import { SeriesChart } from '../shared/SeriesChart';
import { Diff } from './types';

/** The header of a table comparing side A and side B, one row per `what`. */
export function SidesHead(props: {
  what: string;
  last?: string;
  extra?: string;
}): JSX.Element {
  return (
    <thead>
      <tr>
        <th>{props.what}</th>
        <th>A</th>
        <th>B</th>
        <th>{props.last}</th>
        {props.extra !== undefined && <th>{props.extra}</th>}
      </tr>
    </thead>
  );
}

export function MetricsDiff(props: {
  metrics: Diff.IMetric[];
  directions: Record<string, Direction>;
}): JSX.Element {
  const { metrics, directions } = props;
  if (!metrics.length) {
    return <div className="jp-mm-Empty">No metrics.</div>;
  }
  const charted = metrics.filter(
    m => m.series_a.length > 1 || m.series_b.length > 1
  );
  return (
    <>
      <table className="jp-mm-DiffTable jp-mm-DiffMetrics">
        <SidesHead what="metric" last="Δ" extra="Δ %" />
        <tbody>
          {metrics.map(m => {
            const direction = directionOf(directions, m.key);
            const quality = changeQuality(m.delta, direction);
            const relative = formatRelative(m.a, m.b);
            return (
              <tr
                key={m.key}
                data-metric={m.key}
                data-direction={direction}
                data-quality={quality ?? ''}
              >
                <td className="jp-mm-DiffTable-key">
                  {m.key}
                  <span
                    className="jp-mm-Direction"
                    title={
                      direction === 'min'
                        ? 'lower is better'
                        : 'higher is better'
                    }
                  >
                    {direction === 'min' ? ' ↓' : ' ↑'}
                  </span>
                </td>
                <td className="jp-mm-mod-numeric">{formatNumber(m.a)}</td>
                <td className="jp-mm-mod-numeric">{formatNumber(m.b)}</td>
                <td
                  className={
                    'jp-mm-mod-numeric jp-mm-DiffDelta' + qualityClass(quality)
                  }
                  title={qualityText(quality, direction)}
                >
                  {formatDelta(m.delta)}
                </td>
                <td
                  className={
                    'jp-mm-mod-numeric jp-mm-DiffRelative' +
                    qualityClass(quality)
                  }
                >
                  {relative ?? ''}
                </td>
              </tr>
            );
          })}
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

/** Both runs' series of one metric in one chart (A and B in the first two run colours). */
function PairChart(props: { metric: Diff.IMetric }): JSX.Element {
  const { metric } = props;
  const [log, setLog] = React.useState(false);
  const [smoothing, setSmoothing] = React.useState(0);
  const values = [...metric.series_a, ...metric.series_b].map(p => p.value);
  return (
    <div className="jp-mm-MetricChart jp-mm-DiffChart" data-metric={metric.key}>
      <div className="jp-mm-MetricChart-header">
        <span className="jp-mm-MetricChart-name">{metric.key}</span>
        <span className="jp-mm-DiffChart-legend">
          <span className="jp-mm-DiffChart-a">A</span>{' '}
          <span className="jp-mm-DiffChart-b">B</span>
        </span>
      </div>
      <SeriesChart
        name={`${metric.key}: A and B`}
        series={[
          { id: 'a', label: 'A', color: 0, points: metric.series_a },
          { id: 'b', label: 'B', color: 1, points: metric.series_b }
        ]}
        width={300}
        height={140}
        log={log}
        smoothing={smoothing}
      />
      <ChartControls
        log={log}
        logDisabledReason={logDisabledReason(values)}
        onLog={setLog}
        smoothing={smoothing}
        onSmoothing={setSmoothing}
        showSmoothing={values.length >= 20}
      />
    </div>
  );
}
