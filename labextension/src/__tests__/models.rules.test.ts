import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import {
  keyMetric,
  metricColumns,
  orderMetricKeys,
  stageBadges,
  trendKeys,
  trendSeries
} from '../models/rules';
import { aliasEntries } from '../shared/format';
import { version } from './fixtures';

describe('badges', () => {
  it('lists production, then staging, newest first; no none or archived', () => {
    assert.deepEqual(
      stageBadges({
        staging: [2],
        archived: [1],
        production: [3, 5],
        none: [4]
      }),
      [
        { stage: 'production', version: 5 },
        { stage: 'production', version: 3 },
        { stage: 'staging', version: 2 }
      ]
    );
    assert.deepEqual(stageBadges({}), []);
  });

  it('sorts aliases by name', () => {
    assert.deepEqual(aliasEntries({ z: 1, champion: 3 }), [
      ['champion', 3],
      ['z', 1]
    ]);
  });
});

describe('key metrics', () => {
  it('prefers the usual key metrics, then the alphabet', () => {
    assert.deepEqual(orderMetricKeys(['zeta', 'loss', 'acc', 'beta', 'f1']), [
      'acc',
      'f1',
      'loss',
      'beta',
      'zeta'
    ]);
    assert.deepEqual(keyMetric({ loss: 0.3, accuracy: 0.9 }), [
      'accuracy',
      0.9
    ]);
    assert.deepEqual(keyMetric({ b: 2, a: 1 }), ['a', 1]);
    assert.equal(keyMetric({}), null);
  });

  it('picks up to three metric columns found in any version', () => {
    const versions = [
      version(2, { metrics: { acc: 0.9, z: 1 } }),
      version(1, { metrics: { loss: 0.2, f1: 0.8 } })
    ];
    assert.deepEqual(metricColumns(versions), ['acc', 'f1', 'loss']);
    assert.deepEqual(metricColumns(versions, 5), ['acc', 'f1', 'loss', 'z']);
  });

  it('turns a trend into a chart series with the version as the step', () => {
    assert.deepEqual(
      trendSeries([
        { version: 3, value: 0.9 },
        { version: 1, value: 0.8 }
      ]),
      [
        { step: 1, value: 0.8, timestamp_ts: null },
        { step: 3, value: 0.9, timestamp_ts: null }
      ]
    );
    assert.deepEqual(trendKeys({ loss: [], acc: [], abc: [] }), [
      'acc',
      'loss',
      'abc'
    ]);
  });
});
