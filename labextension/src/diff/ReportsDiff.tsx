/**
 * The reports section of the run diff: evaluation reports (`mm.evaluate`) of the
 * same name on both sides, their headline metrics and their classes, with deltas.
 * Class names are untrusted: they render as React text.
 */
import * as React from 'react';

import { formatNumber } from '../shared/format';
import { SidesHead } from './MetricsDiff';
import { Diff } from './types';

/** Props of {@link ReportsDiff}. */
export interface IReportsDiffProps {
  /** The reports' diff, by name. */
  reports: Diff.IReportDiff[];
}

function short(value: number | null): string {
  return value === null
    ? '—'
    : formatNumber(
        Number.isFinite(value) ? Number(value.toPrecision(4)) : value
      );
}

/** Report metrics where a smaller value is the better one: their drop is shown as a gain. */
export const LOWER_IS_BETTER: ReadonlySet<string> = new Set([
  'log_loss',
  'brier_score',
  'mae',
  'mse',
  'rmse',
  'median_ae',
  'max_error',
  'mape'
]);

function Delta(props: {
  pair: Diff.IReportPair;
  lowerIsBetter?: boolean;
}): JSX.Element {
  const { delta } = props.pair;
  const better =
    delta !== null && (props.lowerIsBetter ? delta < 0 : delta > 0);
  const mod =
    delta === null || delta === 0
      ? ''
      : better
        ? ' jp-mm-mod-up'
        : ' jp-mm-mod-down';
  return (
    <td className={'jp-mm-mod-numeric jp-mm-DiffDelta' + mod}>
      {delta === null ? '—' : (delta > 0 ? '+' : '') + short(delta)}
    </td>
  );
}

function PairCells(props: {
  pair: Diff.IReportPair;
  lowerIsBetter?: boolean;
}): JSX.Element {
  return (
    <>
      <td className="jp-mm-mod-numeric">{short(props.pair.a)}</td>
      <td className="jp-mm-mod-numeric">{short(props.pair.b)}</td>
      <Delta pair={props.pair} lowerIsBetter={props.lowerIsBetter} />
    </>
  );
}

function OneReport(props: { report: Diff.IReportDiff }): JSX.Element {
  const { report } = props;
  const task = report.task.b ?? report.task.a ?? '';
  if (report.status !== 'both') {
    const added = report.status === 'added';
    return (
      <div
        className={`jp-mm-DiffReport jp-mm-DiffRow jp-mm-mod-${added ? 'added' : 'removed'}`}
        data-report={report.name}
      >
        <span className="jp-mm-DiffReport-name">{report.name}</span>{' '}
        <span className="jp-mm-RunReport-task">{task}</span>{' '}
        <span className="jp-mm-DiffTable-status">
          {added ? 'only in B' : 'only in A'}
        </span>
      </div>
    );
  }
  const same = report.artifact.a === report.artifact.b;
  return (
    <div className="jp-mm-DiffReport" data-report={report.name}>
      <div className="jp-mm-DiffReport-head">
        <span className="jp-mm-DiffReport-name">{report.name}</span>{' '}
        <span className="jp-mm-RunReport-task">{task}</span>{' '}
        <code>{report.artifact.a ?? ''}</code>
        {same ? (
          <span className="jp-mm-DiffTable-status"> identical</span>
        ) : (
          <>
            {' → '}
            <code>{report.artifact.b ?? ''}</code>
          </>
        )}
      </div>
      {!same && (
        <div className="jp-mm-DiffReport-tables">
          <table className="jp-mm-DiffTable jp-mm-DiffReportMetrics">
            <SidesHead what="metric" last="Δ" />
            <tbody>
              {report.metrics.map(m => (
                <tr key={m.key} data-metric={m.key}>
                  <td className="jp-mm-DiffTable-key">{m.key}</td>
                  <PairCells
                    pair={m}
                    lowerIsBetter={LOWER_IS_BETTER.has(m.key)}
                  />
                </tr>
              ))}
            </tbody>
          </table>
          {report.classes.length > 0 && (
            <table className="jp-mm-DiffTable jp-mm-DiffReportClasses">
              <thead>
                <tr>
                  <th>class</th>
                  <th>F1 A</th>
                  <th>F1 B</th>
                  <th>Δ</th>
                  <th>precision Δ</th>
                  <th>recall Δ</th>
                  <th>support A / B</th>
                </tr>
              </thead>
              <tbody>
                {report.classes.map(c => (
                  <tr key={c.class} data-class={c.class}>
                    <td className="jp-mm-DiffTable-key">{c.class}</td>
                    <PairCells pair={c.f1} />
                    <Delta pair={c.precision} />
                    <Delta pair={c.recall} />
                    <td className="jp-mm-mod-numeric">
                      {`${short(c.support.a)} / ${short(c.support.b)}`}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </div>
      )}
    </div>
  );
}

/**
 * Every report name of either run: identical reports in one line, changed ones
 * with their metric and per-class deltas, one-sided ones marked.
 */
export function ReportsDiff(props: IReportsDiffProps): JSX.Element {
  return (
    <div className="jp-mm-DiffReports">
      {props.reports.map(r => (
        <OneReport key={r.name} report={r} />
      ))}
    </div>
  );
}
