import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { DecodeError } from '../shared/decode';
import {
  decodeAlert,
  decodeBatchReport,
  decodeMonitorDetail,
  decodeMonitorList,
  decodeRule,
  decodeSeriesList,
  insufficientReasons
} from '../monitoring/decode';

/** Payloads as docs/monitoring.md shows them. */
const SUMMARY = {
  model: 'churn-clf',
  version: 2,
  ref: 'churn-clf:2',
  stage: 'production',
  aliases: ['champion'],
  batches: 14,
  rows: 12000,
  labelled: 3000,
  first_ts: 1764212000.0,
  last_ts: 1764213000.5,
  firing: 1,
  has_reference_profile: true
};

const RULE = {
  id: 3,
  kind: 'series',
  model: 'churn-clf',
  version: null,
  pattern: 'drift.psi.*',
  op: '>',
  threshold: 0.2,
  count: 1,
  window_s: null,
  severity: 'warning',
  name: null,
  action: { kind: 'webhook', display: 'https://hooks.example.com/x' },
  enabled: true,
  created_at: '2026-11-26T15:37:05Z',
  created_by: 'ana'
};

const ALERT = {
  id: 7,
  rule_id: 3,
  model: 'churn-clf',
  version: 2,
  series: 'drift.psi.age',
  state: 'firing',
  severity: 'warning',
  message: 'drift.psi.age = 0.41 > 0.2',
  value: 0.41,
  threshold: 0.2,
  op: '>',
  fired_values: [{ ts: 1764213000.5, value: 0.41, batch_id: 'b1f0' }],
  occurrences: 3,
  fired_ts: 1764212990.1,
  last_ts: 1764213000.5,
  resolved_ts: null,
  actions: [
    {
      kind: 'notebook',
      status: 'ok',
      detail: 'ran retrain.ipynb in 8.2 s',
      output: '/abs/.mm/triggers/retrain-alert-7.ipynb',
      run_id: '3f9a1c2b7d4e',
      created_ts: 1764212990.2,
      finished_ts: 1764212998.4
    }
  ]
};

describe('decodeMonitorList', () => {
  it('decodes the documented payload', () => {
    const list = decodeMonitorList({
      total: 3,
      offset: 0,
      limit: 50,
      firing: 2,
      cursor: 991,
      monitors: [SUMMARY]
    });
    assert.equal(list.firing, 2);
    assert.equal(list.cursor, 991);
    assert.deepEqual(list.monitors[0], SUMMARY);
  });

  it('fills optional fields of a sparse summary', () => {
    const list = decodeMonitorList({
      total: 1,
      firing: 0,
      monitors: [{ model: 'm', version: 1 }]
    });
    const m = list.monitors[0];
    assert.equal(m.ref, 'm:1');
    assert.equal(m.stage, 'none');
    assert.deepEqual(m.aliases, []);
    assert.equal(m.rows, 0);
    assert.equal(m.last_ts, null);
    assert.equal(m.has_reference_profile, false);
  });

  it('requires the firing count (the badge reads it)', () => {
    assert.throws(
      () => decodeMonitorList({ total: 0, monitors: [] }),
      /monitoring\.firing: expected a number/
    );
  });

  it('names the bad field of a malformed monitor', () => {
    assert.throws(
      () =>
        decodeMonitorList({
          total: 1,
          firing: 0,
          monitors: [{ ...SUMMARY, version: '2' }]
        }),
      (err: unknown) =>
        err instanceof DecodeError &&
        err.message === 'monitoring.monitors[0].version: expected a number'
    );
    assert.throws(
      () =>
        decodeMonitorList({
          total: 1,
          firing: 0,
          monitors: [{ ...SUMMARY, aliases: [1] }]
        }),
      /monitors\[0\]\.aliases\[0\]: expected a string/
    );
    assert.throws(
      () => decodeMonitorList({ total: 1, firing: 0, monitors: {} }),
      /monitoring\.monitors: expected a list/
    );
    assert.throws(() => decodeMonitorList('<html>'), DecodeError);
  });

  it('decodes non-finite numbers sent as strings', () => {
    const list = decodeMonitorList({
      total: 1,
      firing: 0,
      monitors: [{ ...SUMMARY, last_ts: 'NaN' }]
    });
    assert.ok(Number.isNaN(list.monitors[0].last_ts));
  });
});

describe('decodeRule', () => {
  it('decodes the documented rule', () => {
    assert.deepEqual(decodeRule(RULE), RULE);
  });

  it('accepts an event rule without comparison', () => {
    const rule = decodeRule({
      ...RULE,
      kind: 'event',
      pattern: 'stage_changed',
      op: null,
      threshold: null,
      action: null
    });
    assert.equal(rule.op, null);
    assert.equal(rule.action, null);
  });

  it('refuses an unknown comparison and a non-boolean flag', () => {
    assert.throws(
      () => decodeRule({ ...RULE, op: '=>' }),
      /rule\.op: unknown comparison "=>"/
    );
    assert.throws(
      () => decodeRule({ ...RULE, enabled: 'yes' }),
      /rule\.enabled: expected true or false/
    );
    assert.throws(
      () => decodeRule({ ...RULE, action: { display: 'x' } }),
      /rule\.action\.kind: expected a string/
    );
  });
});

describe('decodeAlert', () => {
  it('decodes the documented alert', () => {
    assert.deepEqual(decodeAlert(ALERT), ALERT);
  });

  it('refuses an unknown state', () => {
    assert.throws(
      () => decodeAlert({ ...ALERT, state: 'pending' }),
      /alert\.state: expected "firing" or "resolved"/
    );
  });

  it('names the bad field of an action', () => {
    assert.throws(
      () =>
        decodeAlert({
          ...ALERT,
          actions: [{ ...ALERT.actions[0], run_id: 42 }]
        }),
      /alert\.actions\[0\]\.run_id: expected a string/
    );
  });

  it('keeps markup in messages as plain strings', () => {
    const alert = decodeAlert({
      ...ALERT,
      message: '<img src=x onerror=alert(1)>',
      series: 'drift.psi.<b>x</b>'
    });
    assert.equal(alert.message, '<img src=x onerror=alert(1)>');
    assert.equal(alert.series, 'drift.psi.<b>x</b>');
  });
});

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

describe('decodeMonitorDetail', () => {
  it('decodes the documented payload', () => {
    const detail = decodeMonitorDetail({
      monitor: SUMMARY,
      latest: { 'drift.psi.age': { value: 0.41, ts: 1764213000.5 } },
      features: ['age', 'plan'],
      series_keys: ['drift.psi.age', 'volume.rows'],
      rules: [RULE],
      alerts: [ALERT],
      last_report: null
    });
    assert.equal(detail.monitor.ref, 'churn-clf:2');
    assert.equal(detail.latest['drift.psi.age'].value, 0.41);
    assert.equal(detail.rules[0].pattern, 'drift.psi.*');
    assert.equal(detail.alerts[0].actions[0].run_id, '3f9a1c2b7d4e');
    assert.equal(detail.last_report, null);
  });

  it('names the bad alert', () => {
    assert.throws(
      () =>
        decodeMonitorDetail({
          monitor: SUMMARY,
          alerts: [ALERT, { ...ALERT, fired_ts: null }]
        }),
      /alerts\[1\]\.fired_ts: expected a number/
    );
    assert.throws(
      () => decodeMonitorDetail({ monitor: SUMMARY, latest: { k: 1 } }),
      /latest\.k: expected an object/
    );
    assert.throws(() => decodeMonitorDetail({}), /monitor: expected an object/);
  });
});

describe('decodeSeriesList', () => {
  it('decodes points and thresholds', () => {
    const list = decodeSeriesList({
      ref: 'churn-clf:2',
      series: [
        {
          key: 'drift.psi.age',
          points: [
            { ts: 1764212000.0, value: 0.03 },
            { ts: 1764212060.0, value: 'Infinity' }
          ],
          truncated: false,
          thresholds: [
            { rule_id: 3, op: '>', threshold: 0.2, severity: 'warning' }
          ]
        }
      ]
    });
    const s = list.series[0];
    assert.equal(s.points.length, 2);
    assert.equal(s.points[1].value, Infinity);
    assert.deepEqual(s.thresholds[0], {
      rule_id: 3,
      op: '>',
      threshold: 0.2,
      severity: 'warning'
    });
  });

  it('refuses malformed points and thresholds', () => {
    const series = (extra: object) => ({
      ref: 'r',
      series: [{ key: 'k', points: [], ...extra }]
    });
    assert.throws(
      () => decodeSeriesList(series({ points: [{ ts: 1, value: null }] })),
      /series\[0\]\.points\[0\]\.value: expected a number/
    );
    assert.throws(
      () =>
        decodeSeriesList(
          series({ thresholds: [{ rule_id: 1, op: '~', threshold: 1 }] })
        ),
      /series\[0\]\.thresholds\[0\]\.op: unknown comparison/
    );
    assert.throws(
      () => decodeSeriesList({ ref: 'r', series: [{ key: 'k' }] }),
      /series\[0\]\.points: expected a list/
    );
  });
});
