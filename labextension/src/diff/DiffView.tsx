import * as React from 'react';

import { hasChanges } from './rules';
import { Diff } from './types';
import { formatNumber, formatValue } from '../shared/format';
import * as MM from '../mm';
import { ChartSvg, IPadding, StepAxes } from '../shared/ChartParts';
import { LineDiffView, NotebookDiffView } from './NotebookDiff';

/**
 * Props of {@link DiffView}.
 */
export interface IDiffViewProps {
  /** The decoded diff. */
  diff: Diff.IRunDiff;
  /** Open a run's detail view. */
  onOpenRun: (run: MM.IRunSummary) => void;
  /** Swap the sides. */
  onSwap: () => void;
}

/** The header of a table comparing side A and side B, one row per `what`. */
function SidesHead(props: { what: string; last?: string }): JSX.Element {
  return (
    <thead>
      <tr>
        <th>{props.what}</th>
        <th>A</th>
        <th>B</th>
        <th>{props.last}</th>
      </tr>
    </thead>
  );
}

function runLabel(run: MM.IRunSummary): string {
  return run.name || run.id;
}

/**
 * The diff of two runs: header with counts, params, metrics (with both series in
 * one chart), code, notebook cells, environment and artifacts.
 */
export function DiffView(props: IDiffViewProps): JSX.Element {
  const { diff } = props;
  const s = diff.summary;
  return (
    <div className="jp-mm-DiffView">
      <div className="jp-mm-DiffHeader">
        <div className="jp-mm-DiffHeader-runs">
          <RunChip side="a" run={diff.a} onOpen={props.onOpenRun} />
          <span className="jp-mm-DiffHeader-vs">vs</span>
          <RunChip side="b" run={diff.b} onOpen={props.onOpenRun} />
          <button
            className="jp-mm-Button jp-mm-DiffHeader-swap"
            title="Swap A and B"
            onClick={props.onSwap}
          >
            ⇄ Swap
          </button>
        </div>
        <div className="jp-mm-DiffSummary">
          {(
            [
              ['params_changed', 'params'],
              ['metrics_changed', 'metrics'],
              ['cells_changed', 'cells'],
              ['packages_changed', 'packages']
            ] as const
          ).map(([key, label]) => (
            <span
              key={key}
              className={
                'jp-mm-DiffSummary-item' +
                ((s[key] ?? 0) > 0 ? ' jp-mm-mod-changed' : '')
              }
              data-summary={key}
            >
              <b>{String(s[key] ?? 0)}</b>
              {` ${label} changed`}
            </span>
          ))}
        </div>
      </div>
      <Section title="Params">
        <ParamsDiff params={diff.params} />
      </Section>
      <Section title="Metrics">
        <MetricsDiff metrics={diff.metrics} />
      </Section>
      <Section title="Code">
        <LineDiffView diff={diff.code} empty="No tracked code." />
      </Section>
      {hasChanges(diff.history) && (
        <Section title="Execution history" collapsed>
          <LineDiffView diff={diff.history} empty="No history." />
        </Section>
      )}
      <Section title="Notebook">
        {diff.notebook ? (
          <NotebookDiffView notebook={diff.notebook} />
        ) : (
          <div className="jp-mm-Empty">No notebook snapshot to compare.</div>
        )}
      </Section>
      <Section title="Environment">
        <EnvironmentDiff env={diff.environment} />
      </Section>
      <Section title="Artifacts">
        <ArtifactsDiff artifacts={diff.artifacts} />
      </Section>
    </div>
  );
}

function RunChip(props: {
  side: 'a' | 'b';
  run: MM.IRunSummary;
  onOpen: (run: MM.IRunSummary) => void;
}): JSX.Element {
  const { run } = props;
  return (
    <span className={`jp-mm-DiffRun jp-mm-DiffRun-${props.side}`}>
      <span className="jp-mm-DiffRun-side">{props.side.toUpperCase()}</span>
      <button
        className="jp-mm-Link jp-mm-DiffRun-name"
        data-run-id={run.id}
        title={`Open run ${run.id}`}
        onClick={() => props.onOpen(run)}
      >
        {runLabel(run)}
      </button>
      <code className="jp-mm-DiffRun-id">{run.id}</code>
    </span>
  );
}

function Section(props: {
  title: string;
  collapsed?: boolean;
  children: React.ReactNode;
}): JSX.Element {
  return (
    <details
      className="jp-mm-DiffSection"
      open={!props.collapsed}
      data-section={props.title}
    >
      <summary className="jp-mm-DiffSection-title">{props.title}</summary>
      {props.children}
    </details>
  );
}

type ParamRow = {
  key: string;
  status: 'added' | 'removed' | 'changed' | 'unchanged';
  a?: MM.JSONValue;
  b?: MM.JSONValue;
};

function ParamsDiff(props: { params: Diff.IParams }): JSX.Element {
  const p = props.params;
  const rows: ParamRow[] = [
    ...Object.entries(p.changed).map(([key, v]): ParamRow => ({
      key,
      status: 'changed',
      a: v.a,
      b: v.b
    })),
    ...Object.entries(p.added).map(([key, b]): ParamRow => ({
      key,
      status: 'added',
      b
    })),
    ...Object.entries(p.removed).map(([key, a]): ParamRow => ({
      key,
      status: 'removed',
      a
    })),
    ...Object.entries(p.unchanged).map(([key, a]): ParamRow => ({
      key,
      status: 'unchanged',
      a,
      b: a
    }))
  ];
  if (!rows.length) {
    return <div className="jp-mm-Empty">No params.</div>;
  }
  return (
    <table className="jp-mm-DiffTable jp-mm-DiffParams">
      <SidesHead what="param" />
      <tbody>
        {rows.map(r => (
          <tr
            key={r.key}
            data-param={r.key}
            data-status={r.status}
            className={`jp-mm-DiffRow jp-mm-mod-${r.status}`}
          >
            <td className="jp-mm-DiffTable-key">{r.key}</td>
            <td className="jp-mm-DiffTable-a">
              {r.status === 'added' ? '' : formatValue(r.a)}
            </td>
            <td className="jp-mm-DiffTable-b">
              {r.status === 'removed' ? '' : formatValue(r.b)}
            </td>
            <td className="jp-mm-DiffTable-status">
              {r.status === 'unchanged' ? '' : r.status}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function deltaClass(delta: number | null): string {
  if (delta === null || !Number.isFinite(delta) || delta === 0) {
    return '';
  }
  return delta > 0 ? ' jp-mm-mod-up' : ' jp-mm-mod-down';
}

function MetricsDiff(props: { metrics: Diff.IMetric[] }): JSX.Element {
  const { metrics } = props;
  if (!metrics.length) {
    return <div className="jp-mm-Empty">No metrics.</div>;
  }
  const charted = metrics.filter(
    m => m.series_a.length > 1 || m.series_b.length > 1
  );
  return (
    <>
      <table className="jp-mm-DiffTable jp-mm-DiffMetrics">
        <SidesHead what="metric" last="Δ" />
        <tbody>
          {metrics.map(m => (
            <tr key={m.key} data-metric={m.key}>
              <td className="jp-mm-DiffTable-key">{m.key}</td>
              <td className="jp-mm-mod-numeric">{formatNumber(m.a)}</td>
              <td className="jp-mm-mod-numeric">{formatNumber(m.b)}</td>
              <td
                className={
                  'jp-mm-mod-numeric jp-mm-DiffDelta' + deltaClass(m.delta)
                }
              >
                {m.delta === null
                  ? '—'
                  : (m.delta > 0 ? '+' : '') + formatNumber(m.delta)}
              </td>
            </tr>
          ))}
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

const PAD: IPadding = { left: 40, right: 8, top: 8, bottom: 16 };

/** Both runs' series of one metric in one small SVG chart (A blue, B orange). */
function PairChart(props: { metric: Diff.IMetric }): JSX.Element {
  const { metric } = props;
  const width = 260;
  const height = 110;
  const finite = (s: MM.IMetricPoint[]) =>
    s.filter(p => Number.isFinite(p.step) && Number.isFinite(p.value));
  const a = finite(metric.series_a);
  const b = finite(metric.series_b);
  const all = [...a, ...b];
  let x0 = Infinity,
    x1 = -Infinity,
    y0 = Infinity,
    y1 = -Infinity;
  for (const p of all) {
    x0 = Math.min(x0, p.step);
    x1 = Math.max(x1, p.step);
    y0 = Math.min(y0, p.value);
    y1 = Math.max(y1, p.value);
  }
  if (x0 === x1) {
    x0 -= 1;
    x1 += 1;
  }
  if (y0 === y1) {
    y0 -= 1;
    y1 += 1;
  }
  const pw = width - PAD.left - PAD.right;
  const ph = height - PAD.top - PAD.bottom;
  const sx = (x: number) => PAD.left + ((x - x0) / (x1 - x0)) * pw;
  const sy = (y: number) => PAD.top + (1 - (y - y0) / (y1 - y0)) * ph;
  const line = (s: MM.IMetricPoint[]) =>
    s.map(p => `${sx(p.step).toFixed(1)},${sy(p.value).toFixed(1)}`).join(' ');
  return (
    <div className="jp-mm-MetricChart jp-mm-DiffChart" data-metric={metric.key}>
      <div className="jp-mm-MetricChart-header">
        <span className="jp-mm-MetricChart-name">{metric.key}</span>
        <span className="jp-mm-DiffChart-legend">
          <span className="jp-mm-DiffChart-a">A</span>{' '}
          <span className="jp-mm-DiffChart-b">B</span>
        </span>
      </div>
      {all.length === 0 ? (
        <div className="jp-mm-MetricChart-note">no finite values</div>
      ) : (
        <ChartSvg
          className="jp-mm-MetricChart-svg"
          width={width}
          height={height}
          label={`${metric.key}: A and B over steps`}
        >
          <StepAxes
            pad={PAD}
            plotW={pw}
            plotH={ph}
            top={formatNumber(y1)}
            bottom={formatNumber(y0)}
          />
          {(
            [
              ['a', a],
              ['b', b]
            ] as const
          ).map(([side, s]) =>
            s.length > 1 ? (
              <polyline
                key={side}
                className={`jp-mm-DiffChart-line jp-mm-DiffChart-${side}`}
                data-side={side}
                points={line(s)}
              />
            ) : s.length === 1 ? (
              <circle
                key={side}
                className={`jp-mm-DiffChart-dot jp-mm-DiffChart-${side}`}
                data-side={side}
                cx={sx(s[0].step)}
                cy={sy(s[0].value)}
                r={2.5}
              />
            ) : null
          )}
        </ChartSvg>
      )}
    </div>
  );
}

function Pairs(props: {
  rows: [string, string, string][];
  empty: string;
}): JSX.Element {
  return props.rows.length ? (
    <table className="jp-mm-DiffTable">
      <tbody>
        {props.rows.map(([k, a, b]) => (
          <tr
            key={k}
            className={a === b ? '' : 'jp-mm-DiffRow jp-mm-mod-changed'}
          >
            <td className="jp-mm-DiffTable-key">{k}</td>
            <td>{a}</td>
            <td>{b}</td>
          </tr>
        ))}
      </tbody>
    </table>
  ) : (
    <div className="jp-mm-Empty">{props.empty}</div>
  );
}

function gitText(g: Diff.IGit | null): string {
  return g ? `${g.commit.slice(0, 10)}${g.dirty ? ' (dirty)' : ''}` : '—';
}

function EnvironmentDiff(props: { env: Diff.IEnvironment }): JSX.Element {
  const { env } = props;
  const p = env.packages;
  const pkgRows: [string, string, string, string][] = [
    ...Object.entries(p.changed).map(
      ([k, v]): [string, string, string, string] => [k, v.a, v.b, 'changed']
    ),
    ...Object.entries(p.added).map(
      ([k, v]): [string, string, string, string] => [k, '', v, 'added']
    ),
    ...Object.entries(p.removed).map(
      ([k, v]): [string, string, string, string] => [k, v, '', 'removed']
    )
  ];
  return (
    <>
      <Pairs
        rows={[
          ['python', env.python.a ?? '—', env.python.b ?? '—'],
          ['platform', env.platform.a ?? '—', env.platform.b ?? '—'],
          ['git', gitText(env.git.a), gitText(env.git.b)]
        ]}
        empty=""
      />
      {pkgRows.length ? (
        <table className="jp-mm-DiffTable jp-mm-DiffPackages">
          <SidesHead what="package" />
          <tbody>
            {pkgRows.map(([k, a, b, status]) => (
              <tr
                key={k}
                data-package={k}
                className={`jp-mm-DiffRow jp-mm-mod-${status}`}
              >
                <td className="jp-mm-DiffTable-key">{k}</td>
                <td>{a}</td>
                <td>{b}</td>
                <td className="jp-mm-DiffTable-status">{status}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        <div className="jp-mm-Empty">Same packages.</div>
      )}
    </>
  );
}

function ArtifactsDiff(props: {
  artifacts: Diff.IRunDiff['artifacts'];
}): JSX.Element {
  const rows: [string, string, MM.IVersionRef][] = [];
  for (const dir of ['inputs', 'outputs'] as const) {
    const side = props.artifacts[dir];
    for (const status of ['added', 'removed'] as const) {
      for (const ref of side[status]) {
        rows.push([dir, status, ref]);
      }
    }
  }
  const same =
    props.artifacts.inputs.unchanged.length +
    props.artifacts.outputs.unchanged.length;
  return (
    <>
      {rows.length > 0 ? (
        <table className="jp-mm-DiffTable jp-mm-DiffArtifacts">
          <tbody>
            {rows.map(([dir, status, ref]) => (
              <tr
                key={`${dir}:${status}:${ref.ref}`}
                className={`jp-mm-DiffRow jp-mm-mod-${status}`}
              >
                <td>{dir === 'inputs' ? 'input' : 'output'}</td>
                <td className="jp-mm-DiffTable-key">{ref.ref}</td>
                <td>{ref.kind}</td>
                <td className="jp-mm-DiffTable-status">
                  {status === 'added' ? 'only in B' : 'only in A'}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        <div className="jp-mm-Empty">No artifact differences.</div>
      )}
      {same > 0 && (
        <div className="jp-mm-DiffNote">{`${same} artifact version${same === 1 ? '' : 's'} in both`}</div>
      )}
    </>
  );
}
