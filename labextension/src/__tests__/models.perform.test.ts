import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { MMApiError } from '../shared/errors';
import {
  IConfirmRequest,
  IConfirmResult,
  performTransition
} from '../models/transitions';
import * as MM from '../mm';
import { version } from './fixtures';

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
