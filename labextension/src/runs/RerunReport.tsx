import * as React from 'react';

import { formatDelta } from '../shared/deltas';
import { formatNumber, stripAnsi } from '../shared/format';
import { outputChange, packageChange, rerunVerdict } from './rerunRules';
import * as MM from './types';

/**
 * Props of {@link RerunReport}.
 */
export interface IRerunReportProps {
  /** The report of `POST runs/{id}/rerun`. */
  report: MM.IRerunReport;
  /** Open the new run; without it the id is plain text. */
  onOpenRun?: (id: string) => void;
  /** Open the diff of the original and the re-run; without it no such button. */
  onOpenDiff?: (original: string, rerun: string) => void;
}

/**
 * The report of a re-run: the verdict, the metrics side by side with their
 * deltas, the packages that changed, the outputs that differ, the error, and a
 * link to the new run. Every value is text (outputs are stored user content).
 */
export function RerunReport(props: IRerunReportProps): JSX.Element {
  const { report, onOpenRun } = props;
  const verdict = rerunVerdict(report);
  return (
    <div
      className={
        'jp-mm-RerunReport' +
        (verdict.reproduced ? ' jp-mm-mod-reproduced' : ' jp-mm-mod-differs')
      }
      data-status={report.status}
      data-reproduced={String(report.reproduced)}
    >
      <p className="jp-mm-RerunReport-verdict" role="status">
        <strong className="jp-mm-RerunReport-title">{verdict.title}</strong>{' '}
        <span className="jp-mm-RerunReport-detail">{verdict.detail}</span>
      </p>
      {report.rerun && (
        <p className="jp-mm-RerunReport-run">
          New run:{' '}
          {onOpenRun ? (
            <button
              className="jp-mm-Link jp-mm-RerunReport-open"
              data-run-id={report.rerun}
              title={`Open the re-run ${report.rerun}`}
              onClick={() => report.rerun && onOpenRun(report.rerun)}
            >
              {report.rerun}
            </button>
          ) : (
            <code>{report.rerun}</code>
          )}
          {props.onOpenDiff && (
            <button
              className="jp-mm-Link jp-mm-RerunReport-diff"
              title="Diff the original run with its re-run"
              onClick={() =>
                report.rerun && props.onOpenDiff?.(report.run, report.rerun)
              }
            >
              Diff with the original
            </button>
          )}
        </p>
      )}
      {report.metrics.length > 0 && <MetricDeltas metrics={report.metrics} />}
      {report.packages.length > 0 && (
        <div className="jp-mm-RerunReport-packages">
          <h3 className="jp-mm-RerunReport-heading">
            Packages that differ ({report.packages.length})
          </h3>
          <ul>
            {report.packages.map(p => (
              <li key={p.name}>
                <code>{p.name}</code> {packageChange(p)}
              </li>
            ))}
          </ul>
        </div>
      )}
      {report.outputs.length > 0 && (
        <div className="jp-mm-RerunReport-outputs">
          <h3 className="jp-mm-RerunReport-heading">
            Outputs that differ ({report.outputs.length})
          </h3>
          {report.outputs.map((o, i) => (
            <div key={i} className="jp-mm-RerunReport-output">
              <div className="jp-mm-RerunReport-outputKind">
                {outputChange(o)}
              </div>
              <div className="jp-mm-RerunReport-outputSides">
                <pre title="Original">{o.original ?? ''}</pre>
                <pre title="Re-run">{o.rerun ?? ''}</pre>
              </div>
            </div>
          ))}
        </div>
      )}
      {report.error && (
        <pre className="jp-mm-Traceback jp-mm-RerunReport-error">
          {stripAnsi(report.error)}
        </pre>
      )}
    </div>
  );
}

/** The tooltip of a metric's last column. */
function toleranceText(m: MM.IMetricDelta): string {
  if (m.timing) {
    return 'A wall-clock timing: it may differ without failing the re-run';
  }
  return m.within_tolerance ? 'Within tolerance' : 'Beyond tolerance';
}

/** The metrics of both runs, with deltas, the ones beyond tolerance marked. */
function MetricDeltas(props: {
  metrics: ReadonlyArray<MM.IMetricDelta>;
}): JSX.Element {
  return (
    <table className="jp-mm-KeyValueTable jp-mm-RerunReport-metrics">
      <thead>
        <tr>
          <th scope="col">Metric</th>
          <th scope="col">Original</th>
          <th scope="col">Re-run</th>
          <th scope="col">Delta</th>
          <th scope="col">
            <span className="jp-mm-VisuallyHidden">Within tolerance</span>
          </th>
        </tr>
      </thead>
      <tbody>
        {props.metrics.map(m => (
          <tr
            key={m.key}
            className={
              m.within_tolerance || m.timing ? '' : 'jp-mm-mod-differs'
            }
            data-key={m.key}
          >
            <th scope="row">{m.key}</th>
            <td className="jp-mm-RerunReport-number">
              {formatNumber(m.original)}
            </td>
            <td className="jp-mm-RerunReport-number">
              {formatNumber(m.rerun)}
            </td>
            <td className="jp-mm-RerunReport-number">{formatDelta(m.delta)}</td>
            <td title={toleranceText(m)}>
              {m.timing ? '⏱' : m.within_tolerance ? '✓' : '≠'}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
