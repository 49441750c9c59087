import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import * as MM from '../mm';
import {
  availableColumns,
  cellText,
  columnOf,
  csvColumns,
  defaultColumns,
  matchesColumn,
  topMetrics
} from '../runs/tableColumns';
import { runSummary } from './fixtures';

function keys(extra: Partial<MM.IKeys> = {}): MM.IKeys {
  return {
    experiments: ['e'],
    metrics: ['acc', 'f1', 'loss', 'val_loss', 'zeta', 'rare'],
    params: ['lr', 'depth', 'seed', 'n', 'kernel', 'fixed'],
    metric_counts: {
      val_loss: 90,
      acc: 100,
      loss: 10,
      f1: 90,
      zeta: 50,
      rare: 1
    },
    varying_params: ['lr', 'depth', 'seed', 'n', 'kernel'],
    tag_keys: ['team'],
    directions: {},
    ...extra
  };
}

describe('default columns', () => {
  it('shows the metrics most runs have, most common first, then by name', () => {
    assert.deepEqual(topMetrics(keys(), 4), ['acc', 'f1', 'val_loss', 'zeta']);
    // A new rare metric does not push out a common one (issue 14: val_loss vanished).
    assert.ok(topMetrics(keys(), 4).includes('val_loss'));
  });

  it('falls back to names without counts (an older server)', () => {
    assert.deepEqual(topMetrics(keys({ metric_counts: {} }), 2), ['acc', 'f1']);
  });

  it('shows the attributes, 4 top metrics and the first 4 params that vary', () => {
    const ids = defaultColumns(keys());
    assert.deepEqual(ids.slice(0, 6), [
      'starred',
      'status',
      'name',
      'experiment',
      'started_at',
      'duration_s'
    ]);
    assert.deepEqual(
      ids.filter(id => id.startsWith('metric:')),
      ['metric:acc', 'metric:f1', 'metric:val_loss', 'metric:zeta']
    );
    assert.deepEqual(
      ids.filter(id => id.startsWith('param:')),
      ['param:lr', 'param:depth', 'param:seed', 'param:n']
    );
    assert.ok(!ids.includes('param:fixed'), 'a param that never varies');
  });
});

describe('columnOf', () => {
  it('names params, metrics and tags by prefix, and sorts by params and metrics only', () => {
    assert.deepEqual(
      [
        columnOf('param:lr')?.sort,
        columnOf('metric:acc')?.sort,
        columnOf('tag:team')?.sort
      ],
      ['param:lr', 'metric:acc', null]
    );
    assert.equal(columnOf('metric:a:b')?.key, 'a:b');
    assert.equal(columnOf('metric:')?.kind, undefined);
    assert.equal(columnOf('bogus'), null);
    assert.equal(columnOf('notebook')?.sort, null);
    // What GET runs cannot sort by has no sort button
    assert.equal(columnOf('starred')?.sort, null);
    assert.equal(columnOf('user')?.sort, null);
    assert.equal(columnOf('duration_s')?.sort, 'duration_s');
    assert.equal(columnOf('status')?.title, 'Status');
  });

  it('offers every attribute and key, searchable by name and kind', () => {
    const all = availableColumns(keys());
    assert.equal(all.filter(c => c.kind === 'tag').length, 1);
    const lossy = all
      .filter(c => matchesColumn(c, 'metric loss'))
      .map(c => c.id);
    assert.deepEqual(lossy, ['metric:loss', 'metric:val_loss']);
    assert.deepEqual(
      all.filter(c => matchesColumn(c, 'LR')).map(c => c.id),
      ['param:lr']
    );
  });
});

describe('cellText', () => {
  const now = new Date('2026-12-07T12:00:00Z');
  const run = runSummary('r1', {
    name: 'tuned',
    params: { lr: 0.1, layers: [64, 32] },
    metrics: { acc: 0.9312345 },
    tags: { team: 'risk' },
    notebook_path: '/home/a/nb/train.ipynb',
    starred: true
  });
  it('reads params, metrics, tags and attributes', () => {
    const text = (id: string) => cellText(run, columnOf(id)!, now);
    assert.equal(text('param:lr'), '0.1');
    assert.equal(text('param:layers'), '[64,32]');
    assert.equal(text('param:missing'), '');
    assert.equal(text('tag:team'), 'risk');
    assert.equal(text('metric:missing'), '');
    assert.equal(text('notebook'), 'train.ipynb');
    assert.equal(text('starred'), '★');
    assert.equal(text('name'), 'tuned');
    assert.ok(text('metric:acc').startsWith('0.931'));
  });
});

describe('csvColumns', () => {
  it('spells the columns the way GET runs.csv takes them, id first', () => {
    assert.deepEqual(
      csvColumns([
        'starred',
        'status',
        'name',
        'notebook',
        'started_at',
        'metric:acc',
        'param:lr',
        'tag:team',
        'bogus'
      ]),
      [
        'id',
        'status',
        'name',
        'started_at',
        'metrics.acc',
        'params.lr',
        'tags.team'
      ]
    );
  });
});
