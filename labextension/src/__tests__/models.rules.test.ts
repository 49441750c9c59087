import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { MMApiError } from '../shared/errors';
import {
  keyMetric,
  metricColumns,
  orderMetricKeys,
  stageBadges,
  trendKeys,
  trendSeries
} from '../models/rules';
import {
  aliasProblem,
  confirmRequest,
  IConfirmRequest,
  IConfirmResult,
  othersInStage,
  performTransition,
  sortHistory,
  transitionBody,
  transitionText,
  versionActions
} from '../models/transitions';
import * as MM from '../mm';
import { aliasEntries } from '../shared/format';

function version(
  n: number,
  extra: Partial<MM.IModelVersion> = {}
): MM.IModelVersion {
  return {
    name: 'iris-clf',
    version: n,
    ref: `iris-clf:${n}`,
    stage: 'none',
    aliases: [],
    description: '',
    created_at: null,
    created_by: null,
    flavor: 'sklearn',
    artifact: null,
    run: null,
    metrics: {},
    config: {},
    signature: null,
    requirements: { python: '', packages: {} },
    inputs: [],
    has_reference_profile: false,
    ...extra
  };
}

function transition(extra: Partial<MM.IModelTransition>): MM.IModelTransition {
  return {
    version: 1,
    kind: 'stage',
    alias: null,
    from: null,
    to: null,
    user: 'root',
    comment: '',
    at: null,
    ...extra
  };
}

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
    assert.match(req.body, /Version v1 is in production too/);
    assert.equal(
      req.archiveOthers,
      'Archive the other production version (v1)'
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

describe('performTransition', () => {
  /** A scripted user and server. */
  function script(
    answers: (IConfirmResult | null)[],
    replies: (MM.IModelVersion | Error)[]
  ) {
    const asked: IConfirmRequest[] = [];
    const sent: MM.TransitionRequest[] = [];
    return {
      asked,
      sent,
      confirm: async (request: IConfirmRequest) => {
        asked.push(request);
        return answers.shift() ?? null;
      },
      post: async (body: MM.TransitionRequest) => {
        sent.push(body);
        const reply = replies.shift();
        if (!reply) {
          throw new Error('no reply scripted');
        }
        if (reply instanceof Error) {
          throw reply;
        }
        return reply;
      }
    };
  }

  it('sends nothing when the user cancels', async () => {
    const s = script([null], []);
    const outcome = await performTransition({
      version: version(2),
      intent: { kind: 'stage', stage: 'production' },
      ...s
    });
    assert.deepEqual(outcome, { kind: 'cancelled' });
    assert.equal(s.sent.length, 0);
  });

  it('sends the confirmed stage change with its comment', async () => {
    const updated = version(2, { stage: 'production' });
    const s = script([{ comment: 'ok', archiveOthers: true }], [updated]);
    const outcome = await performTransition({
      version: version(2),
      intent: { kind: 'stage', stage: 'production' },
      ...s
    });
    assert.deepEqual(outcome, { kind: 'done', version: updated });
    assert.deepEqual(s.sent, [
      { stage: 'production', comment: 'ok', archive_others: true }
    ]);
  });

  it('offers to move an alias held elsewhere (409) and resends with move', async () => {
    const updated = version(2, { aliases: ['champion'] });
    const s = script(
      [
        { comment: 'better', archiveOthers: false },
        { comment: 'better!', archiveOthers: false }
      ],
      [new MMApiError(409, 'Alias champion is held by iris-clf:1.'), updated]
    );
    const outcome = await performTransition({
      version: version(2),
      intent: { kind: 'alias', alias: 'champion' },
      aliasHolder: alias => (alias === 'champion' ? 1 : null),
      ...s
    });
    assert.deepEqual(outcome, { kind: 'done', version: updated });
    assert.equal(s.asked.length, 2);
    assert.equal(s.asked[1].accept, 'Move it here');
    assert.equal(s.asked[1].title, 'Alias champion is held by iris-clf:1');
    assert.match(
      s.asked[1].body,
      /Move champion from iris-clf:1 to iris-clf:2\?/
    );
    assert.equal(s.asked[1].detail, 'Alias champion is held by iris-clf:1.');
    assert.equal(s.asked[1].comment, 'better');
    assert.deepEqual(s.sent, [
      { alias: 'champion', comment: 'better', move: false },
      { alias: 'champion', comment: 'better!', move: true }
    ]);
  });

  it('stops when the user declines the move', async () => {
    const s = script(
      [{ comment: '', archiveOthers: false }, null],
      [new MMApiError(409, 'held')]
    );
    const outcome = await performTransition({
      version: version(2),
      intent: { kind: 'alias', alias: 'champion' },
      ...s
    });
    assert.deepEqual(outcome, { kind: 'cancelled' });
    assert.equal(s.sent.length, 1);
  });

  it('reports other errors with their status and message', async () => {
    const s = script(
      [{ comment: '', archiveOthers: false }],
      [new MMApiError(403, 'Forbidden')]
    );
    const outcome = await performTransition({
      version: version(2),
      intent: { kind: 'stage', stage: 'archived' },
      ...s
    });
    assert.deepEqual(outcome, {
      kind: 'error',
      status: 403,
      message: 'Forbidden'
    });
    // A 409 on a stage change is an error too, not a move offer.
    const s2 = script(
      [{ comment: '', archiveOthers: false }],
      [new MMApiError(409, 'conflict')]
    );
    const o2 = await performTransition({
      version: version(2),
      intent: { kind: 'stage', stage: 'production' },
      ...s2
    });
    assert.equal(o2.kind, 'error');
    assert.equal(s2.asked.length, 1);
  });
});

describe('history', () => {
  it('words stage and alias changes', () => {
    assert.deepEqual(
      transitionText(
        transition({ version: 2, from: 'staging', to: 'production' })
      ),
      { subject: 'v2', from: 'staging', to: 'production' }
    );
    assert.deepEqual(
      transitionText(
        transition({ kind: 'alias', alias: 'champion', from: '1', to: '2' })
      ),
      { subject: 'champion', from: 'v1', to: 'v2' }
    );
    assert.deepEqual(
      transitionText(
        transition({ kind: 'alias', alias: 'champion', from: '1', to: null })
      ),
      { subject: 'champion', from: 'v1', to: '—' }
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
