/**
 * One evaluation report (`mm.evaluate`): metrics, confusion matrix heatmap,
 * classification report, the stored figures and feature importance.
 *
 * Everything comes from stored data: names render as React text, the heatmap's
 * shading is a clamped number, and figures are PNG blobs shown as `<img>` with
 * the type forced to `image/png`, so nothing in a report can run code.
 */
import * as React from 'react';

import { formatNumber } from '../shared/format';
import * as MM from './types';

/** Props of {@link ReportView}. */
export interface IReportViewProps {
  /** The decoded report. */
  report: MM.IReport;
  /** Fetch a blob's bytes by digest (the figures). */
  loadBlob: (digest: string) => Promise<Blob>;
}

/** The report's headline metrics: those not about a single class. */
export function headlineMetrics(
  metrics: Record<string, number>
): [string, number][] {
  return Object.entries(metrics).filter(([key]) => !key.includes('.'));
}

/** Background of a heatmap cell: the share of the true class, 0 to 1. */
export function heatColor(share: number): string {
  const alpha = Number.isFinite(share) ? Math.min(1, Math.max(0, share)) : 0;
  return `rgba(33, 102, 172, ${alpha.toFixed(3)})`;
}

function fmt(value: number): string {
  return formatNumber(
    Number.isFinite(value) ? Number(value.toPrecision(4)) : value
  );
}

/** The metrics of a report as a two-column table. */
export function MetricsTable(props: {
  metrics: [string, number][];
}): JSX.Element {
  return (
    <table className="jp-mm-ReportTable jp-mm-ReportMetrics">
      <tbody>
        {props.metrics.map(([key, value]) => (
          <tr key={key} data-metric={key}>
            <th>{key}</th>
            <td className="jp-mm-mod-numeric">{fmt(value)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** The confusion matrix as a table of shaded cells (rows: true, columns: predicted). */
export function ConfusionHeatmap(props: {
  matrix: MM.IConfusionMatrix;
}): JSX.Element {
  const { matrix } = props;
  return (
    <table className="jp-mm-ReportTable jp-mm-Heatmap">
      <caption>
        {`Confusion matrix: rows true, columns predicted${matrix.truncated ? ' (first classes)' : ''}`}
      </caption>
      <thead>
        <tr>
          <th />
          {matrix.labels.map((label, j) => (
            <th key={j} className="jp-mm-Heatmap-predicted">
              {label}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {matrix.labels.map((label, i) => (
          <tr key={i}>
            <th className="jp-mm-Heatmap-true">{label}</th>
            {matrix.counts[i].map((n, j) => {
              const share = matrix.normalized[i][j];
              return (
                <td
                  key={j}
                  className={
                    'jp-mm-Heatmap-cell jp-mm-mod-numeric' +
                    (share > 0.5 ? ' jp-mm-mod-dark' : '')
                  }
                  style={{ background: heatColor(share) }}
                  title={`${(share * 100).toFixed(1)}% of true ${label}`}
                  data-share={share.toFixed(3)}
                >
                  {String(n)}
                </td>
              );
            })}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** Precision, recall, F1 and support per class, then the averages. */
export function ClassReportTable(props: {
  table: MM.IClassificationReport;
}): JSX.Element {
  const rows: [string, MM.IClassRow | MM.IAverageRow][] = [
    ...props.table.classes.map((r): [string, MM.IClassRow] => [r.class, r]),
    ...props.table.averages.map((r): [string, MM.IAverageRow] => [
      `${r.average} avg`,
      r
    ])
  ];
  return (
    <table className="jp-mm-ReportTable jp-mm-ClassReport">
      <caption>Classification report</caption>
      <thead>
        <tr>
          <th />
          <th>precision</th>
          <th>recall</th>
          <th>f1</th>
          <th>support</th>
        </tr>
      </thead>
      <tbody>
        {rows.map(([name, r], i) => (
          <tr key={i} className={'average' in r ? 'jp-mm-mod-average' : ''}>
            <th>{name}</th>
            <td className="jp-mm-mod-numeric">{r.precision.toFixed(3)}</td>
            <td className="jp-mm-mod-numeric">{r.recall.toFixed(3)}</td>
            <td className="jp-mm-mod-numeric">{r.f1.toFixed(3)}</td>
            <td className="jp-mm-mod-numeric">{String(r.support)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** A stored PNG figure, fetched by digest. */
export function ReportFigure(props: {
  figure: MM.IReportFigure;
  loadBlob: (digest: string) => Promise<Blob>;
}): JSX.Element {
  const { figure, loadBlob } = props;
  const [url, setUrl] = React.useState<string | null>(null);
  const [failed, setFailed] = React.useState(false);
  React.useEffect(() => {
    let objectUrl: string | null = null;
    let cancelled = false;
    loadBlob(figure.digest)
      .then(blob => {
        if (!cancelled) {
          // A PNG whatever the response said: an <img> never runs code.
          objectUrl = URL.createObjectURL(
            new Blob([blob], { type: 'image/png' })
          );
          setUrl(objectUrl);
        }
      })
      .catch(() => !cancelled && setFailed(true));
    return () => {
      cancelled = true;
      if (objectUrl) {
        URL.revokeObjectURL(objectUrl);
      }
    };
  }, [figure.digest, loadBlob]);
  return (
    <figure className="jp-mm-ReportFigure" data-figure={figure.name}>
      {url ? (
        <img src={url} alt={figure.title} />
      ) : (
        <div className="jp-mm-Muted">
          {failed ? `Cannot load ${figure.title}` : 'Loading…'}
        </div>
      )}
    </figure>
  );
}

function ImportanceTable(props: { importance: MM.IImportance }): JSX.Element {
  const { importance } = props;
  const title =
    importance.method === 'shap'
      ? `SHAP summary (${importance.rows} rows)`
      : `Permutation importance (${importance.rows} rows, ${importance.repeats ?? 1} repeats)`;
  return (
    <table className="jp-mm-ReportTable jp-mm-Importance">
      <caption>{title}</caption>
      <tbody>
        {importance.features.slice(0, 15).map(f => (
          <tr key={f.feature}>
            <th>{f.feature}</th>
            <td className="jp-mm-mod-numeric">{fmt(f.mean)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/**
 * A full report: the tables drawn from its data, and its stored figures (the
 * confusion matrix figure is left out: the heatmap shows the same numbers).
 */
export function ReportView(props: IReportViewProps): JSX.Element {
  const { report } = props;
  const figures = report.figures.filter(f => f.name !== 'confusion_matrix');
  const importance = report.importance?.shap ?? report.importance?.permutation;
  return (
    <div className="jp-mm-ReportView" data-report={report.name}>
      <div className="jp-mm-ReportView-facts">
        <span className="jp-mm-ReportView-task">{report.task}</span>
        <span>{report.model}</span>
        <span>{`${report.rows.toLocaleString()} rows`}</span>
        {report.positive_class !== null && (
          <span>{`positive class: ${report.positive_class}`}</span>
        )}
        <code className="jp-mm-ReportView-artifact">{report.artifact}</code>
      </div>
      <div className="jp-mm-ReportView-tables">
        <MetricsTable metrics={headlineMetrics(report.metrics)} />
        {report.confusion_matrix && (
          <ConfusionHeatmap matrix={report.confusion_matrix} />
        )}
        {report.classification_report && (
          <ClassReportTable table={report.classification_report} />
        )}
        {importance && <ImportanceTable importance={importance} />}
      </div>
      {figures.length > 0 && (
        <div className="jp-mm-ReportView-figures">
          {figures.map(f => (
            <ReportFigure key={f.name} figure={f} loadBlob={props.loadBlob} />
          ))}
        </div>
      )}
      {report.notes.length > 0 && (
        <ul className="jp-mm-ReportView-notes">
          {report.notes.map((note, i) => (
            <li key={i}>{note}</li>
          ))}
        </ul>
      )}
    </div>
  );
}
