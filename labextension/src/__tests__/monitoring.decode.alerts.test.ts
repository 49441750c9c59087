import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import {
  decodeAcknowledgement,
  decodeAlert,
  decodeRule
} from '../monitoring/decode';
import { ALERT, RULE } from './fixtures';

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

describe('decodeAcknowledgement', () => {
  it('reads the alert with who acknowledged it, and the new badge count', () => {
    const reply = decodeAcknowledgement({ alert: ALERT, firing: 4 });
    assert.equal(reply.firing, 4);
    assert.equal(reply.alert.acknowledged_by, 'ana');
    assert.equal(reply.alert.acknowledged_at, 1764213100.25);
  });

  it('reads an alert nobody acknowledged', () => {
    const reply = decodeAcknowledgement({
      alert: { ...ALERT, acknowledged_at: null, acknowledged_by: null },
      firing: 0
    });
    assert.equal(reply.alert.acknowledged_at, null);
    assert.equal(reply.alert.acknowledged_by, null);
  });

  it('names a missing badge count', () => {
    assert.throws(
      () => decodeAcknowledgement({ alert: ALERT }),
      /acknowledgement\.firing/
    );
  });
});
