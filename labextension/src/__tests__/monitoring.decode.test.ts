import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { DecodeError } from '../shared/decode';
import {
  decodeMonitorDetail,
  decodeMonitorList,
  decodeSeriesList
} from '../monitoring/decode';
import { ALERT, RULE, SUMMARY } from './fixtures';

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
