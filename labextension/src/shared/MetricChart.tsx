import * as React from 'react';

import { finiteRunsBy } from './chartMath';
import { ChartControls, logDisabledReason } from './ChartParts';
import { formatNumber } from './format';
import * as MM from './types';
import { SeriesChart } from './SeriesChart';

/**
 * Props of {@link MetricChart}.
 */
export interface IMetricChartProps {
  /** Metric key, shown as the title. */
  name: string;
  /** The step series, sorted by step. Non-finite values leave gaps. */
  points: MM.IMetricPoint[];
  /** Width of the drawing in SVG units (it scales to its box). */
  width?: number;
  /** Height of the drawing in SVG units. */
  height?: number;
  /** How an x value reads (`v3` for versions); steps by default. */
  xLabel?: (x: number) => string;
  /** Label every x value on the axis (for a few versions) instead of nice ticks. */
  tickEach?: boolean;
  /** An extra class for the dot at an x value (e.g. the stage of a version). */
  dotClass?: (x: number) => string | undefined;
}

/** Series with fewer points get no smoothing control (nothing to smooth). */
const SMOOTHING_FROM = 10;

/**
 * Split a series into runs of consecutive finite points; NaN and ±Infinity break it.
 */
export function segments(points: MM.IMetricPoint[]): MM.IMetricPoint[][] {
  return finiteRunsBy(points, p => p.step);
}

/**
 * One metric of a run over steps: the last value in the header, then an
 * interactive chart (hover readout, drag to zoom, log scale, smoothing). A metric
 * logged once is shown as its value, not as a chart of one point.
 */
export function MetricChart(props: IMetricChartProps): JSX.Element {
  const { name, points } = props;
  const [log, setLog] = React.useState(false);
  const [smoothing, setSmoothing] = React.useState(0);
  const last = points.length ? points[points.length - 1] : null;
  const finite = points.filter(
    p => Number.isFinite(p.value) && Number.isFinite(p.step)
  );
  const nonFinite = points.length - finite.length;

  const header = (
    <div className="jp-mm-MetricChart-header">
      <span className="jp-mm-MetricChart-name" title={name}>
        {name}
      </span>
      <span className="jp-mm-MetricChart-last" title="Last value">
        {last ? formatNumber(last.value) : '—'}
      </span>
    </div>
  );

  if (points.length <= 1 || finite.length === 0) {
    return (
      <div className="jp-mm-MetricChart jp-mm-mod-single">
        {header}
        <div className="jp-mm-MetricChart-note">
          {points.length === 0
            ? 'no values'
            : points.length === 1
              ? props.xLabel
                ? props.xLabel(points[0].step)
                : 'single value'
              : `${points.length} steps, no finite value`}
        </div>
      </div>
    );
  }

  return (
    <div className="jp-mm-MetricChart" data-metric={name}>
      {header}
      <SeriesChart
        name={name}
        series={[{ id: name, label: name, color: -1, points }]}
        width={props.width ?? 280}
        height={props.height ?? 130}
        log={log}
        smoothing={smoothing}
        xLabel={props.xLabel}
        tickEach={props.tickEach}
        dotClass={props.dotClass}
      />
      {!props.xLabel && (
        <ChartControls
          log={log}
          logDisabledReason={logDisabledReason(finite.map(p => p.value))}
          onLog={setLog}
          smoothing={smoothing}
          onSmoothing={setSmoothing}
          showSmoothing={finite.length >= SMOOTHING_FROM}
        />
      )}
      {nonFinite > 0 && (
        <div className="jp-mm-MetricChart-note">
          {`${nonFinite} non-finite value${nonFinite === 1 ? '' : 's'} (gaps)`}
        </div>
      )}
    </div>
  );
}
