import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import {
  aliasProblem,
  confirmRequest,
  othersInStage,
  sortHistory,
  transitionBody,
  transitionText,
  versionActions
} from '../models/transitions';
import { transition, version } from './fixtures';

describe('version actions', () => {
  it('offers the stages a version is not in, archive, and an alias', () => {
    assert.deepEqual(
      versionActions(version(1)).map(a => a.id),
      ['staging', 'production', 'archived', 'alias']
    );
    assert.deepEqual(
      versionActions(version(1, { stage: 'production' })).map(a => a.id),
      ['staging', 'archived', 'alias']
    );
    assert.deepEqual(
      versionActions(version(1, { stage: 'archived' })).map(a => a.id),
      ['staging', 'production', 'alias']
    );
  });

  it('promotes up the lifecycle and moves down it', () => {
    const titles = versionActions(version(2, { stage: 'production' })).map(
      a => a.title
    );
    assert.ok(titles.includes('Move iris-clf:2 to staging'));
    assert.ok(
      versionActions(version(2, { stage: 'staging' }))
        .map(a => a.title)
        .includes('Promote iris-clf:2 to production')
    );
  });

  it('finds the other versions in a stage', () => {
    const versions = [
      version(3, { stage: 'production' }),
      version(2, { stage: 'staging' }),
      version(1, { stage: 'production' })
    ];
    assert.deepEqual(othersInStage(versions, 2, 'production'), [3, 1]);
    assert.deepEqual(othersInStage(versions, 3, 'production'), [1]);
    assert.deepEqual(othersInStage(versions, 3, 'staging'), [2]);
  });

  it('checks aliases lightly', () => {
    assert.equal(aliasProblem('champion'), null);
    assert.match(aliasProblem('') ?? '', /Type/);
    assert.match(aliasProblem('two words') ?? '', /spaces/);
    assert.match(aliasProblem('x'.repeat(65)) ?? '', /64/);
    assert.match(aliasProblem('2nd') ?? '', /starts with a letter/);
    assert.match(aliasProblem('a/b') ?? '', /letters, digits/);
    assert.equal(aliasProblem('prod-2.v_1'), null);
  });
});

describe('transition requests', () => {
  it('builds the three documented bodies, leaving out an empty comment', () => {
    assert.deepEqual(
      transitionBody(
        { kind: 'stage', stage: 'production' },
        { comment: ' passed review ' }
      ),
      { stage: 'production', comment: 'passed review', archive_others: false }
    );
    assert.deepEqual(
      transitionBody(
        { kind: 'stage', stage: 'staging' },
        { archiveOthers: true, comment: '  ' }
      ),
      { stage: 'staging', archive_others: true }
    );
    assert.deepEqual(
      transitionBody({ kind: 'alias', alias: 'champion' }, { move: true }),
      { alias: 'champion', move: true }
    );
    assert.deepEqual(
      transitionBody({ kind: 'remove-alias', alias: 'champion' }),
      { remove_alias: 'champion' }
    );
  });

  it('asks about the other versions in the target stage', () => {
    const req = confirmRequest(
      version(2, { stage: 'staging' }),
      { kind: 'stage', stage: 'production' },
      [1]
    );
    assert.equal(req.title, 'Promote iris-clf:2 to production?');
    assert.equal(req.accept, 'Promote');
    assert.match(req.body, /Version iris-clf:1 is in production too/);
    assert.equal(
      req.archiveOthers,
      'Archive the other production version (iris-clf:1)'
    );
    const alone = confirmRequest(version(2), {
      kind: 'stage',
      stage: 'staging'
    });
    assert.equal(alone.archiveOthers, null);
    assert.match(alone.body, /now in no stage/);
  });

  it('words archiving and removing as destructive', () => {
    const archive = confirmRequest(version(1, { stage: 'staging' }), {
      kind: 'stage',
      stage: 'archived'
    });
    assert.equal(archive.accept, 'Archive');
    assert.equal(archive.danger, true);
    const remove = confirmRequest(version(1), {
      kind: 'remove-alias',
      alias: 'champion'
    });
    assert.equal(remove.title, 'Remove alias champion from iris-clf:1?');
    assert.equal(remove.danger, true);
    const set = confirmRequest(version(1), { kind: 'alias', alias: 'x' });
    assert.match(set.body, /iris-clf@x will load iris-clf:1/);
  });
});

describe('history', () => {
  it('words stage and alias changes', () => {
    assert.deepEqual(
      transitionText(
        transition({ version: 2, from: 'staging', to: 'production' })
      ),
      { subject: ':2', from: 'staging', to: 'production' }
    );
    assert.deepEqual(
      transitionText(
        transition({ kind: 'alias', alias: 'champion', from: '1', to: '2' })
      ),
      { subject: 'champion', from: ':1', to: ':2' }
    );
    assert.deepEqual(
      transitionText(
        transition({ kind: 'alias', alias: 'champion', from: '1', to: null })
      ),
      { subject: 'champion', from: ':1', to: '—' }
    );
  });

  it('sorts newest first, keeping the server order among equal times', () => {
    const a = transition({ version: 1, at: '2026-01-01T00:00:00Z' });
    const b = transition({ version: 2, at: '2026-01-02T00:00:00Z' });
    const c = transition({ version: 3, at: '2026-01-02T00:00:00Z' });
    assert.deepEqual(
      sortHistory([a, b, c]).map(t => t.version),
      [2, 3, 1]
    );
  });
});
