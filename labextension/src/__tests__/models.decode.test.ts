import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { DecodeError } from '../shared/decode';
import {
  decodeModelDetail,
  decodeModelList,
  decodeModelTransition,
  decodeModelVersion,
  decodeModelVersionDetail
} from '../models/decode';

const DIGEST = 'cd'.repeat(32);

/** A `ModelVersion` as docs/rest.md shows it. */
const VERSION = {
  name: 'churn-clf',
  version: 3,
  ref: 'churn-clf:3',
  stage: 'production',
  aliases: ['champion'],
  description: 'GBM baseline',
  created_at: '2026-11-26T15:37:05.123Z',
  created_by: 'root',
  flavor: 'sklearn',
  artifact: {
    name: 'churn-clf',
    version: 3,
    ref: 'churn-clf:v3',
    kind: 'model',
    digest: DIGEST,
    size: 2048
  },
  run: {
    id: '3f9a1c2b7d4e',
    name: 'baseline',
    status: 'finished',
    experiment: 'churn'
  },
  metrics: { acc: 0.91, loss: 'NaN' },
  config: { learning_rate: 0.1, max_depth: null, layers: [64, 32] },
  signature: {
    inputs: [
      { name: 'age', dtype: 'int64' },
      { name: 'plan', dtype: 'object' }
    ]
  },
  requirements: {
    python: '3.11.7',
    packages: { 'scikit-learn': '1.9.1', numpy: 2 }
  },
  inputs: [
    {
      name: 'churn-clean',
      version: 1,
      ref: 'churn-clean:v1',
      kind: 'dataset',
      digest: DIGEST,
      size: 10
    }
  ],
  has_reference_profile: true
};

const SUMMARY = {
  name: 'churn-clf',
  description: 'Churn classifier',
  owner: 'risk-team',
  tags: { team: 'risk' },
  created_at: '2026-11-20T10:00:00Z',
  updated_at: '2026-11-26T15:40:00Z',
  n_versions: 3,
  latest: VERSION,
  stages: { production: [3], staging: [2] },
  aliases: { champion: 3 }
};

describe('decodeModelVersion', () => {
  it('decodes every documented field', () => {
    const v = decodeModelVersion(VERSION);
    assert.ok(v);
    assert.equal(v.ref, 'churn-clf:3');
    assert.equal(v.stage, 'production');
    assert.deepEqual(v.aliases, ['champion']);
    assert.equal(v.flavor, 'sklearn');
    assert.equal(v.artifact?.ref, 'churn-clf:v3');
    assert.equal(v.artifact?.kind, 'model');
    assert.deepEqual(v.run, {
      id: '3f9a1c2b7d4e',
      name: 'baseline',
      status: 'finished',
      experiment: 'churn'
    });
    assert.equal(v.metrics.acc, 0.91);
    assert.ok(Number.isNaN(v.metrics.loss));
    assert.deepEqual(v.config, {
      learning_rate: 0.1,
      max_depth: null,
      layers: [64, 32]
    });
    assert.deepEqual(v.signature, {
      inputs: [
        { name: 'age', dtype: 'int64' },
        { name: 'plan', dtype: 'object' }
      ]
    });
    assert.deepEqual(v.requirements, {
      python: '3.11.7',
      packages: { 'scikit-learn': '1.9.1', numpy: '2' }
    });
    assert.deepEqual(
      v.inputs.map(i => i.ref),
      ['churn-clean:v1']
    );
    assert.equal(v.has_reference_profile, true);
  });

  it('fills what an older or sparser server leaves out', () => {
    const v = decodeModelVersion({ name: 'm', version: 1 });
    assert.ok(v);
    assert.equal(v.ref, 'm:1');
    assert.equal(v.stage, 'none');
    assert.deepEqual(v.aliases, []);
    assert.equal(v.artifact, null);
    assert.equal(v.run, null);
    assert.equal(v.signature, null);
    assert.deepEqual(v.requirements, { python: '', packages: {} });
    assert.deepEqual(v.inputs, []);
    assert.equal(v.has_reference_profile, false);
  });

  it('is null without a name or a finite version', () => {
    assert.equal(decodeModelVersion({ version: 1 }), null);
    assert.equal(decodeModelVersion({ name: 'm', version: 'Infinity' }), null);
    assert.equal(decodeModelVersion(null), null);
  });

  it('keeps signature fields given as plain names and drops garbage', () => {
    const v = decodeModelVersion({
      name: 'm',
      version: 1,
      signature: { inputs: ['a', { name: 'b', type: 'float32' }, 3, {}] }
    });
    assert.deepEqual(v?.signature?.inputs, [
      { name: 'a', dtype: '' },
      { name: 'b', dtype: 'float32' }
    ]);
  });

  it('never lets a non-string through as text', () => {
    const v = decodeModelVersion({
      ...VERSION,
      stage: { html: '<b>x</b>' },
      flavor: 5,
      aliases: ['ok', { evil: true }],
      created_by: ['root']
    });
    assert.equal(v?.stage, 'none');
    assert.equal(v?.flavor, '');
    assert.deepEqual(v?.aliases, ['ok']);
    assert.equal(v?.created_by, null);
  });
});

describe('decodeModelList', () => {
  it('decodes a page of models', () => {
    const page = decodeModelList({
      total: 2,
      offset: 0,
      limit: 50,
      cursor: 991,
      models: [SUMMARY, { name: 'other' }]
    });
    assert.equal(page.total, 2);
    assert.equal(page.cursor, 991);
    const [m, other] = page.models;
    assert.equal(m.owner, 'risk-team');
    assert.equal(m.latest?.ref, 'churn-clf:3');
    assert.deepEqual(m.stages, { production: [3], staging: [2] });
    assert.deepEqual(m.aliases, { champion: 3 });
    assert.equal(other.latest, null);
    assert.deepEqual(other.stages, {});
    assert.equal(other.n_versions, 0);
  });

  it('accepts a single number for a stage and sorts versions newest first', () => {
    const page = decodeModelList({
      total: 1,
      models: [{ name: 'm', stages: { staging: [1, 4, 2], production: 5 } }]
    });
    assert.deepEqual(page.models[0].stages, {
      staging: [4, 2, 1],
      production: [5]
    });
  });

  it('rejects a payload without a models list', () => {
    assert.throws(() => decodeModelList({ total: 1 }), DecodeError);
    assert.throws(
      () => decodeModelList({ total: 1, models: [{ description: 'x' }] }),
      DecodeError
    );
  });
});

describe('decodeModelDetail', () => {
  /** A transition as the server sends it, which is also how it decodes. */
  const PROMOTION = {
    version: 3,
    kind: 'stage',
    alias: null,
    from: 'staging',
    to: 'production',
    user: 'root',
    comment: 'passed review',
    at: '2026-11-26T15:39:00Z'
  };
  const DETAIL = {
    model: SUMMARY,
    versions: [
      { ...VERSION, version: 1, ref: 'churn-clf:1', stage: 'archived' },
      VERSION,
      { ...VERSION, version: 2, ref: 'churn-clf:2', stage: 'staging' }
    ],
    history: [
      PROMOTION,
      {
        version: 3,
        kind: 'alias',
        alias: 'champion',
        from: '2',
        to: '3',
        user: 'root',
        comment: '',
        at: '2026-11-26T15:40:00Z'
      },
      { kind: 'stage' }
    ],
    metric_trend: {
      acc: [
        { version: 3, value: 0.91 },
        { version: 1, value: 0.88 }
      ],
      loss: [{ version: 2, value: 'Infinity' }],
      empty: [],
      bad: [{ version: 'x', value: 1 }]
    }
  };

  it('sorts versions newest first and trends by version', () => {
    const d = decodeModelDetail(DETAIL);
    assert.deepEqual(
      d.versions.map(v => v.version),
      [3, 2, 1]
    );
    assert.deepEqual(d.metric_trend.acc, [
      { version: 1, value: 0.88 },
      { version: 3, value: 0.91 }
    ]);
    assert.deepEqual(d.metric_trend.loss, [{ version: 2, value: Infinity }]);
    assert.deepEqual(Object.keys(d.metric_trend).sort(), ['acc', 'loss']);
  });

  it('keeps transitions with a version, dropping the rest', () => {
    const d = decodeModelDetail(DETAIL);
    assert.equal(d.history.length, 2);
    assert.deepEqual(d.history[0], {
      ...PROMOTION,
      forced: false,
      overridden: []
    });
    assert.equal(d.history[1].alias, 'champion');
  });

  it('needs the model', () => {
    assert.throws(() => decodeModelDetail({ versions: [] }), DecodeError);
  });
});

describe('decodeModelTransition', () => {
  it('reads alias versions sent as numbers as text', () => {
    const t = decodeModelTransition({
      version: 2,
      alias: 'champion',
      from: 1,
      to: 2
    });
    assert.equal(t?.kind, 'alias');
    assert.equal(t?.from, '1');
    assert.equal(t?.to, '2');
    assert.equal(t?.comment, '');
  });

  it('reads a first stage (no from) as null', () => {
    const t = decodeModelTransition({
      version: 1,
      kind: 'stage',
      from: null,
      to: 'staging'
    });
    assert.equal(t?.from, null);
  });
});

describe('decodeModelVersionDetail', () => {
  it('is a version plus its history', () => {
    const d = decodeModelVersionDetail({
      ...VERSION,
      history: [{ version: 3, kind: 'stage', from: 'none', to: 'production' }]
    });
    assert.equal(d.ref, 'churn-clf:3');
    assert.equal(d.history.length, 1);
  });

  it('throws on something that is not a version', () => {
    assert.throws(() => decodeModelVersionDetail({ ok: true }), DecodeError);
  });
});
