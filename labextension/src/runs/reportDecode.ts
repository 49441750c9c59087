/**
 * Decoders of the evaluation reports: the `reports` of `GET runs/{id}` and the
 * full report of `GET runs/{id}/reports/{name}`.
 *
 * A report is stored output: every field is checked, malformed rows are dropped,
 * names stay strings (rendered as text only).
 */
import {
  count,
  fields,
  flag,
  isObject,
  list,
  numberRecord,
  optStr,
  str,
  strList,
  text,
  toNumber
} from '../shared/decode';
import * as MM from './types';

/** A list of numbers; entries that are not numbers become NaN (kept in place). */
function numbers(v: unknown): number[] {
  return Array.isArray(v) ? v.map(x => toNumber(x) ?? NaN) : [];
}

function nonNegative(v: unknown): number {
  const n = toNumber(v);
  return n !== null && Number.isFinite(n) && n >= 0 ? n : 0;
}

/** Decode one entry of a run's `reports`; null when it is not a report. */
export function decodeReportSummary(v: unknown): MM.IReportSummary | null {
  if (!isObject(v) || typeof v.name !== 'string') {
    return null;
  }
  return {
    name: v.name,
    task: optStr(v.task) ?? '',
    metrics: numberRecord(v.metrics),
    artifact: optStr(v.artifact) ?? ''
  };
}

/** Decode a run's `reports`; absent (older servers) means none. */
export function decodeReportSummaries(v: unknown): MM.IReportSummary[] {
  return list(v, decodeReportSummary);
}

function decodeMatrix(v: unknown): MM.IConfusionMatrix | null {
  if (!isObject(v)) {
    return null;
  }
  const labels = strList(v.labels);
  const rows = (x: unknown, each: (y: unknown) => number): number[][] =>
    Array.isArray(x)
      ? x
          .slice(0, labels.length)
          .map(r => labels.map((_, j) => each(Array.isArray(r) ? r[j] : null)))
      : [];
  const counts = rows(v.counts, nonNegative);
  const normalized = rows(v.normalized, x => {
    const n = toNumber(x);
    return n !== null && Number.isFinite(n) ? Math.min(1, Math.max(0, n)) : 0;
  });
  if (counts.length !== labels.length || normalized.length !== labels.length) {
    return null;
  }
  return { labels, counts, normalized, truncated: flag(v.truncated) };
}

function decodeClassRow(v: unknown): MM.IClassRow | null {
  return isObject(v) && typeof v.class === 'string'
    ? {
        class: v.class,
        precision: toNumber(v.precision) ?? NaN,
        recall: toNumber(v.recall) ?? NaN,
        f1: toNumber(v.f1) ?? NaN,
        support: nonNegative(v.support)
      }
    : null;
}

function decodeAverageRow(v: unknown): MM.IAverageRow | null {
  return isObject(v) && typeof v.average === 'string'
    ? {
        average: v.average,
        precision: toNumber(v.precision) ?? NaN,
        recall: toNumber(v.recall) ?? NaN,
        f1: toNumber(v.f1) ?? NaN,
        support: nonNegative(v.support)
      }
    : null;
}

function decodeClassificationReport(
  v: unknown
): MM.IClassificationReport | null {
  return isObject(v)
    ? {
        classes: list(v.classes, decodeClassRow),
        averages: list(v.averages, decodeAverageRow)
      }
    : null;
}

function decodeCurves(v: unknown): MM.ICurves | null {
  if (!isObject(v)) {
    return null;
  }
  return {
    roc: list(v.roc, (c): MM.IRocCurve | null =>
      isObject(c) && typeof c.class === 'string'
        ? {
            class: c.class,
            auc: toNumber(c.auc) ?? NaN,
            fpr: numbers(c.fpr),
            tpr: numbers(c.tpr)
          }
        : null
    ),
    pr: list(v.pr, (c): MM.IPrCurve | null =>
      isObject(c) && typeof c.class === 'string'
        ? {
            class: c.class,
            average_precision: toNumber(c.average_precision) ?? NaN,
            precision: numbers(c.precision),
            recall: numbers(c.recall)
          }
        : null
    ),
    calibration: list(v.calibration, (c): MM.ICalibrationCurve | null =>
      isObject(c) && typeof c.class === 'string'
        ? {
            class: c.class,
            predicted: numbers(c.predicted),
            observed: numbers(c.observed),
            count: numbers(c.count)
          }
        : null
    )
  };
}

function decodeRegression(v: unknown): MM.IRegressionPlots | null {
  if (!isObject(v)) {
    return null;
  }
  const points = isObject(v.points) ? v.points : {};
  const histogram = isObject(v.residual_histogram) ? v.residual_histogram : {};
  return {
    points: {
      actual: numbers(points.actual),
      predicted: numbers(points.predicted),
      every: toNumber(points.every) ?? 1
    },
    residual_histogram: {
      edges: numbers(histogram.edges),
      counts: numbers(histogram.counts)
    }
  };
}

function decodeImportance(v: unknown): MM.IImportance | null {
  if (!isObject(v) || typeof v.method !== 'string') {
    return null;
  }
  return {
    method: v.method,
    scoring: optStr(v.scoring) ?? undefined,
    rows: nonNegative(v.rows),
    repeats: toNumber(v.repeats) ?? undefined,
    features: list(v.features, (f): MM.IFeatureImportance | null =>
      isObject(f) && typeof f.feature === 'string'
        ? {
            feature: f.feature,
            mean: toNumber(f.mean) ?? NaN,
            std: toNumber(f.std) ?? undefined
          }
        : null
    )
  };
}

const DIGEST = /^[0-9a-f]{64}$/;

/** Decode `GET runs/{id}/reports/{name}`. */
export const decodeReport = fields<MM.IReport>('report', {
  format: text,
  name: str,
  task: str,
  model: text,
  rows: count,
  n_features: count,
  notes: strList,
  metrics: numberRecord,
  classes: strList,
  positive_class: optStr,
  score_kind: v => (v === 'proba' || v === 'decision' ? v : null),
  confusion_matrix: decodeMatrix,
  classification_report: decodeClassificationReport,
  curves: decodeCurves,
  regression: decodeRegression,
  importance: v =>
    isObject(v)
      ? {
          permutation: decodeImportance(v.permutation),
          shap: decodeImportance(v.shap)
        }
      : null,
  // Only figures with a well-formed digest: it becomes a `blobs/` URL.
  figures: v =>
    list(v, (f): MM.IReportFigure | null =>
      isObject(f) &&
      typeof f.name === 'string' &&
      typeof f.digest === 'string' &&
      DIGEST.test(f.digest)
        ? {
            name: f.name,
            title: optStr(f.title) ?? f.name,
            file: optStr(f.file) ?? '',
            digest: f.digest
          }
        : null
    ),
  artifact: text,
  run_id: text
});
