import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { DecodeError, toNumber } from '../shared/decode';
import {
  decodeChanges,
  decodeKeys,
  decodeMeta,
  decodeRunDetail,
  decodeRunList
} from '../runs/decode';

const SUMMARY = {
  id: '3f9a1c2b7d4e',
  name: 'baseline',
  experiment: 'churn',
  status: 'finished',
  started_at: '2026-11-26T15:37:05.123Z',
  finished_at: '2026-11-26T15:37:06.353Z',
  duration_s: 1.23,
  user: 'root',
  host: 'box',
  notebook_path: '/abs/quickstart.ipynb',
  tags: { team: 'risk' },
  params: { lr: 0.1, depth: 5 },
  metrics: { acc: 0.91, loss: 'NaN', best: 'Infinity', worst: '-Infinity' },
  n_outputs: 3,
  n_figures: 1
};

describe('toNumber', () => {
  it('decodes the strings the server uses for non-finite floats', () => {
    assert.ok(Number.isNaN(toNumber('NaN')));
    assert.equal(toNumber('Infinity'), Infinity);
    assert.equal(toNumber('-Infinity'), -Infinity);
    assert.equal(toNumber(1.5), 1.5);
  });

  it('rejects anything else', () => {
    assert.equal(toNumber('1.5'), null);
    assert.equal(toNumber(null), null);
    assert.equal(toNumber({}), null);
  });
});

describe('decodeRunList', () => {
  it('decodes a page with non-finite metrics', () => {
    const page = decodeRunList({
      total: 1234,
      offset: 0,
      limit: 50,
      cursor: 987,
      runs: [SUMMARY]
    });
    assert.equal(page.total, 1234);
    assert.equal(page.cursor, 987);
    const run = page.runs[0];
    assert.equal(run.metrics.acc, 0.91);
    assert.ok(Number.isNaN(run.metrics.loss));
    assert.equal(run.metrics.best, Infinity);
    assert.equal(run.metrics.worst, -Infinity);
    assert.deepEqual(run.params, { lr: 0.1, depth: 5 });
  });

  it('fills optional fields a server may omit', () => {
    const page = decodeRunList({ total: 1, runs: [{ id: 'x' }] });
    const run = page.runs[0];
    assert.equal(run.name, '');
    assert.equal(run.status, 'unknown');
    assert.equal(run.duration_s, null);
    assert.deepEqual(run.tags, {});
  });

  it('never turns a non-string into a name', () => {
    const run = decodeRunList({
      total: 1,
      runs: [{ id: 'x', name: { html: '<b>' } }]
    }).runs[0];
    assert.equal(run.name, '');
  });

  it('fails on a wrong shape', () => {
    assert.throws(() => decodeRunList({ total: 1, runs: 'nope' }), DecodeError);
    assert.throws(() => decodeRunList([]), DecodeError);
    assert.throws(
      () => decodeRunList({ total: 1, runs: [{ id: 7 }] }),
      DecodeError
    );
  });
});

describe('decodeRunDetail', () => {
  const detail = decodeRunDetail({
    run: SUMMARY,
    param_sources: { lr: 'auto', depth: 'explicit' },
    metrics: {
      loss: [
        { step: 2, value: 0.5, timestamp_ts: 3 },
        { step: 0, value: 1.0, timestamp_ts: 1 },
        { step: 1, value: 'NaN', timestamp_ts: 2 },
        { step: 'bad', value: 1 }
      ]
    },
    outputs: [
      {
        seq: 0,
        output_type: 'stream',
        name: 'stdout',
        text: 'done\n',
        data: null,
        metadata: {},
        blobs: {},
        truncated_bytes: 0
      },
      {
        seq: 1,
        output_type: 'figure',
        name: null,
        text: null,
        data: null,
        metadata: {},
        blobs: {
          'image/png': { digest: 'ab'.repeat(32), size: 12345 },
          bad: { size: 1 }
        },
        truncated_bytes: 0
      }
    ],
    code: {
      cell: 'lr = 0.1',
      history: [{ n: 1, source: '%load_ext mm_jupyter' }],
      notebook: { path: '/abs/q.ipynb', digest: 'cd', size: 10 }
    },
    environment: {
      digest: 'ef'.repeat(32),
      python: '3.11.7',
      platform: 'Linux',
      packages: { numpy: '2.1.0' },
      git: { commit: 'abc', dirty: true }
    },
    error: null
  });

  it('sorts metric points by step and drops malformed ones', () => {
    const loss = detail.metrics.loss;
    assert.deepEqual(
      loss.map(p => p.step),
      [0, 1, 2]
    );
    assert.ok(Number.isNaN(loss[1].value));
  });

  it('keeps outputs in order with their blobs', () => {
    assert.equal(detail.outputs[0].text, 'done\n');
    assert.deepEqual(Object.keys(detail.outputs[1].blobs), ['image/png']);
    assert.equal(detail.outputs[1].blobs['image/png'].size, 12345);
  });

  it('decodes code, environment and sources', () => {
    assert.equal(detail.code.history[0].source, '%load_ext mm_jupyter');
    assert.equal(detail.code.notebook?.path, '/abs/q.ipynb');
    assert.equal(detail.environment?.git?.dirty, true);
    assert.equal(detail.environment?.digest, 'ef'.repeat(32));
    assert.equal(detail.param_sources.depth, 'explicit');
    assert.equal(detail.error, null);
  });

  it('accepts a run without environment or notebook', () => {
    const bare = decodeRunDetail({
      run: { id: 'x' },
      code: { cell: '', history: [], notebook: null },
      environment: null
    });
    assert.equal(bare.environment, null);
    assert.equal(bare.code.notebook, null);
    assert.deepEqual(bare.outputs, []);
  });
});

describe('small payloads', () => {
  it('decodes meta, keys and changes', () => {
    const meta = decodeMeta({
      name: 'mm-jupyter',
      version: '0.1.0',
      api_version: 1,
      registry: { path: '/abs/.mm', source: 'project' },
      schema_version: 1
    });
    assert.equal(meta.api_version, 1);
    assert.equal(meta.registry.path, '/abs/.mm');
    assert.deepEqual(decodeKeys({ experiments: ['a', 3], metrics: ['acc'] }), {
      experiments: ['a'],
      metrics: ['acc'],
      params: [],
      metric_counts: {},
      varying_params: [],
      tag_keys: [],
      directions: {}
    });
    assert.deepEqual(decodeChanges({ cursor: 990, changed: true }), {
      cursor: 990,
      changed: true,
      firing: null // an older server: the badge asks GET monitoring instead
    });
    assert.equal(
      decodeChanges({ cursor: 991, changed: true, firing: 2 }).firing,
      2
    );
    assert.throws(() => decodeMeta({ name: 'x' }), DecodeError);
  });
});
