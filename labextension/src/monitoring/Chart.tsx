import * as React from 'react';

import {
  finiteExtent,
  finiteRuns,
  formatTimestamp,
  formatTimeTick,
  formatValueTick,
  linearScale,
  niceTicks,
  timeDomain,
  timeTicks
} from '../shared/chartMath';
import { formatNumber } from '../shared/format';
import { Mon } from './types';
import { ChartSvg } from '../shared/ChartParts';
import { breached, uniqueThresholds } from './thresholds';

/**
 * One line of a {@link TimeChart}.
 */
export interface IChartLine {
  /** Series key (stable: it picks the colour slot with `index`). */
  key: string;
  /** Legend text. */
  label: string;
  /** Points, oldest first; non-finite values leave gaps. */
  points: ReadonlyArray<Mon.IPoint>;
  /** Rule thresholds of this series: drawn, and breaching points marked. */
  thresholds: ReadonlyArray<Mon.IThreshold>;
}

/**
 * Props of {@link TimeChart}.
 */
export interface ITimeChartProps {
  /** Chart title. */
  title: string;
  /** Lines to draw. */
  lines: ReadonlyArray<IChartLine>;
  /** Text shown instead of a chart when no line has a finite point. */
  emptyText?: string;
  /** A note under the chart (e.g. series left out). */
  note?: string;
  /** Drawing width in SVG units (the drawing scales to its box). */
  width?: number;
  /** Drawing height in SVG units. */
  height?: number;
  /** Seconds east of UTC for tick labels; the browser's zone by default. */
  offset?: number;
  /** Controls shown next to the title (e.g. a statistic selector). */
  tools?: React.ReactNode;
  /** Stable id for tests and styles (`data-chart`). */
  id?: string;
}

const PAD = { left: 48, right: 64, top: 10, bottom: 22 };

/** Colour slots of lines (`jp-mm-Chart-series-N`, themed in CSS). */
export const SERIES_SLOTS = 8;

/** Most points per line that still get a dot each. */
const MAX_DOTS = 80;

/**
 * A typed SVG line chart over time: one line per series, value and time axes
 * with readable ticks, rule thresholds as dashed labelled lines, breaching
 * points marked. Every label is a React text node.
 */
export function TimeChart(props: ITimeChartProps): JSX.Element {
  const width = props.width ?? 520;
  const height = props.height ?? 200;
  const { lines } = props;
  const thresholds = uniqueThresholds(lines.map(l => l.thresholds));
  const allPoints = lines.flatMap(l => l.points);
  const xDomain = timeDomain(allPoints.map(p => p.ts));
  const valueExtent = finiteExtent(allPoints.map(p => p.value));

  const header = (
    <div className="jp-mm-Chart-header">
      <h3 className="jp-mm-Chart-title">{props.title}</h3>
      {props.tools}
    </div>
  );
  if (!xDomain || !valueExtent) {
    return (
      <figure className="jp-mm-Chart jp-mm-mod-empty" data-chart={props.id}>
        {header}
        <div className="jp-mm-Chart-empty">
          {props.emptyText ?? 'No data yet.'}
        </div>
      </figure>
    );
  }

  // The value axis includes the thresholds, so their lines are always in view.
  const yTicks = niceTicks(
    finiteExtent([...valueExtent, ...thresholds.map(t => t.threshold)]) ??
      valueExtent
  );
  const xTicks = timeTicks(
    xDomain,
    Math.max(2, Math.floor(width / 110)),
    props.offset
  );
  const plotRight = width - PAD.right;
  const plotBottom = height - PAD.bottom;
  const sx = linearScale(xDomain, [PAD.left, plotRight]);
  const sy = linearScale(yTicks.domain, [plotBottom, PAD.top]);
  const when = (ts: number) => formatTimestamp(ts, props.offset);
  const breachCount = lines.reduce(
    (n, l) =>
      n + l.points.filter(p => breached(p.value, l.thresholds).length).length,
    0
  );

  return (
    <figure className="jp-mm-Chart" data-chart={props.id}>
      {header}
      <ChartSvg
        className="jp-mm-Chart-svg"
        width={width}
        height={height}
        label={
          `${props.title}: ${lines.length} series, ${allPoints.length} points` +
          (thresholds.length
            ? `, thresholds ${thresholds.map(t => `${t.op} ${formatNumber(t.threshold)}`).join(', ')}`
            : '') +
          (breachCount ? `, ${breachCount} breaching` : '')
        }
      >
        {yTicks.ticks.map(v => (
          <g key={`y${v}`} className="jp-mm-Chart-yTick">
            <line
              className="jp-mm-Chart-grid"
              x1={PAD.left}
              x2={plotRight}
              y1={sy(v)}
              y2={sy(v)}
            />
            <text
              className="jp-mm-Chart-tick"
              x={PAD.left - 5}
              y={sy(v) + 3.5}
              textAnchor="end"
            >
              {formatValueTick(v, yTicks.step)}
            </text>
          </g>
        ))}
        <line
          className="jp-mm-Chart-axis"
          x1={PAD.left}
          x2={plotRight}
          y1={plotBottom}
          y2={plotBottom}
        />
        {xTicks.ticks.map(t => (
          <g key={`x${t}`} className="jp-mm-Chart-xTick">
            <line
              className="jp-mm-Chart-axis"
              x1={sx(t)}
              x2={sx(t)}
              y1={plotBottom}
              y2={plotBottom + 4}
            />
            <text
              className="jp-mm-Chart-tick"
              x={sx(t)}
              y={height - 6}
              textAnchor="middle"
            >
              {formatTimeTick(t, xTicks.step, props.offset)}
            </text>
          </g>
        ))}
        {thresholds.map(t => (
          <g
            key={`t${t.op}${t.threshold}`}
            className={`jp-mm-Chart-threshold jp-mm-severity-${severityClass(t.severity)}`}
            data-threshold={t.threshold}
            data-op={t.op}
          >
            <line
              x1={PAD.left}
              x2={plotRight}
              y1={sy(t.threshold)}
              y2={sy(t.threshold)}
              strokeDasharray="5 4"
            />
            <text x={plotRight + 4} y={sy(t.threshold) + 3.5}>
              {`${t.op} ${formatNumber(t.threshold)}`}
            </text>
          </g>
        ))}
        {lines.map((line, i) => (
          <g
            key={line.key}
            className={`jp-mm-Chart-series jp-mm-Chart-series-${i % SERIES_SLOTS}`}
            data-series={line.key}
          >
            {finiteRuns(line.points).map((run, j) =>
              run.length > 1 ? (
                <polyline
                  key={j}
                  className="jp-mm-Chart-line"
                  points={run
                    .map(
                      p => `${sx(p.ts).toFixed(1)},${sy(p.value).toFixed(1)}`
                    )
                    .join(' ')}
                />
              ) : null
            )}
            {line.points.map((p, j) => {
              if (!Number.isFinite(p.value)) {
                return null;
              }
              const hit = breached(p.value, line.thresholds);
              if (!hit.length && line.points.length > MAX_DOTS) {
                return null;
              }
              return (
                <circle
                  key={j}
                  className={
                    hit.length
                      ? 'jp-mm-Chart-dot jp-mm-Chart-breach'
                      : 'jp-mm-Chart-dot'
                  }
                  cx={sx(p.ts)}
                  cy={sy(p.value)}
                  r={hit.length ? 4 : 2.2}
                >
                  <title>
                    {`${line.label} at ${when(p.ts)}: ${formatNumber(p.value)}` +
                      (hit.length
                        ? ` (breaches ${hit.map(t => `${t.op} ${formatNumber(t.threshold)}`).join(', ')})`
                        : '')}
                  </title>
                </circle>
              );
            })}
          </g>
        ))}
      </ChartSvg>
      {lines.length > 1 && (
        <ul className="jp-mm-Chart-legend" aria-label={`${props.title} legend`}>
          {lines.map((line, i) => (
            <li
              key={line.key}
              className={`jp-mm-Chart-legendItem jp-mm-Chart-series-${i % SERIES_SLOTS}`}
              data-series={line.key}
              title={line.key}
            >
              <span className="jp-mm-Chart-swatch" aria-hidden="true" />
              <span className="jp-mm-Chart-legendLabel">{line.label}</span>
            </li>
          ))}
        </ul>
      )}
      {props.note && (
        <figcaption className="jp-mm-Chart-note">{props.note}</figcaption>
      )}
    </figure>
  );
}

const KNOWN_SEVERITIES = new Set<string>(Mon.SEVERITIES);

/** The class suffix of a severity: known ones, else `other`. */
export function severityClass(severity: string): string {
  return KNOWN_SEVERITIES.has(severity) ? severity : 'other';
}
