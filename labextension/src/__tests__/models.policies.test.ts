import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import {
  parseRuleLines,
  policyRequest,
  policyRows,
  ruleLines
} from '../models/policyRules';
import * as MM from '../mm';

function policy(extra: Partial<MM.IStagePolicy>): MM.IStagePolicy {
  return {
    stage: 'production',
    require: [],
    overriders: [],
    source: 'model',
    updated_at: null,
    updated_by: null,
    ...extra
  };
}

describe('policyRows', () => {
  it('shows production and staging always, then other stages', () => {
    const rows = policyRows([
      policy({ stage: 'archived', require: ['x'] }),
      policy({ stage: 'production', require: ['a >= 1'] })
    ]);
    assert.deepEqual(
      rows.map(r => [r.stage, r.policy?.require ?? null]),
      [
        ['production', ['a >= 1']],
        ['staging', null],
        ['archived', ['x']]
      ]
    );
  });

  it("prefers the model's own policy over the default", () => {
    const rows = policyRows([
      policy({ source: 'model', require: ['own'] }),
      policy({ source: 'default', require: ['default'] })
    ]);
    assert.deepEqual(rows[0].policy?.require, ['own']);
  });
});

describe('the rules editor', () => {
  it('takes one rule per line, blank lines left out', () => {
    assert.deepEqual(
      parseRuleLines('  test.accuracy >= 0.9 \r\n\n approvals >= 1\n   '),
      ['test.accuracy >= 0.9', 'approvals >= 1']
    );
    assert.deepEqual(parseRuleLines(''), []);
    assert.equal(ruleLines(['a', 'b']), 'a\nb');
  });

  it('keeps the overriders when saving, and no rules removes the policy', () => {
    const current = policy({ overriders: ['lead'] });
    assert.deepEqual(policyRequest('production', 'a > 1', current), {
      stage: 'production',
      require: ['a > 1'],
      overriders: ['lead']
    });
    assert.deepEqual(policyRequest('staging', '\n', null), {
      stage: 'staging',
      require: [],
      overriders: []
    });
  });
});
