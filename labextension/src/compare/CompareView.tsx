/**
 * The comparison of N runs: the runs with their colours, one metric's series of
 * every run overlaid (picker, log scale, smoothing, hover, zoom), the params
 * table, parallel coordinates, a scatter and group-by.
 */
import * as React from 'react';

import { ChartControls, logDisabledReason } from '../shared/ChartParts';
import { directionOf } from '../shared/deltas';
import { colorClass, IChartSeries, SeriesChart } from '../shared/SeriesChart';
import * as MM from '../shared/types';
import { CompareTable } from './CompareTable';
import { GroupByTable } from './GroupByTable';
import { ParallelCoords } from './ParallelCoords';
import { ScatterPlot } from './ScatterPlot';
import { Cmp } from './types';

/** Props of {@link CompareView}. */
export interface ICompareViewProps {
  comparison: Cmp.IComparison;
  /** Open a run's detail view. */
  onOpenRun: (run: MM.IRunSummary) => void;
}

export function CompareView(props: ICompareViewProps): JSX.Element {
  const { comparison } = props;
  return (
    <div className="jp-mm-CompareView">
      <div className="jp-mm-CompareRuns" aria-label="Compared runs">
        {comparison.runs.map((run, i) => (
          <button
            key={run.id}
            className="jp-mm-Link jp-mm-CompareRun"
            data-run-id={run.id}
            title={`Open run ${run.id}`}
            onClick={() => props.onOpenRun(run)}
          >
            <span
              className={`jp-mm-Swatch ${colorClass(i)}`}
              aria-hidden="true"
            />
            {run.name || run.id}
          </button>
        ))}
      </div>
      <Section title="Metrics">
        <OverlaySection comparison={comparison} />
      </Section>
      <Section title="Params">
        <CompareTable comparison={comparison} />
      </Section>
      <Section title="Parallel coordinates">
        <ParallelCoords comparison={comparison} />
      </Section>
      <Section title="Scatter">
        <ScatterPlot comparison={comparison} />
      </Section>
      <Section title="Group by">
        <GroupByTable comparison={comparison} />
      </Section>
    </div>
  );
}

function Section(props: {
  title: string;
  children: React.ReactNode;
}): JSX.Element {
  return (
    <details className="jp-mm-DiffSection jp-mm-CompareSection" open>
      <summary className="jp-mm-DiffSection-title">{props.title}</summary>
      <div className="jp-mm-DiffSection-body">{props.children}</div>
    </details>
  );
}

/** The overlaid series of one metric, chosen with a picker. */
function OverlaySection(props: { comparison: Cmp.IComparison }): JSX.Element {
  const { comparison } = props;
  const charted = comparison.metric_keys.filter(k => k in comparison.series);
  const [key, setKey] = React.useState(charted[0] ?? '');
  const [log, setLog] = React.useState(false);
  const [smoothing, setSmoothing] = React.useState(0);
  if (!charted.length) {
    return <div className="jp-mm-Empty">No metrics.</div>;
  }
  const metric = charted.includes(key) ? key : charted[0];
  const byRun = comparison.series[metric] ?? {};
  const series: IChartSeries[] = comparison.runs.flatMap((run, i) =>
    byRun[run.id]
      ? [
          {
            id: run.id,
            label: run.name || run.id,
            color: i,
            points: byRun[run.id].points
          }
        ]
      : []
  );
  const thinned = comparison.runs.filter(r => byRun[r.id]?.downsampled).length;
  const direction = directionOf(comparison.directions, metric);
  return (
    <div className="jp-mm-CompareOverlay" data-metric={metric}>
      <div className="jp-mm-CompareControls">
        <label className="jp-mm-CompareControl">
          metric{' '}
          <select
            className="jp-mm-Select jp-mod-styled"
            aria-label="Metric"
            value={metric}
            onChange={e => setKey(e.currentTarget.value)}
          >
            {charted.map(k => (
              <option key={k} value={k}>
                {k}
              </option>
            ))}
          </select>
        </label>
        <span className="jp-mm-Muted">
          {`${direction === 'min' ? 'lower' : 'higher'} is better · ${series.length} of ${comparison.runs.length} runs logged it`}
          {thinned > 0 &&
            ` · ${thinned} long series thinned to ≤ ${comparison.max_points} points (min and max per bucket kept)`}
        </span>
      </div>
      <SeriesChart
        key={metric}
        name={metric}
        series={series}
        width={760}
        height={300}
        log={log}
        smoothing={smoothing}
      />
      <ChartControls
        log={log}
        logDisabledReason={logDisabledReason(
          series.flatMap(s => s.points.map(p => p.value))
        )}
        onLog={setLog}
        smoothing={smoothing}
        onSmoothing={setSmoothing}
      />
    </div>
  );
}
