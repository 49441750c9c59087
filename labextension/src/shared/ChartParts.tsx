import * as React from 'react';

import { formatNumber } from './format';
import { canLog } from './seriesMath';

/**
 * The `<svg>` of a chart: it scales to its box (`xMidYMid meet`) and is one
 * image with a label for assistive technology.
 */
export function ChartSvg(props: {
  className: string;
  /** Drawing width in SVG units. */
  width: number;
  /** Drawing height in SVG units. */
  height: number;
  /** What the chart shows, in words. */
  label: string;
  children: React.ReactNode;
}): JSX.Element {
  return (
    <svg
      className={props.className}
      viewBox={`0 0 ${props.width} ${props.height}`}
      preserveAspectRatio="xMidYMid meet"
      role="img"
      aria-label={props.label}
    >
      {props.children}
    </svg>
  );
}

/** Room around the plot area of a chart, in SVG units. */
export interface IPadding {
  left: number;
  right: number;
  top: number;
  bottom: number;
}

/**
 * The bottom and left axes of a small step chart and the labels of the value
 * axis's ends (`jp-mm-MetricChart-*`).
 */
export function StepAxes(props: {
  pad: IPadding;
  /** Width of the plot area. */
  plotW: number;
  /** Height of the plot area. */
  plotH: number;
  /** Label of the largest value, at the top. */
  top: string;
  /** Label of the smallest value, at the bottom. */
  bottom: string;
}): JSX.Element {
  const { pad, plotW, plotH } = props;
  return (
    <>
      <line
        className="jp-mm-MetricChart-axis"
        x1={pad.left}
        y1={pad.top + plotH}
        x2={pad.left + plotW}
        y2={pad.top + plotH}
      />
      <line
        className="jp-mm-MetricChart-axis"
        x1={pad.left}
        y1={pad.top}
        x2={pad.left}
        y2={pad.top + plotH}
      />
      <text
        className="jp-mm-MetricChart-tick"
        x={pad.left - 4}
        y={pad.top + 8}
        textAnchor="end"
      >
        {props.top}
      </text>
      <text
        className="jp-mm-MetricChart-tick"
        x={pad.left - 4}
        y={pad.top + plotH}
        textAnchor="end"
      >
        {props.bottom}
      </text>
    </>
  );
}

/** Props of {@link ChartControls}. */
export interface IChartControlsProps {
  /** Whether the value axis is logarithmic. */
  log: boolean;
  /** Why a log axis cannot be used (values ≤ 0), or null when it can. */
  logDisabledReason: string | null;
  onLog: (log: boolean) => void;
  /** EMA smoothing weight, 0..0.99. */
  smoothing: number;
  onSmoothing: (weight: number) => void;
  /** Whether to offer smoothing (not for a handful of points); true by default. */
  showSmoothing?: boolean;
}

/**
 * The controls of a step chart: a log-scale toggle (disabled, with the reason as
 * its tooltip, when a value is ≤ 0) and an EMA smoothing slider from 0 to 0.99
 * as in TensorBoard.
 */
export function ChartControls(props: IChartControlsProps): JSX.Element {
  const disabled = props.logDisabledReason !== null;
  return (
    <div className="jp-mm-ChartControls">
      <label
        className="jp-mm-ChartControls-log"
        title={props.logDisabledReason ?? 'Logarithmic value axis'}
      >
        <input
          type="checkbox"
          checked={props.log && !disabled}
          disabled={disabled}
          onChange={e => props.onLog(e.currentTarget.checked)}
        />
        log scale
      </label>
      {props.showSmoothing !== false && (
        <label
          className="jp-mm-ChartControls-smoothing"
          title="Exponential moving average; the raw series stays faint"
        >
          smoothing
          <input
            type="range"
            min={0}
            max={0.99}
            step={0.01}
            value={props.smoothing}
            aria-label="Smoothing"
            onChange={e => props.onSmoothing(Number(e.currentTarget.value))}
          />
          <span className="jp-mm-ChartControls-value">
            {props.smoothing.toFixed(2)}
          </span>
        </label>
      )}
    </div>
  );
}

/** Why a log axis cannot show `values` (one is ≤ 0), or null when it can. */
export function logDisabledReason(values: Iterable<number>): string | null {
  return canLog(values)
    ? null
    : 'Log scale needs every value > 0 (this metric has values ≤ 0)';
}

/**
 * The palette class of a series slot: `jp-mm-mod-cN` (N mod 10; dashed from 10
 * on, dotted from 20 on), or the theme's brand colour for -1.
 */
export function colorClass(color: number): string {
  if (color < 0) {
    return 'jp-mm-mod-brand';
  }
  const dash =
    color >= 20 ? ' jp-mm-mod-dotted' : color >= 10 ? ' jp-mm-mod-dashed' : '';
  return `jp-mm-mod-c${color % 10}${dash}`;
}

/** One series' value in a chart's readout. */
export interface IReadoutValue {
  id: string;
  /** Its name, or null when the chart has one series. */
  label: string | null;
  /** Palette slot, see {@link colorClass}. */
  color: number;
  /** The (smoothed) value at the hovered x, or null when the series has none there. */
  value: number | null;
  /** The raw value when the line is smoothed, else null. */
  raw: number | null;
}

/**
 * The line under a chart: every series' value at the hovered x with its colour,
 * or a hint while nothing is hovered.
 */
export function SeriesReadout(props: {
  /** The hovered x as text, or null. */
  at: string | null;
  values: IReadoutValue[];
  hint: string;
}): JSX.Element {
  return (
    <div className="jp-mm-SeriesChart-readout" aria-live="polite">
      {props.at !== null ? (
        <>
          <span className="jp-mm-SeriesChart-at">{props.at}</span>
          {props.values.map(v => (
            <span
              key={v.id}
              className="jp-mm-SeriesChart-value"
              data-series={v.id}
            >
              <span
                className={`jp-mm-Swatch ${colorClass(v.color)}`}
                aria-hidden="true"
              />
              {v.label !== null && (
                <span className="jp-mm-SeriesChart-label">{v.label}</span>
              )}
              <b>{v.value !== null ? formatNumber(v.value) : '—'}</b>
              {v.raw !== null && (
                <span className="jp-mm-Muted">{` (raw ${formatNumber(v.raw)})`}</span>
              )}
            </span>
          ))}
        </>
      ) : (
        <span className="jp-mm-Muted">{props.hint}</span>
      )}
    </div>
  );
}
