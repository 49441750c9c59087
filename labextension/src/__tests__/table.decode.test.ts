import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { decodeKeys, decodeRunDetail } from '../runs/decode';
import { bulkTag, describeEvent, tagLines, tagPatch } from '../runs/runEdits';
import { decodeRunSummary } from '../shared/decodeCommon';

const SUMMARY = { id: 'r1', name: 'n', experiment: 'e', status: 'finished' };

describe('issue 14 decoders', () => {
  it('reads the housekeeping fields of a summary, with defaults when absent', () => {
    const old = decodeRunSummary(SUMMARY);
    assert.deepEqual(
      [old.starred, old.archived_at, old.note, old.cell_id],
      [false, null, '', null]
    );
    const now = decodeRunSummary({
      ...SUMMARY,
      starred: true,
      archived_at: '2026-12-07T01:02:03Z',
      note: 'short',
      cell_id: 'c-1'
    });
    assert.deepEqual(
      [now.starred, now.archived_at, now.note, now.cell_id],
      [true, '2026-12-07T01:02:03Z', 'short', 'c-1']
    );
    assert.equal(decodeRunSummary({ ...SUMMARY, starred: 1 }).starred, false);
  });

  it('reads the key statistics, dropping malformed entries', () => {
    const keys = decodeKeys({
      experiments: ['e'],
      metrics: ['acc', 'loss'],
      params: ['lr'],
      metric_counts: { acc: 10, loss: 'many' },
      varying_params: ['lr', 3],
      tag_keys: ['team'],
      directions: { loss: 'min', acc: 'max', f1: 'up' }
    });
    assert.deepEqual(keys.metric_counts, { acc: 10 });
    assert.deepEqual(keys.varying_params, ['lr']);
    assert.deepEqual(keys.directions, { loss: 'min', acc: 'max' });
    const older = decodeKeys({ experiments: [], metrics: [], params: [] });
    assert.deepEqual(
      [
        older.metric_counts,
        older.varying_params,
        older.tag_keys,
        older.directions
      ],
      [{}, [], [], {}]
    );
  });

  it('reads the note, deletion and history of a run detail', () => {
    const detail = decodeRunDetail({
      run: { ...SUMMARY, note: 'cut…', deleted_at: '2026-12-07T00:00:00Z' },
      note: '# Full note\n\nwith **markdown**',
      events: [
        {
          at: '2026-12-07T00:00:00Z',
          user: 'alice',
          action: 'rename',
          detail: { from: 'a', to: 'b' }
        },
        { at: '2026-12-07T00:01:00Z', user: null, action: 'archive' },
        { user: 'x', action: 'no time' },
        'junk'
      ]
    });
    assert.equal(detail.note, '# Full note\n\nwith **markdown**');
    assert.equal(detail.deleted_at, '2026-12-07T00:00:00Z');
    assert.equal(detail.events.length, 2);
    assert.deepEqual(detail.events[1], {
      at: '2026-12-07T00:01:00Z',
      user: null,
      action: 'archive',
      detail: {}
    });
    // Only the summary's note: that one
    assert.equal(decodeRunDetail({ run: { ...SUMMARY, note: 'n' } }).note, 'n');
    assert.deepEqual(decodeRunDetail({ run: SUMMARY }).events, []);
  });
});

describe('run edits', () => {
  it('edits tags as key=value lines: set, change, remove', () => {
    const old = { team: 'risk', stage: 'dev', n: 3 };
    assert.equal(tagLines(old), 'team=risk\nstage=dev\nn=3');
    assert.deepEqual(tagPatch('team=fraud\n\nn=3\nnew = yes ', old), {
      tags: { team: 'fraud', new: 'yes', stage: null, n: '3' }
    });
    assert.deepEqual(
      tagPatch('team=risk\nstage=dev\nn=3', { team: 'risk', stage: 'dev' }),
      {
        tags: { n: '3' }
      }
    );
    assert.deepEqual(tagPatch('oops', {}), {
      error: 'Line 1: expected key=value, got "oops"'
    });
    assert.deepEqual(tagPatch('=x', {}), {
      error: 'Line 1: expected key=value, got "=x"'
    });
  });

  it('tags many runs at once: set or remove one key', () => {
    assert.deepEqual(bulkTag('team=risk'), { tags: { team: 'risk' } });
    assert.deepEqual(bulkTag('team='), { tags: { team: null } });
    assert.deepEqual(bulkTag('-team'), { tags: { team: null } });
    assert.ok('error' in bulkTag('team'));
  });

  it('describes history entries as text', () => {
    const at = '2026-12-07T00:00:00Z';
    assert.equal(
      describeEvent({
        at,
        user: 'a',
        action: 'rename',
        detail: { from: 'x', to: 'y' }
      }),
      'renamed: x → y'
    );
    assert.equal(
      describeEvent({
        at,
        user: 'a',
        action: 'move',
        detail: { experiment: 'prod' }
      }),
      'moved (experiment=prod)'
    );
    assert.equal(
      describeEvent({ at, user: 'a', action: 'archive', detail: {} }),
      'archived'
    );
    assert.equal(
      describeEvent({ at, user: 'a', action: 'weird', detail: {} }),
      'weird'
    );
  });
});
