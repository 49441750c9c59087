/**
 * The Reports section of a run: one block per evaluation report (`mm.evaluate`).
 *
 * `runs/{id}` lists each report with its metrics; the full report (heatmap, tables,
 * figures) is fetched from `runs/{id}/reports/{name}` when its block is open. A
 * report's content is fixed by its artifact version, so a refresh of the run
 * fetches it again only when the version changed.
 */
import * as React from 'react';

import { errorMessage } from '../shared/errors';
import { formatNumber } from '../shared/format';
import { ReportView, headlineMetrics } from './ReportView';
import * as MM from './types';

/** Props of {@link RunReports}. */
export interface IRunReportsProps {
  /** The run's reports, as `runs/{id}` lists them. */
  reports: MM.IReportSummary[];
  /** Fetch a full report by name. */
  loadReport: (name: string) => Promise<MM.IReport>;
  /** Fetch a blob's bytes by digest (the figures). */
  loadBlob: (digest: string) => Promise<Blob>;
}

function ReportBlock(props: {
  summary: MM.IReportSummary;
  open: boolean;
  loadReport: (name: string) => Promise<MM.IReport>;
  loadBlob: (digest: string) => Promise<Blob>;
}): JSX.Element {
  const { summary, loadReport } = props;
  const [open, setOpen] = React.useState(props.open);
  const [report, setReport] = React.useState<MM.IReport | null>(null);
  const [error, setError] = React.useState<string | null>(null);
  React.useEffect(() => {
    if (!open) {
      return;
    }
    let cancelled = false;
    setError(null);
    loadReport(summary.name)
      .then(r => !cancelled && setReport(r))
      .catch(err => !cancelled && setError(errorMessage(err)));
    return () => {
      cancelled = true;
    };
  }, [open, summary.name, summary.artifact, loadReport]);
  const headline = headlineMetrics(summary.metrics).slice(0, 4);
  return (
    <details
      className="jp-mm-RunReport"
      data-report={summary.name}
      open={open}
      onToggle={e => setOpen((e.target as HTMLDetailsElement).open)}
    >
      <summary className="jp-mm-RunReport-summary">
        <span className="jp-mm-RunReport-name">{summary.name}</span>
        <span className="jp-mm-RunReport-task">{summary.task}</span>
        {headline.map(([key, value]) => (
          <span key={key} className="jp-mm-RunReport-metric">
            {`${key} ${formatNumber(Number(value.toPrecision(4)))}`}
          </span>
        ))}
      </summary>
      {error ? (
        <div className="jp-mm-Muted">{`Cannot load the report: ${error}`}</div>
      ) : report && report.artifact === summary.artifact ? (
        <ReportView report={report} loadBlob={props.loadBlob} />
      ) : (
        <div className="jp-mm-Muted">Loading report…</div>
      )}
    </details>
  );
}

/**
 * Every report of a run, the first one open.
 */
export function RunReports(props: IRunReportsProps): JSX.Element {
  return (
    <div className="jp-mm-RunReports">
      {props.reports.map((summary, i) => (
        <ReportBlock
          key={summary.name}
          summary={summary}
          open={i === 0}
          loadReport={props.loadReport}
          loadBlob={props.loadBlob}
        />
      ))}
    </div>
  );
}
