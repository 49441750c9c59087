/**
 * An interactive SVG chart of step series (one metric; one run, two sides of a
 * diff, or up to 50 compared runs): nice value ticks whose labels get the room
 * they need, a hover readout of every series at the hovered step, drag to zoom
 * on x and double-click to reset, a log axis and EMA smoothing with the raw
 * series drawn faint. The math is in `seriesMath.ts` and `chartMath.ts`.
 */
import * as React from 'react';

import {
  Extent,
  finiteExtent,
  finiteRunsBy,
  linearScale,
  niceTicks,
  padExtent
} from './chartMath';
import { ChartSvg, colorClass, SeriesReadout } from './ChartParts';

export { colorClass } from './ChartParts';
import { formatNumber } from './format';
import {
  clipToDomain,
  dragDomain,
  emaSmooth,
  IAxisTicks,
  IStepPoint,
  labelWidth,
  linearTicks,
  logTicks,
  nearestIndex
} from './seriesMath';

/** One line of a chart. */
export interface IChartSeries {
  /** Stable id (a run id, `a`, `b`). */
  id: string;
  /** What the readout calls it (a run name). */
  label: string;
  /**
   * Palette slot (`jp-mm-mod-cN`, N mod 10; dashed from 10 on, dotted from 20 on),
   * or -1 for the theme's brand colour.
   */
  color: number;
  /** Points sorted by step; non-finite values leave gaps. */
  points: IStepPoint[];
}

/** Props of {@link SeriesChart}. */
export interface ISeriesChartProps {
  /** What the chart shows (its accessible label starts with it). */
  name: string;
  series: IChartSeries[];
  /** Drawing size in SVG units (it scales to its box). */
  width?: number;
  height?: number;
  /** Log value axis (ignored unless every finite value is > 0). */
  log?: boolean;
  /** EMA weight 0..0.99; above 0 the raw lines are drawn faint. */
  smoothing?: number;
  /** How an x value reads in the readout (`step 3` by default, `v3` for versions). */
  xLabel?: (x: number) => string;
  /** Label every x value on the axis (a few versions) instead of nice ticks. */
  tickEach?: boolean;
  /** An extra class for a dot at an x value (the stage of a version). */
  dotClass?: (x: number) => string | undefined;
}

/** Series with at most this many points show their points as dots. */
const DOTS_MAX = 40;
const PAD_RIGHT = 10;
const PAD_TOP = 8;
const PAD_BOTTOM = 18;

/** The x label of a step by default. */
const stepLabel = (x: number): string => `step ${formatNumber(x)}`;

interface IHover {
  /** The hovered step (nearest point of any series). */
  step: number;
}

interface IDrag {
  from: number;
  to: number;
}

/**
 * The chart; see the module comment. Hover, zoom and drag state live here; log
 * and smoothing come from the parent's controls.
 */
export function SeriesChart(props: ISeriesChartProps): JSX.Element {
  const width = props.width ?? 280;
  const height = props.height ?? 140;
  const xLabel = props.xLabel ?? stepLabel;
  const smoothing = props.smoothing ?? 0;
  const [zoom, setZoom] = React.useState<Extent | null>(null);
  const [hover, setHover] = React.useState<IHover | null>(null);
  const [drag, setDrag] = React.useState<IDrag | null>(null);
  const svgBox = React.useRef<HTMLDivElement>(null);

  const all = props.series.flatMap(s => s.points);
  const finite = all.filter(
    p => Number.isFinite(p.value) && Number.isFinite(p.step)
  );
  if (!finite.length) {
    return <div className="jp-mm-MetricChart-note">no finite values</div>;
  }
  const log = !!props.log && finite.every(p => p.value > 0);
  const fullX = padExtent(finiteExtent(finite.map(p => p.step)) ?? [0, 0]);
  const xDomain = zoom ?? fullX;

  // What is drawn: the series inside the x domain, smoothed if asked.
  const shown = props.series.map(s => {
    const raw = zoom ? clipToDomain(s.points, xDomain) : s.points;
    return {
      ...s,
      raw,
      line: smoothing > 0 ? emaSmooth(s.points, smoothing) : null
    };
  });
  const inView = shown
    .flatMap(s => s.raw)
    .filter(p => p.step >= xDomain[0] && p.step <= xDomain[1]);
  const yValues = (inView.length ? inView : finite).map(p => p.value);
  const yExtent = finiteExtent(log ? yValues.filter(v => v > 0) : yValues) ?? [
    0, 1
  ];
  const yTicks: IAxisTicks = log ? logTicks(yExtent) : linearTicks(yExtent);
  const padLeft = labelWidth(yTicks.labels) + 10;
  const plotW = width - padLeft - PAD_RIGHT;
  const plotH = height - PAD_TOP - PAD_BOTTOM;
  const sx = linearScale(xDomain, [padLeft, padLeft + plotW]);
  const syAxis = linearScale(yTicks.domain, [PAD_TOP + plotH, PAD_TOP]);
  const sy = (v: number): number => syAxis(log ? Math.log10(v) : v);
  const invertX = (px: number): number =>
    xDomain[0] + ((px - padLeft) / plotW) * (xDomain[1] - xDomain[0]);
  const drawable = (p: IStepPoint): boolean =>
    Number.isFinite(p.value) && (!log || p.value > 0);

  const path = (points: IStepPoint[]): string =>
    points
      .map(p => `${sx(p.step).toFixed(1)},${sy(p.value).toFixed(1)}`)
      .join(' ');
  const lines = (points: IStepPoint[]) =>
    finiteRunsBy(
      points.map(p => (drawable(p) ? p : { ...p, value: NaN })),
      p => p.step
    );

  /** SVG x of a mouse event. */
  const svgX = (e: React.MouseEvent): number => {
    const box = svgBox.current?.getBoundingClientRect();
    if (!box || box.width === 0) {
      return 0;
    }
    return ((e.clientX - box.left) / box.width) * width;
  };

  const onMove = (e: React.MouseEvent): void => {
    const px = Math.min(Math.max(svgX(e), padLeft), padLeft + plotW);
    if (drag) {
      setDrag({ ...drag, to: px });
    }
    const step = invertX(px);
    // Snap to the nearest logged step of any series.
    let best: number | null = null;
    for (const s of shown) {
      const i = nearestIndex(s.raw, step);
      if (
        i >= 0 &&
        (best === null ||
          Math.abs(s.raw[i].step - step) < Math.abs(best - step))
      ) {
        best = s.raw[i].step;
      }
    }
    setHover(best === null ? null : { step: best });
  };

  const onUp = (): void => {
    if (drag) {
      const domain = dragDomain(drag.from, drag.to, invertX);
      if (domain) {
        setZoom(domain);
      }
      setDrag(null);
    }
  };

  const xTicks: number[] = props.tickEach
    ? [...new Set(finite.map(p => p.step))]
    : niceTicks(xDomain, 4).ticks.filter(
        t => t >= xDomain[0] && t <= xDomain[1]
      );

  const readout = hover
    ? shown.map(s => {
        const line = s.line ?? s.points;
        const i = nearestIndex(line, hover.step);
        // The nearest point, if the series reaches this far (not its last value
        // far to the left of a longer run's step).
        const inside =
          i >= 0 &&
          hover.step >= line[0].step &&
          hover.step <= line[line.length - 1].step;
        const hit = inside ? line[i] : null;
        const raw = hit && s.line ? s.points[i] : null;
        return { s, hit, raw };
      })
    : [];

  return (
    <div
      className="jp-mm-SeriesChart"
      data-zoomed={zoom ? 'true' : 'false'}
      data-log={log ? 'true' : 'false'}
    >
      <div
        ref={svgBox}
        className="jp-mm-SeriesChart-plot"
        onMouseMove={onMove}
        onMouseLeave={() => {
          setHover(null);
          setDrag(null);
        }}
        onMouseDown={e => {
          if (e.button === 0) {
            e.preventDefault();
            const px = svgX(e);
            setDrag({ from: px, to: px });
          }
        }}
        onMouseUp={onUp}
        onDoubleClick={() => setZoom(null)}
      >
        <ChartSvg
          className="jp-mm-MetricChart-svg"
          width={width}
          height={height}
          label={`${props.name}: ${props.series.length} series over steps${log ? ', log scale' : ''}`}
        >
          <defs>
            <clipPath id={`jp-mm-clip-${width}-${height}-${padLeft}`}>
              <rect
                x={padLeft}
                y={PAD_TOP - 2}
                width={plotW}
                height={plotH + 4}
              />
            </clipPath>
          </defs>
          {yTicks.ticks.map((t, i) => (
            <g key={`y${i}`}>
              <line
                className="jp-mm-SeriesChart-grid"
                x1={padLeft}
                x2={padLeft + plotW}
                y1={syAxis(t)}
                y2={syAxis(t)}
              />
              <text
                className="jp-mm-MetricChart-tick jp-mm-SeriesChart-ytick"
                x={padLeft - 4}
                y={syAxis(t) + 3}
                textAnchor="end"
              >
                {yTicks.labels[i]}
              </text>
            </g>
          ))}
          <line
            className="jp-mm-MetricChart-axis"
            x1={padLeft}
            y1={PAD_TOP + plotH}
            x2={padLeft + plotW}
            y2={PAD_TOP + plotH}
          />
          {xTicks.map(x => (
            <text
              key={`x${x}`}
              className="jp-mm-MetricChart-tick"
              x={sx(x)}
              y={height - 4}
              textAnchor={
                sx(x) < padLeft + 12
                  ? 'start'
                  : sx(x) > padLeft + plotW - 12
                    ? 'end'
                    : 'middle'
              }
            >
              {props.xLabel ? xLabel(x) : formatNumber(x)}
            </text>
          ))}
          <g clipPath={`url(#jp-mm-clip-${width}-${height}-${padLeft})`}>
            {shown.map(s => (
              <g
                key={s.id}
                className={`jp-mm-SeriesChart-series ${colorClass(s.color)}`}
                data-series={s.id}
              >
                {lines(s.raw).map((seg, i) =>
                  seg.length > 1 ? (
                    <polyline
                      key={`r${i}`}
                      className={
                        'jp-mm-SeriesChart-line' +
                        (s.line ? ' jp-mm-mod-raw' : '')
                      }
                      points={path(seg)}
                    />
                  ) : null
                )}
                {s.line &&
                  lines(zoom ? clipToDomain(s.line, xDomain) : s.line).map(
                    (seg, i) =>
                      seg.length > 1 ? (
                        <polyline
                          key={`s${i}`}
                          className="jp-mm-SeriesChart-line jp-mm-mod-smoothed"
                          points={path(seg)}
                        />
                      ) : null
                  )}
                {lines(s.raw).map(seg =>
                  seg.length === 1 || s.points.length <= DOTS_MAX
                    ? seg.map(p => (
                        <circle
                          key={`d${p.step}`}
                          className={
                            'jp-mm-MetricChart-dot jp-mm-SeriesChart-dot' +
                            (props.dotClass?.(p.step)
                              ? ` ${props.dotClass(p.step)}`
                              : '')
                          }
                          data-x={p.step}
                          cx={sx(p.step)}
                          cy={sy(p.value)}
                          r={
                            props.dotClass ? 3.2 : seg.length === 1 ? 2.5 : 1.8
                          }
                        >
                          <title>{`${s.label} · ${xLabel(p.step)}: ${formatNumber(p.value)}`}</title>
                        </circle>
                      ))
                    : null
                )}
              </g>
            ))}
          </g>
          {hover && (
            <g className="jp-mm-SeriesChart-hover" pointerEvents="none">
              <line
                className="jp-mm-SeriesChart-crosshair"
                x1={sx(hover.step)}
                x2={sx(hover.step)}
                y1={PAD_TOP}
                y2={PAD_TOP + plotH}
              />
              {readout.map(({ s, hit }) =>
                hit && drawable(hit) ? (
                  <circle
                    key={s.id}
                    className={`jp-mm-SeriesChart-marker ${colorClass(s.color)}`}
                    cx={sx(hit.step)}
                    cy={sy(hit.value)}
                    r={3.5}
                  />
                ) : null
              )}
            </g>
          )}
          {drag && Math.abs(drag.to - drag.from) > 1 && (
            <rect
              className="jp-mm-SeriesChart-brush"
              x={Math.min(drag.from, drag.to)}
              y={PAD_TOP}
              width={Math.abs(drag.to - drag.from)}
              height={plotH}
            />
          )}
        </ChartSvg>
      </div>
      <SeriesReadout
        at={hover ? xLabel(hover.step) : null}
        values={readout.map(({ s, hit, raw }) => ({
          id: s.id,
          label: props.series.length > 1 ? s.label : null,
          color: s.color,
          value: hit ? hit.value : null,
          raw: raw ? raw.value : null
        }))}
        hint={
          zoom
            ? 'double-click to reset the zoom'
            : 'hover for values · drag to zoom'
        }
      />
    </div>
  );
}
