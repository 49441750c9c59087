import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import * as React from 'react';

import { decodeReportsDiff } from '../diff/decode';
import { LOWER_IS_BETTER, ReportsDiff } from '../diff/ReportsDiff';
import { decodeRunDetail } from '../runs/decode';
import { decodeReport, decodeReportSummaries } from '../runs/reportDecode';
import {
  ConfusionHeatmap,
  ReportView,
  headlineMetrics,
  heatColor
} from '../runs/ReportView';
import { RunReports } from '../runs/RunReports';
import * as MM from '../mm';

// react-dom is a dev dependency without bundled types: render to static HTML.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { renderToStaticMarkup } = require('react-dom/server') as {
  renderToStaticMarkup: (element: React.ReactElement) => string;
};

const XSS = '<img src=x onerror="window.__pwned=1">';
const DIGEST = 'a'.repeat(64);

/** A binary report as `GET runs/{id}/reports/test` sends it. */
function wireReport(extra: Record<string, unknown> = {}): unknown {
  return {
    format: 'mm-jupyter.evaluation/1',
    name: 'test',
    task: 'binary',
    model: 'LogisticRegression',
    rows: 200,
    n_features: 6,
    notes: ['SHAP values not computed: the shap package is not installed'],
    metrics: { accuracy: 0.9, f1: 0.88, log_loss: 'NaN', 'f1.churn': 0.88 },
    classes: ['stay', 'churn'],
    positive_class: 'churn',
    score_kind: 'proba',
    confusion_matrix: {
      labels: ['stay', 'churn'],
      counts: [
        [90, 10],
        [10, 90]
      ],
      normalized: [
        [0.9, 0.1],
        [0.1, 0.9]
      ],
      truncated: false
    },
    classification_report: {
      classes: [
        { class: 'stay', precision: 0.9, recall: 0.9, f1: 0.9, support: 100 },
        { class: 'churn', precision: 0.9, recall: 0.9, f1: 0.9, support: 100 },
        { precision: 1 }
      ],
      averages: [
        {
          average: 'macro',
          precision: 0.9,
          recall: 0.9,
          f1: 0.9,
          support: 200
        }
      ]
    },
    curves: {
      roc: [{ class: 'churn', auc: 0.95, fpr: [0, 1], tpr: [0, 1] }],
      pr: [],
      calibration: []
    },
    importance: null,
    figures: [
      { name: 'roc', title: 'ROC curve', file: 'roc.png', digest: DIGEST },
      { name: 'bad', title: 'x', file: 'x.png', digest: '../../etc/passwd' },
      {
        name: 'confusion_matrix',
        title: 'Confusion matrix',
        file: 'confusion_matrix.png',
        digest: 'b'.repeat(64)
      }
    ],
    artifact: 'gbm-test-report:v1',
    run_id: 'abc',
    ...extra
  };
}

const noBlob = (): Promise<Blob> => new Promise<Blob>(() => undefined);

describe('decodeReport', () => {
  it('keeps well-formed parts and drops the rest', () => {
    const r = decodeReport(wireReport());
    assert.equal(r.task, 'binary');
    assert.ok(Number.isNaN(r.metrics.log_loss));
    assert.equal(r.classification_report?.classes.length, 2);
    assert.deepEqual(
      r.figures.map(f => f.name),
      ['roc', 'confusion_matrix']
    );
    assert.equal(r.regression, null);
    assert.equal(r.curves?.roc[0].auc, 0.95);
  });

  it('drops a confusion matrix whose rows do not fit its labels', () => {
    const r = decodeReport(
      wireReport({
        confusion_matrix: {
          labels: ['a', 'b', 'c'],
          counts: [[1]],
          normalized: [[1]]
        }
      })
    );
    assert.equal(r.confusion_matrix, null);
  });

  it('clamps shares so a cell colour is always a valid rgba', () => {
    const r = decodeReport(
      wireReport({
        confusion_matrix: {
          labels: ['a', 'b'],
          counts: [
            [1, -5],
            ['x', 2]
          ],
          normalized: [
            [7, -1],
            ['NaN', 0.5]
          ]
        }
      })
    );
    assert.deepEqual(r.confusion_matrix?.normalized, [
      [1, 0],
      [0, 0.5]
    ]);
    assert.deepEqual(r.confusion_matrix?.counts, [
      [1, 0],
      [0, 2]
    ]);
    assert.equal(heatColor(NaN), 'rgba(33, 102, 172, 0.000)');
    assert.equal(heatColor(2), 'rgba(33, 102, 172, 1.000)');
  });

  it('decodes the summaries of a run and defaults them on older servers', () => {
    const summaries = decodeReportSummaries([
      {
        name: 'test',
        task: 'binary',
        metrics: { accuracy: 0.5 },
        artifact: 'r:v1'
      },
      { task: 'binary' },
      'junk'
    ]);
    assert.deepEqual(summaries, [
      {
        name: 'test',
        task: 'binary',
        metrics: { accuracy: 0.5 },
        artifact: 'r:v1'
      }
    ]);
    assert.deepEqual(decodeRunDetail({ run: { id: 'x' } }).reports, []);
  });
});

describe('ReportView', () => {
  it('renders names as text, never as markup', () => {
    const r = decodeReport(
      wireReport({
        model: XSS,
        notes: [XSS],
        classes: [XSS, 'churn'],
        confusion_matrix: {
          labels: [XSS, 'churn'],
          counts: [
            [1, 0],
            [0, 1]
          ],
          normalized: [
            [1, 0],
            [0, 1]
          ]
        },
        classification_report: {
          classes: [{ class: XSS, precision: 1, recall: 1, f1: 1, support: 1 }],
          averages: []
        },
        importance: {
          permutation: {
            method: 'permutation',
            rows: 2,
            repeats: 1,
            features: [{ feature: XSS, mean: 0.1, std: 0 }]
          },
          shap: null
        },
        figures: [{ name: 'roc', title: XSS, file: 'roc.png', digest: DIGEST }]
      })
    );
    const html = renderToStaticMarkup(
      React.createElement(ReportView, { report: r, loadBlob: noBlob })
    );
    assert.ok(!html.includes('<img src=x'));
    assert.ok(
      html.includes('&lt;img src=x onerror=&quot;window.__pwned=1&quot;&gt;')
    );
  });

  it('draws the heatmap from the counts and shares, rows true', () => {
    const r = decodeReport(wireReport());
    const html = renderToStaticMarkup(
      React.createElement(ConfusionHeatmap, { matrix: r.confusion_matrix! })
    );
    assert.equal((html.match(/jp-mm-Heatmap-cell/g) ?? []).length, 4);
    assert.ok(html.includes('data-share="0.900"'));
    assert.ok(html.includes('background:rgba(33, 102, 172, 0.900)'));
    assert.ok(html.includes('jp-mm-mod-dark'));
    assert.ok(html.includes('>90<') && html.includes('>10<'));
  });

  it('shows the stored figures but the confusion matrix figure', () => {
    const r = decodeReport(wireReport());
    const html = renderToStaticMarkup(
      React.createElement(ReportView, { report: r, loadBlob: noBlob })
    );
    assert.ok(html.includes('data-figure="roc"'));
    assert.ok(!html.includes('data-figure="confusion_matrix"'));
    assert.ok(html.includes('Classification report'));
    assert.ok(html.includes('shap package is not installed'));
    assert.deepEqual(
      headlineMetrics(r.metrics).map(([k]) => k),
      ['accuracy', 'f1', 'log_loss']
    );
  });
});

describe('the run view', () => {
  const summary: MM.IReportSummary = {
    name: 'test',
    task: 'binary',
    metrics: { accuracy: 0.91234, 'f1.churn': 0.5, roc_auc: 0.97 },
    artifact: 'gbm-test-report:v1'
  };

  it('lists each report with its headline metrics, the first open', () => {
    const html = renderToStaticMarkup(
      React.createElement(RunReports, {
        reports: [summary, { ...summary, name: XSS }],
        loadReport: () => new Promise<MM.IReport>(() => undefined),
        loadBlob: noBlob
      })
    );
    assert.equal((html.match(/<details/g) ?? []).length, 2);
    assert.ok(html.includes('open=""'));
    assert.ok(html.includes('accuracy 0.9123'));
    assert.ok(!html.includes('f1.churn'));
    assert.ok(!html.includes('<img src=x'));
  });
});

describe('the run diff of reports', () => {
  const pair = (a: unknown, b: unknown, delta: unknown) => ({ a, b, delta });
  const wire = [
    {
      name: 'test',
      status: 'both',
      task: { a: 'binary', b: 'binary' },
      artifact: { a: 'a-test-report:v1', b: 'b-test-report:v1' },
      metrics: [
        { key: 'accuracy', ...pair(0.8, 0.9, 0.1) },
        { key: 'log_loss', ...pair('NaN', 0.3, null) },
        { a: 1 }
      ],
      classes: [
        {
          class: XSS,
          precision: pair(0.5, 0.6, 0.1),
          recall: pair(0.5, 0.4, -0.1),
          f1: pair(0.5, 0.5, 0),
          support: pair(10, 10, 0)
        }
      ]
    },
    {
      name: 'train',
      status: 'added',
      task: { a: null, b: 'binary' },
      artifact: { a: null, b: 'b-train-report:v1' },
      metrics: [],
      classes: []
    },
    'junk'
  ];

  it('decodes pairs, keeping one-sided values and dropping malformed rows', () => {
    const reports = decodeReportsDiff(wire)!;
    assert.equal(reports.length, 2);
    assert.deepEqual(
      reports[0].metrics.map(m => m.key),
      ['accuracy', 'log_loss']
    );
    assert.ok(Number.isNaN(reports[0].metrics[1].a!));
    assert.equal(reports[0].metrics[1].delta, null);
    assert.equal(reports[1].artifact.a, null);
    assert.equal(decodeReportsDiff(null), null);
  });

  it('renders deltas and one-sided reports, names as text', () => {
    const html = renderToStaticMarkup(
      React.createElement(ReportsDiff, { reports: decodeReportsDiff(wire)! })
    );
    assert.ok(html.includes('data-metric="accuracy"'));
    assert.ok(html.includes('+0.1'));
    assert.ok(
      LOWER_IS_BETTER.has('log_loss') && !LOWER_IS_BETTER.has('accuracy')
    );
    // a lower loss counts as a gain
    const lower = renderToStaticMarkup(
      React.createElement(ReportsDiff, {
        reports: decodeReportsDiff([
          {
            ...(wire[0] as object),
            metrics: [{ key: 'log_loss', ...pair(0.5, 0.3, -0.2) }],
            classes: []
          }
        ])!
      })
    );
    assert.ok(lower.includes('jp-mm-mod-up'), lower);
    assert.ok(html.includes('jp-mm-mod-down'));
    assert.ok(html.includes('only in B'));
    assert.ok(!html.includes('<img src=x'));
  });
});
