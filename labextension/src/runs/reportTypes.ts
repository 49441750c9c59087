/**
 * Types of the evaluation reports of `mm.evaluate` (docs/evaluation.md): the
 * summaries `GET runs/{id}` lists and the full report of
 * `GET runs/{id}/reports/{name}`, as the frontend sees them after decoding.
 *
 * Class and feature names are untrusted user content: views render them as text.
 */

/** What a report evaluates. */
export type ReportTask = 'binary' | 'multiclass' | 'regression';

/**
 * One evaluation report of a run, as `runs/{id}` lists it.
 */
export interface IReportSummary {
  /** The report's name: the prefix of its metrics (`test`). */
  name: string;
  /** `binary`, `multiclass` or `regression`. */
  task: ReportTask | string;
  /** Metrics without the name's prefix (`accuracy`, `f1.<class>`, `rmse`). */
  metrics: Record<string, number>;
  /** The report's artifact version, `name:vN`. */
  artifact: string;
}

/** The confusion matrix: rows are true classes, columns predicted ones. */
export interface IConfusionMatrix {
  /** Class names, in row (and column) order. */
  labels: string[];
  /** Counts. */
  counts: number[][];
  /** Each row divided by its total. */
  normalized: number[][];
  /** Whether only the first classes were kept. */
  truncated: boolean;
}

/** Precision, recall, F1 and support of one class. */
export interface IClassRow {
  /** Class name. */
  class: string;
  /** Precision. */
  precision: number;
  /** Recall. */
  recall: number;
  /** F1 score. */
  f1: number;
  /** Rows of this class in `y`. */
  support: number;
}

/** A macro or weighted average of the class rows. */
export interface IAverageRow {
  /** `macro` or `weighted`. */
  average: 'macro' | 'weighted' | string;
  /** Precision. */
  precision: number;
  /** Recall. */
  recall: number;
  /** F1 score. */
  f1: number;
  /** Rows counted. */
  support: number;
}

/** The classification report table. */
export interface IClassificationReport {
  /** One row per class. */
  classes: IClassRow[];
  /** The averages. */
  averages: IAverageRow[];
}

/** A ROC curve of one class (one-vs-rest). */
export interface IRocCurve {
  /** Class name. */
  class: string;
  /** Area under the curve. */
  auc: number;
  /** False positive rates. */
  fpr: number[];
  /** True positive rates. */
  tpr: number[];
}

/** A precision-recall curve of one class. */
export interface IPrCurve {
  /** Class name. */
  class: string;
  /** Average precision. */
  average_precision: number;
  /** Precision along the curve. */
  precision: number[];
  /** Recall along the curve. */
  recall: number[];
}

/** A reliability diagram of one class. */
export interface ICalibrationCurve {
  /** Class name. */
  class: string;
  /** Mean predicted probability per bin. */
  predicted: number[];
  /** Observed frequency per bin. */
  observed: number[];
  /** Rows per bin. */
  count: number[];
}

/** The curves of a classification report. */
export interface ICurves {
  /** ROC curves. */
  roc: IRocCurve[];
  /** Precision-recall curves. */
  pr: IPrCurve[];
  /** Calibration curves (probabilities only). */
  calibration: ICalibrationCurve[];
}

/** The plot data of a regression report. */
export interface IRegressionPlots {
  /** A sample of (actual, predicted) pairs. */
  points: { actual: number[]; predicted: number[]; every: number };
  /** Histogram of all residuals. */
  residual_histogram: { edges: number[]; counts: number[] };
}

/** One feature's importance. */
export interface IFeatureImportance {
  /** Feature name. */
  feature: string;
  /** Mean importance. */
  mean: number;
  /** Standard deviation over repeats (permutation importance). */
  std?: number;
}

/** Permutation importance or SHAP summary. */
export interface IImportance {
  /** `permutation` or `shap`. */
  method: 'permutation' | 'shap' | string;
  /** Scoring of permutation importance (`accuracy`, `r2`). */
  scoring?: string;
  /** Rows used. */
  rows: number;
  /** Repeats of permutation importance. */
  repeats?: number;
  /** Features, most important first. */
  features: IFeatureImportance[];
}

/** A stored PNG figure of a report. */
export interface IReportFigure {
  /** Figure name (`roc`, `confusion_matrix`, ...). */
  name: string;
  /** Title to show. */
  title: string;
  /** File name in the report's folder. */
  file: string;
  /** Blob digest of the PNG. */
  digest: string;
}

/**
 * Response of `GET runs/{id}/reports/{name}`: a full report.
 */
export interface IReport {
  /** Format tag, `mm-jupyter.evaluation/1`. */
  format: string;
  /** The report's name. */
  name: string;
  /** What was evaluated. */
  task: ReportTask | string;
  /** The model's class. */
  model: string;
  /** Rows evaluated. */
  rows: number;
  /** Number of features. */
  n_features: number;
  /** What the report left out, and why. */
  notes: string[];
  /** Metrics without the name's prefix. */
  metrics: Record<string, number>;
  /** Class names (classification). */
  classes: string[];
  /** The positive class of a binary report. */
  positive_class: string | null;
  /** Where the curve scores came from. */
  score_kind: 'proba' | 'decision' | null;
  /** Confusion matrix (classification). */
  confusion_matrix: IConfusionMatrix | null;
  /** Classification report table. */
  classification_report: IClassificationReport | null;
  /** Curves (classification). */
  curves: ICurves | null;
  /** Plot data (regression). */
  regression: IRegressionPlots | null;
  /** Feature importance, when asked for. */
  importance: {
    permutation: IImportance | null;
    shap: IImportance | null;
  } | null;
  /** Stored figures. */
  figures: IReportFigure[];
  /** The report's artifact version. */
  artifact: string;
  /** The run asked about. */
  run_id: string;
}
