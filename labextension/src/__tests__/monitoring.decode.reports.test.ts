import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { decodeBatchReport, insufficientReasons } from '../monitoring/decode';

describe('insufficient data reasons', () => {
  it('reads a reason, a list, or reasons by feature', () => {
    assert.deepEqual(insufficientReasons('12 rows', 'x'), ['12 rows']);
    assert.deepEqual(insufficientReasons(['a', 'b'], 'x'), ['a', 'b']);
    assert.deepEqual(
      insufficientReasons(
        { age: '12 non-missing values', plan: ['empty'] },
        'x'
      ),
      ['age: 12 non-missing values', 'plan: empty']
    );
    assert.deepEqual(insufficientReasons(null, 'x'), []);
    assert.deepEqual(insufficientReasons(false, 'x'), []);
  });

  it('refuses a number as a reason', () => {
    assert.throws(
      () => insufficientReasons({ age: 12 }, 'r'),
      /r\.age: expected a reason/
    );
  });

  it('collects reasons of the report, its features and predictions', () => {
    // The shape of monitoring/drift.py's batch_report, plus the batch fields.
    const report = decodeBatchReport({
      rows: 12,
      status: 'insufficient_data',
      reason: '12 rows; drift needs at least 30',
      features: {
        age: {
          type: 'numeric',
          status: 'insufficient_data',
          reason: '12 non-missing values; drift needs at least 30',
          psi: null
        },
        plan: { status: 'skipped', reason: 'not in the reference profile' },
        tenure: { status: 'ok', reason: null, psi: 0.01 }
      },
      missing_features: ['income'],
      extra_features: ['plan'],
      prediction: { status: 'insufficient_data', reason: null },
      batch_id: 'b1',
      ts: 1764213000.5,
      source: 'api',
      n_labelled: 0,
      performance: { accuracy: 0.9, f1: 'NaN', note: 'text' }
    });
    assert.deepEqual(report.insufficient, [
      '12 rows; drift needs at least 30',
      'age: 12 non-missing values; drift needs at least 30',
      'plan: not in the reference profile',
      'predictions: insufficient data'
    ]);
    assert.equal(report.n_rows, 12);
    assert.deepEqual(report.missing_features, ['income']);
    assert.deepEqual(report.extra_features, ['plan']);
    assert.equal(report.performance.accuracy, 0.9);
    assert.ok(Number.isNaN(report.performance.f1));
    assert.equal('note' in report.performance, false);
  });

  it("reads performance.py's metrics and its insufficient-data reason", () => {
    const report = decodeBatchReport({
      rows: 400,
      status: 'ok',
      performance: {
        task: 'classification',
        n: 400,
        status: 'ok',
        reason: null,
        metrics: { accuracy: 0.75, f1: 0.7 }
      }
    });
    assert.deepEqual(report.performance, { accuracy: 0.75, f1: 0.7 });
    const empty = decodeBatchReport({
      rows: 3,
      performance: {
        task: null,
        n: 0,
        status: 'insufficient_data',
        reason: 'no labelled rows',
        metrics: {}
      }
    });
    assert.deepEqual(empty.performance, {});
    assert.deepEqual(empty.insufficient, ['performance: no labelled rows']);
  });

  it('has no reasons for a report with values', () => {
    const report = decodeBatchReport({
      rows: 300,
      status: 'ok',
      reason: null,
      features: { age: { status: 'ok', psi: 0.3 } },
      batch_id: 'b2',
      ts: 1,
      source: 'api',
      n_labelled: 0,
      performance: null
    });
    assert.deepEqual(report.insufficient, []);
    assert.deepEqual(report.performance, {});
  });

  it('names a malformed feature entry', () => {
    assert.throws(
      () =>
        decodeBatchReport({
          status: 'ok',
          features: { age: { status: 3 } }
        }),
      /last_report\.features\.age\.status: expected a string/
    );
  });
});
