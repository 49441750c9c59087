import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { DecodeError } from '../shared/decode';
import { decodeModelVersionDetail } from '../models/decode';
import {
  decodeApprovals,
  decodeCheckReport,
  decodeModelCard,
  decodeModelPolicies
} from '../models/decodeGates';
import { CHECK } from './fixtures';

describe('decodeCheckReport', () => {
  it('reads every rule with its status, value as text and message', () => {
    const c = decodeCheckReport(CHECK);
    assert.equal(c.ref, 'churn-clf:4');
    assert.equal(c.passed, false);
    assert.equal(c.policy.source, 'model');
    assert.deepEqual(c.policy.overriders, ['lead']);
    assert.deepEqual(
      c.rules.map(r => [r.status, r.passed, r.actual]),
      [
        ['fail', false, '0.87'],
        ['pass', true, 'clean'],
        ['n/a', true, null]
      ]
    );
    assert.deepEqual(c.failed, ['test.accuracy >= 0.9']);
    assert.equal(c.can_override, false);
    assert.equal(c.user, 'alice');
  });

  it('never takes an unknown status or a failing rule for a pass', () => {
    const c = decodeCheckReport({
      ...CHECK,
      passed: true,
      failed: undefined,
      rules: [{ rule: 'x > 1', status: 'weird', passed: true }]
    });
    assert.equal(c.rules[0].status, 'error');
    assert.equal(c.rules[0].passed, false);
    assert.deepEqual(c.failed, ['x > 1']);
    assert.equal(c.passed, false);
  });

  it('gives a clear error for a malformed payload', () => {
    assert.throws(() => decodeCheckReport(null), /check: expected an object/);
    assert.throws(
      () => decodeCheckReport({ ...CHECK, rules: 'all good' }),
      /check\.rules: expected a list/
    );
    assert.throws(
      () => decodeCheckReport({ ...CHECK, rules: [{ status: 'pass' }] }),
      /check\.rules\[0\]\.rule: expected a string/
    );
    assert.throws(
      () => decodeCheckReport({ ...CHECK, version: 'four' }),
      DecodeError
    );
  });

  it('fills in a missing policy as none and the ref from model and version', () => {
    const c = decodeCheckReport({
      model: 'm',
      version: 2,
      stage: 'staging',
      passed: true,
      rules: []
    });
    assert.equal(c.ref, 'm:2');
    assert.equal(c.policy.source, 'none');
    assert.equal(c.passed, true);
    assert.equal(c.can_override, false);
  });
});

describe('decodeApprovals', () => {
  it('reads approvals, keeping why one does not count', () => {
    const a = decodeApprovals({
      approvals: [
        {
          user: 'bob',
          comment: 'reviewed',
          at: '2026-12-01T10:00:00Z',
          counts: true,
          why_not: null
        },
        {
          user: 'alice',
          comment: null,
          at: '2026-12-01T09:00:00Z',
          counts: false,
          why_not: "the registrant's own approval does not count"
        },
        { comment: 'no user' }
      ],
      count: 1
    });
    assert.equal(a.count, 1);
    assert.equal(a.approvals.length, 2);
    assert.equal(a.approvals[1].counts, false);
    assert.equal(a.approvals[1].comment, '');
    assert.match(a.approvals[1].why_not ?? '', /registrant/);
  });

  it('needs the list', () => {
    assert.throws(
      () => decodeApprovals({ count: 0 }),
      /approvals\.approvals: expected a list/
    );
  });

  it('is optional in a version detail', () => {
    const base = { name: 'm', version: 1 };
    assert.equal(decodeModelVersionDetail(base).approvals, null);
    const d = decodeModelVersionDetail({
      ...base,
      approvals: [{ user: 'bob', counts: true }]
    });
    assert.equal(d.approvals?.[0].user, 'bob');
  });
});

describe('decodeModelPolicies', () => {
  it('reads each stage policy with its source', () => {
    const p = decodeModelPolicies({
      model: 'churn-clf',
      policies: [
        {
          stage: 'production',
          require: ['test.accuracy >= 0.99'],
          overriders: [],
          source: 'model',
          updated_at: '2026-12-01T10:00:00Z',
          updated_by: 'alice'
        },
        { stage: 'staging', require: ['approvals >= 1'], source: 'default' }
      ]
    });
    assert.equal(p.model, 'churn-clf');
    assert.deepEqual(
      p.policies.map(x => [x.stage, x.source, x.require]),
      [
        ['production', 'model', ['test.accuracy >= 0.99']],
        ['staging', 'default', ['approvals >= 1']]
      ]
    );
    assert.equal(p.policies[1].updated_by, null);
  });

  it('names what is malformed', () => {
    assert.throws(
      () => decodeModelPolicies({ model: 'm', policies: [{ require: [] }] }),
      /policies\.policies\[0\]\.stage: expected a string/
    );
    assert.throws(
      () => decodeModelPolicies({ model: 'm' }),
      /policies\.policies: expected a list/
    );
  });
});

describe('decodeModelCard', () => {
  it('needs the markdown; the structured card is optional', () => {
    const c = decodeModelCard({ markdown: '# churn-clf', card: { name: 'x' } });
    assert.equal(c.markdown, '# churn-clf');
    assert.deepEqual(c.card, { name: 'x' });
    assert.deepEqual(decodeModelCard({ markdown: '' }).card, {});
    assert.throws(
      () => decodeModelCard({ card: {} }),
      /card\.markdown: expected a string/
    );
  });
});
