import * as React from 'react';

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
