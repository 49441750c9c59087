import * as React from 'react';

import {
  finiteExtent,
  finiteRunsBy,
  linearScale,
  padExtent
} from './chartMath';
import { formatNumber } from './format';
import * as MM from './types';
import { ChartSvg, IPadding, StepAxes } from './ChartParts';

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
  /** Label every x value on the axis (for a few versions) instead of the ends. */
  tickEach?: boolean;
  /** An extra class for the dot at an x value (e.g. the stage of a version). */
  dotClass?: (x: number) => string | undefined;
}

const PAD: IPadding = { left: 44, right: 8, top: 8, bottom: 18 };

/**
 * Split a series into runs of consecutive finite points; NaN and ±Infinity break it.
 */
export function segments(points: MM.IMetricPoint[]): MM.IMetricPoint[][] {
  return finiteRunsBy(points, p => p.step);
}

/** Short label of an axis end: 3 significant digits. */
function tick(value: number): string {
  if (value !== 0 && (Math.abs(value) < 1e-3 || Math.abs(value) >= 1e5)) {
    return value.toExponential(1);
  }
  return String(Number(value.toPrecision(3)));
}

/** The drawable extent of finite values (there is at least one). */
function extent(values: number[]): [number, number] {
  return padExtent(finiteExtent(values) ?? [0, 0]);
}

/**
 * A small SVG line chart of one metric over steps. A series with a single point
 * is shown as its value instead.
 */
export function MetricChart(props: IMetricChartProps): JSX.Element {
  const { name, points } = props;
  const width = props.width ?? 260;
  const height = props.height ?? 120;
  const last = points.length ? points[points.length - 1] : null;
  const finite = points.filter(
    p => Number.isFinite(p.value) && Number.isFinite(p.step)
  );
  const nonFinite = points.length - finite.length;
  const xLabel = props.xLabel ?? ((x: number) => `step ${formatNumber(x)}`);

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
              ? xLabel(points[0].step)
              : `${points.length} steps, no finite value`}
        </div>
      </div>
    );
  }

  const [x0, x1] = extent(finite.map(p => p.step));
  const [y0, y1] = extent(finite.map(p => p.value));
  const plotW = width - PAD.left - PAD.right;
  const plotH = height - PAD.top - PAD.bottom;
  const sx = linearScale([x0, x1], [PAD.left, PAD.left + plotW]);
  const sy = linearScale([y0, y1], [PAD.top + plotH, PAD.top]);
  const parts = segments(points);
  const showDots = finite.length <= 40;

  return (
    <div className="jp-mm-MetricChart">
      {header}
      <ChartSvg
        className="jp-mm-MetricChart-svg"
        width={width}
        height={height}
        label={`${name} over ${points.length} ${props.xLabel ? 'points' : 'steps'}`}
      >
        <StepAxes
          pad={PAD}
          plotW={plotW}
          plotH={plotH}
          top={tick(y1)}
          bottom={tick(y0)}
        />
        {props.tickEach ? (
          [...new Set(finite.map(p => p.step))].map(x => (
            <text
              key={x}
              className="jp-mm-MetricChart-tick"
              x={sx(x)}
              y={height - 4}
              textAnchor={
                sx(x) < PAD.left + 10
                  ? 'start'
                  : sx(x) > PAD.left + plotW - 10
                    ? 'end'
                    : 'middle'
              }
            >
              {xLabel(x)}
            </text>
          ))
        ) : (
          <>
            <text
              className="jp-mm-MetricChart-tick"
              x={PAD.left}
              y={height - 4}
              textAnchor="start"
            >
              {props.xLabel ? xLabel(x0) : tick(x0)}
            </text>
            <text
              className="jp-mm-MetricChart-tick"
              x={PAD.left + plotW}
              y={height - 4}
              textAnchor="end"
            >
              {props.xLabel ? xLabel(x1) : `step ${tick(x1)}`}
            </text>
          </>
        )}
        {parts.map((seg, i) =>
          seg.length > 1 ? (
            <polyline
              key={i}
              className="jp-mm-MetricChart-line"
              points={seg
                .map(p => `${sx(p.step).toFixed(1)},${sy(p.value).toFixed(1)}`)
                .join(' ')}
            />
          ) : null
        )}
        {parts.map(seg =>
          seg.length === 1 || showDots
            ? seg.map(p => (
                <circle
                  key={`${p.step}:${p.value}`}
                  className={
                    'jp-mm-MetricChart-dot' +
                    (props.dotClass?.(p.step)
                      ? ` ${props.dotClass(p.step)}`
                      : '')
                  }
                  data-x={p.step}
                  cx={sx(p.step)}
                  cy={sy(p.value)}
                  r={props.dotClass ? 3.2 : seg.length === 1 ? 2.5 : 1.8}
                >
                  <title>{`${xLabel(p.step)}: ${formatNumber(p.value)}`}</title>
                </circle>
              ))
            : null
        )}
      </ChartSvg>
      {nonFinite > 0 && (
        <div className="jp-mm-MetricChart-note">
          {`${nonFinite} non-finite value${nonFinite === 1 ? '' : 's'} (gaps)`}
        </div>
      )}
    </div>
  );
}
