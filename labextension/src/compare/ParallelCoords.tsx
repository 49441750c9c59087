/**
 * Parallel coordinates of a comparison: chosen params as axes, then a metric as
 * the last axis; one line per run, coloured by that metric (viridis). Axes are
 * numeric (min at the bottom, max at the top) or categorical (values spread
 * evenly). A run without a value on an axis breaks its line there.
 */
import * as React from 'react';

import { ChartSvg } from '../shared/ChartParts';
import { directionOf } from '../shared/deltas';
import { formatNumber } from '../shared/format';
import {
  axisPosition,
  buildAxis,
  defaultAxes,
  fieldValue,
  IAxis,
  sequentialColor
} from './compareMath';
import { Cmp } from './types';

const AXIS_GAP = 130;
const PAD = { left: 60, right: 60, top: 28, bottom: 24 };
const HEIGHT = 260;
/** Categorical axes label at most this many values. */
const MAX_LABELS = 12;

function axisLabels(axis: IAxis): { at: number; text: string }[] {
  if (axis.kind === 'numeric') {
    return axis.min === axis.max
      ? [{ at: 0.5, text: formatNumber(axis.min) }]
      : [
          { at: 0, text: formatNumber(axis.min) },
          { at: 1, text: formatNumber(axis.max) }
        ];
  }
  const n = axis.categories.length;
  const step = Math.ceil(n / MAX_LABELS);
  return axis.categories
    .map((c, i) => ({ at: n === 1 ? 0.5 : i / (n - 1), text: c, i }))
    .filter(({ i }) => i % step === 0)
    .map(({ at, text }) => ({
      at,
      text: text.length > 16 ? `${text.slice(0, 15)}…` : text
    }));
}

export function ParallelCoords(props: {
  comparison: Cmp.IComparison;
}): JSX.Element {
  const { comparison } = props;
  const { runs } = comparison;
  const [params, setParams] = React.useState<string[]>(() =>
    defaultAxes(comparison.differing_params, comparison.param_keys)
  );
  const [metric, setMetric] = React.useState(comparison.metric_keys[0] ?? '');
  const [hovered, setHovered] = React.useState<string | null>(null);
  if (!comparison.param_keys.length && !comparison.metric_keys.length) {
    return <div className="jp-mm-Empty">No params or metrics to plot.</div>;
  }
  const axes: IAxis[] = [
    ...params.map(key => buildAxis(runs, { kind: 'param', key })),
    ...(metric ? [buildAxis(runs, { kind: 'metric', key: metric })] : [])
  ];
  const width = PAD.left + PAD.right + Math.max(1, axes.length - 1) * AXIS_GAP;
  const plotH = HEIGHT - PAD.top - PAD.bottom;
  const x = (i: number) =>
    axes.length === 1 ? width / 2 : PAD.left + i * AXIS_GAP;
  const y = (t: number) => PAD.top + (1 - t) * plotH;
  const metricAxis = metric ? axes[axes.length - 1] : null;
  const hoveredRun = runs.find(r => r.id === hovered);

  return (
    <div className="jp-mm-ParallelCoords">
      <div className="jp-mm-CompareControls">
        <fieldset className="jp-mm-CompareAxes">
          <legend>axes</legend>
          {comparison.param_keys.map(key => (
            <label key={key}>
              <input
                type="checkbox"
                checked={params.includes(key)}
                onChange={e => {
                  const on = e.currentTarget.checked;
                  setParams(
                    comparison.param_keys.filter(k =>
                      k === key ? on : params.includes(k)
                    )
                  );
                }}
              />
              {` ${key}`}
            </label>
          ))}
        </fieldset>
        <label className="jp-mm-CompareControl">
          metric{' '}
          <select
            className="jp-mm-Select jp-mod-styled"
            aria-label="Parallel coordinates metric"
            value={metric}
            onChange={e => setMetric(e.currentTarget.value)}
          >
            {comparison.metric_keys.map(k => (
              <option key={k} value={k}>
                {k}
              </option>
            ))}
          </select>
        </label>
      </div>
      {axes.length === 0 ? (
        <div className="jp-mm-Empty">Choose at least one axis.</div>
      ) : (
        <div
          className="jp-mm-ParallelCoords-plot"
          style={{ maxWidth: `${width * 1.3}px` }}
        >
          <ChartSvg
            className="jp-mm-ParallelCoords-svg"
            width={width}
            height={HEIGHT}
            label={`Parallel coordinates of ${runs.length} runs: ${axes
              .map(a => a.field.key)
              .join(', ')}`}
          >
            {runs.map(run => {
              const t = metricAxis
                ? axisPosition(metricAxis, fieldValue(run, metricAxis.field))
                : null;
              const stroke = t === null ? undefined : sequentialColor(t);
              // Consecutive axes with a value make a segment; a missing value breaks it.
              const parts: string[][] = [[]];
              axes.forEach((axis, i) => {
                const p = axisPosition(axis, fieldValue(run, axis.field));
                if (p === null) {
                  parts.push([]);
                } else {
                  parts[parts.length - 1].push(
                    `${x(i).toFixed(1)},${y(p).toFixed(1)}`
                  );
                }
              });
              return (
                <g
                  key={run.id}
                  className={
                    'jp-mm-ParallelCoords-run' +
                    (t === null ? ' jp-mm-mod-nometric' : '') +
                    (hovered === run.id ? ' jp-mm-mod-hovered' : '')
                  }
                  data-run-id={run.id}
                  style={stroke ? { stroke } : undefined}
                  onMouseEnter={() => setHovered(run.id)}
                  onMouseLeave={() => setHovered(null)}
                >
                  <title>{run.name || run.id}</title>
                  {parts.map((pts, i) =>
                    pts.length > 1 ? (
                      <polyline key={i} points={pts.join(' ')} />
                    ) : pts.length === 1 ? (
                      <circle
                        key={i}
                        cx={Number(pts[0].split(',')[0])}
                        cy={Number(pts[0].split(',')[1])}
                        r={2.5}
                        style={stroke ? { fill: stroke } : undefined}
                      />
                    ) : null
                  )}
                </g>
              );
            })}
            {axes.map((axis, i) => (
              <g
                key={`${axis.field.kind}:${axis.field.key}`}
                className="jp-mm-ParallelCoords-axis"
              >
                <line x1={x(i)} x2={x(i)} y1={PAD.top} y2={PAD.top + plotH} />
                <text
                  className="jp-mm-ParallelCoords-name"
                  x={x(i)}
                  y={PAD.top - 12}
                  textAnchor="middle"
                >
                  {axis.field.kind === 'metric'
                    ? `${axis.field.key} ${directionOf(comparison.directions, axis.field.key) === 'min' ? '↓' : '↑'}`
                    : axis.field.key}
                </text>
                {axisLabels(axis).map(l => (
                  <text
                    key={`${l.at}:${l.text}`}
                    className="jp-mm-MetricChart-tick"
                    x={x(i) + 5}
                    y={y(l.at) + 3}
                  >
                    {l.text}
                  </text>
                ))}
              </g>
            ))}
          </ChartSvg>
        </div>
      )}
      <div className="jp-mm-SeriesChart-readout" aria-live="polite">
        {hoveredRun ? (
          <span>
            <b>{hoveredRun.name || hoveredRun.id}</b>
            {axes
              .map(a => {
                const v = fieldValue(hoveredRun, a.field);
                return ` · ${a.field.key} ${v === null ? '—' : typeof v === 'number' ? formatNumber(v) : v}`;
              })
              .join('')}
          </span>
        ) : (
          <span className="jp-mm-Muted">
            {metric ? `lines coloured by ${metric}: dark low, yellow high` : ''}
          </span>
        )}
      </div>
    </div>
  );
}
