/**
 * Scatter of a comparison: any param or metric on x against any metric on y, one
 * dot per run in the run's colour; hovering a dot names the run.
 */
import * as React from 'react';

import { niceTicks, formatValueTick } from '../shared/chartMath';
import { ChartSvg } from '../shared/ChartParts';
import { formatNumber } from '../shared/format';
import { colorClass } from '../shared/SeriesChart';
import { labelWidth } from '../shared/seriesMath';
import {
  axisPosition,
  buildAxis,
  fieldId,
  fieldValue,
  IAxis,
  IField,
  parseFieldId
} from './compareMath';
import { Cmp } from './types';

const WIDTH = 520;
const HEIGHT = 300;
const PAD = { right: 16, top: 12, bottom: 36 };

/** Tick positions (0..1) and labels of an axis. */
function ticks(axis: IAxis): { at: number; text: string }[] {
  if (axis.kind === 'categorical') {
    const n = axis.categories.length;
    const step = Math.ceil(n / 8);
    return axis.categories
      .map((c, i) => ({ at: n === 1 ? 0.5 : i / (n - 1), text: c }))
      .filter((_, i) => i % step === 0)
      .map(t => ({
        ...t,
        text: t.text.length > 14 ? `${t.text.slice(0, 13)}…` : t.text
      }));
  }
  if (axis.min === axis.max) {
    return [{ at: 0.5, text: formatNumber(axis.min) }];
  }
  const t = niceTicks([axis.min, axis.max], 5);
  return t.ticks
    .filter(v => v >= axis.min - 1e-12 && v <= axis.max + 1e-12)
    .map(v => ({
      at: (v - axis.min) / (axis.max - axis.min),
      text: formatValueTick(v, t.step)
    }));
}

export function ScatterPlot(props: {
  comparison: Cmp.IComparison;
}): JSX.Element {
  const { comparison } = props;
  const { runs } = comparison;
  const xFields: IField[] = [
    ...comparison.param_keys.map(key => ({ kind: 'param' as const, key })),
    ...comparison.metric_keys.map(key => ({ kind: 'metric' as const, key }))
  ];
  const [xId, setXId] = React.useState(
    comparison.differing_params[0] !== undefined
      ? `param:${comparison.differing_params[0]}`
      : xFields.length
        ? fieldId(xFields[0])
        : ''
  );
  const [yKey, setYKey] = React.useState(comparison.metric_keys[0] ?? '');
  const [hovered, setHovered] = React.useState<string | null>(null);
  const xField = parseFieldId(xId);
  if (!xField || !yKey) {
    return <div className="jp-mm-Empty">A scatter needs a metric.</div>;
  }
  const yField: IField = { kind: 'metric', key: yKey };
  const xAxis = buildAxis(runs, xField);
  const yAxis = buildAxis(runs, yField);
  const yTicks = ticks(yAxis);
  const padLeft = labelWidth(yTicks.map(t => t.text)) + 12;
  const plotW = WIDTH - padLeft - PAD.right;
  const plotH = HEIGHT - PAD.top - PAD.bottom;
  const sx = (t: number) => padLeft + t * plotW;
  const sy = (t: number) => PAD.top + (1 - t) * plotH;
  const hoveredRun = runs.find(r => r.id === hovered);
  const show = (v: ReturnType<typeof fieldValue>) =>
    v === null ? '—' : typeof v === 'number' ? formatNumber(v) : v;
  const plotted = runs.filter(
    r =>
      axisPosition(xAxis, fieldValue(r, xField)) !== null &&
      axisPosition(yAxis, fieldValue(r, yField)) !== null
  ).length;

  return (
    <div className="jp-mm-Scatter">
      <div className="jp-mm-CompareControls">
        <label className="jp-mm-CompareControl">
          x{' '}
          <select
            className="jp-mm-Select jp-mod-styled"
            aria-label="Scatter x"
            value={xId}
            onChange={e => setXId(e.currentTarget.value)}
          >
            {xFields.map(f => (
              <option key={fieldId(f)} value={fieldId(f)}>
                {`${f.kind} ${f.key}`}
              </option>
            ))}
          </select>
        </label>
        <label className="jp-mm-CompareControl">
          y{' '}
          <select
            className="jp-mm-Select jp-mod-styled"
            aria-label="Scatter y"
            value={yKey}
            onChange={e => setYKey(e.currentTarget.value)}
          >
            {comparison.metric_keys.map(k => (
              <option key={k} value={k}>
                {`metric ${k}`}
              </option>
            ))}
          </select>
        </label>
        <span className="jp-mm-Muted">{`${plotted} of ${runs.length} runs have both values`}</span>
      </div>
      <div className="jp-mm-Scatter-plot">
        <ChartSvg
          className="jp-mm-Scatter-svg"
          width={WIDTH}
          height={HEIGHT}
          label={`Scatter of ${yKey} against ${xField.key}, ${plotted} runs`}
        >
          {yTicks.map(t => (
            <g key={`y${t.at}`}>
              <line
                className="jp-mm-SeriesChart-grid"
                x1={padLeft}
                x2={padLeft + plotW}
                y1={sy(t.at)}
                y2={sy(t.at)}
              />
              <text
                className="jp-mm-MetricChart-tick"
                x={padLeft - 4}
                y={sy(t.at) + 3}
                textAnchor="end"
              >
                {t.text}
              </text>
            </g>
          ))}
          {ticks(xAxis).map(t => (
            <text
              key={`x${t.at}`}
              className="jp-mm-MetricChart-tick"
              x={sx(t.at)}
              y={PAD.top + plotH + 14}
              textAnchor="middle"
            >
              {t.text}
            </text>
          ))}
          <line
            className="jp-mm-MetricChart-axis"
            x1={padLeft}
            x2={padLeft + plotW}
            y1={PAD.top + plotH}
            y2={PAD.top + plotH}
          />
          <line
            className="jp-mm-MetricChart-axis"
            x1={padLeft}
            x2={padLeft}
            y1={PAD.top}
            y2={PAD.top + plotH}
          />
          <text
            className="jp-mm-Scatter-title"
            x={padLeft + plotW / 2}
            y={HEIGHT - 4}
            textAnchor="middle"
          >
            {`${xField.kind} ${xField.key}`}
          </text>
          {runs.map((run, i) => {
            const px = axisPosition(xAxis, fieldValue(run, xField));
            const py = axisPosition(yAxis, fieldValue(run, yField));
            if (px === null || py === null) {
              return null;
            }
            return (
              <circle
                key={run.id}
                className={`jp-mm-Scatter-dot ${colorClass(i)}${hovered === run.id ? ' jp-mm-mod-hovered' : ''}`}
                data-run-id={run.id}
                cx={sx(px)}
                cy={sy(py)}
                r={hovered === run.id ? 7 : 5}
                onMouseEnter={() => setHovered(run.id)}
                onMouseLeave={() => setHovered(null)}
              >
                <title>{`${run.name || run.id}: ${xField.key} ${show(fieldValue(run, xField))}, ${yKey} ${show(fieldValue(run, yField))}`}</title>
              </circle>
            );
          })}
        </ChartSvg>
      </div>
      <div className="jp-mm-SeriesChart-readout" aria-live="polite">
        {hoveredRun ? (
          <span className="jp-mm-Scatter-hover">
            <b>{hoveredRun.name || hoveredRun.id}</b>
            {` · ${xField.key} ${show(fieldValue(hoveredRun, xField))} · ${yKey} ${show(fieldValue(hoveredRun, yField))}`}
          </span>
        ) : (
          <span className="jp-mm-Muted">hover a dot for its run</span>
        )}
      </div>
    </div>
  );
}
