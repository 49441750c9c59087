import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { MMApiError } from '../shared/errors';
import { decodeCheckReport } from '../models/decodeGates';
import {
  CheckState,
  failedRules,
  gateVerdict,
  isGated,
  refusedCheck
} from '../models/gate';
import {
  IConfirmRequest,
  IConfirmResult,
  performTransition,
  transitionBody
} from '../models/transitions';
import * as MM from '../mm';
import { CHECK, version } from './fixtures';

const FAILING = decodeCheckReport(CHECK);
const OVERRIDABLE = { ...FAILING, can_override: true };
const PASSING = decodeCheckReport({
  ...CHECK,
  passed: true,
  failed: [],
  rules: [CHECK.rules[1]]
});

const loaded = (report: MM.ICheckReport): CheckState => ({
  kind: 'loaded',
  report
});
const noForce = { force: false, reason: '' };

describe('gateVerdict', () => {
  it('waits for the check', () => {
    const v = gateVerdict({ kind: 'loading' }, noForce);
    assert.equal(v.canAccept, false);
    assert.equal(v.offerForce, false);
  });

  it('allows a move whose rules all pass', () => {
    assert.deepEqual(gateVerdict(loaded(PASSING), noForce), {
      canAccept: true,
      offerForce: false,
      forced: false,
      hint: null
    });
  });

  it('blocks a failing move for a user who may not override, with no Force', () => {
    const v = gateVerdict(loaded(FAILING), { force: true, reason: 'x' });
    assert.equal(v.canAccept, false);
    assert.equal(v.offerForce, false);
    assert.equal(v.forced, false);
    assert.match(v.hint ?? '', /1 rule fails/);
  });

  it('offers Force to an overrider, and needs a reason', () => {
    const off = gateVerdict(loaded(OVERRIDABLE), noForce);
    assert.equal(off.canAccept, false);
    assert.equal(off.offerForce, true);
    const noReason = gateVerdict(loaded(OVERRIDABLE), {
      force: true,
      reason: '   '
    });
    assert.equal(noReason.canAccept, false);
    assert.match(noReason.hint ?? '', /needs a reason/);
    const forced = gateVerdict(loaded(OVERRIDABLE), {
      force: true,
      reason: 'hotfix'
    });
    assert.equal(forced.canAccept, true);
    assert.equal(forced.forced, true);
  });

  it('lets the server decide when the check cannot be made', () => {
    const v = gateVerdict({ kind: 'unavailable', message: '404' }, noForce);
    assert.equal(v.canAccept, true);
    assert.equal(v.forced, false);
  });

  it('gates staging and production only', () => {
    assert.deepEqual(
      ['staging', 'production', 'archived', 'none'].map(isGated),
      [true, true, false, false]
    );
  });

  it('counts the failed list and failing rules once', () => {
    assert.deepEqual(failedRules(FAILING), ['test.accuracy >= 0.9']);
  });
});

describe('refusedCheck', () => {
  it('reads the check of a 409, and nothing else', () => {
    const refusal = new MMApiError(409, 'refused', {
      message: 'refused',
      reason: 'Conflict',
      check: CHECK
    });
    assert.equal(refusedCheck(refusal)?.ref, 'churn-clf:4');
    assert.equal(refusedCheck(new MMApiError(409, 'alias held')), null);
    assert.equal(
      refusedCheck(new MMApiError(400, 'bad', { check: CHECK })),
      null
    );
    assert.equal(
      refusedCheck(new MMApiError(409, 'x', { check: { rules: 1 } })),
      null
    );
    assert.equal(refusedCheck(new Error('x')), null);
  });
});

describe('transitionBody with force', () => {
  it('sends force and the reason only together', () => {
    const intent = { kind: 'stage', stage: 'production' } as const;
    assert.deepEqual(
      transitionBody(intent, { force: true, reason: ' hotfix ' }),
      {
        stage: 'production',
        archive_others: false,
        force: true,
        reason: 'hotfix'
      }
    );
    assert.deepEqual(transitionBody(intent, { force: true, reason: '' }), {
      stage: 'production',
      archive_others: false
    });
  });
});

describe('performTransition through a gate', () => {
  function script(
    answers: (IConfirmResult | null)[],
    replies: (MM.IModelVersion | Error)[]
  ) {
    const asked: IConfirmRequest[] = [];
    const sent: MM.TransitionRequest[] = [];
    const checked: string[] = [];
    return {
      asked,
      sent,
      checked,
      confirm: async (request: IConfirmRequest) => {
        asked.push(request);
        return answers.shift() ?? null;
      },
      post: async (body: MM.TransitionRequest) => {
        sent.push(body);
        const reply = replies.shift();
        if (!reply || reply instanceof Error) {
          throw reply ?? new Error('no reply scripted');
        }
        return reply;
      },
      checks: async (stage: string) => {
        checked.push(stage);
        return FAILING;
      }
    };
  }

  it('hands the dialog the stage check, and sends a forced move', async () => {
    const updated = version(2, { stage: 'production' });
    const s = script(
      [{ comment: '', archiveOthers: false, force: true, reason: 'hotfix' }],
      [updated]
    );
    const outcome = await performTransition({
      version: version(2),
      intent: { kind: 'stage', stage: 'production' },
      ...s
    });
    assert.equal(outcome.kind, 'done');
    const gate = s.asked[0].gate;
    assert.equal(gate?.stage, 'production');
    assert.equal((await gate?.load())?.ref, 'churn-clf:4');
    assert.deepEqual(s.checked, ['production']);
    assert.deepEqual(s.sent, [
      {
        stage: 'production',
        archive_others: false,
        force: true,
        reason: 'hotfix'
      }
    ]);
  });

  it('does not check an archive', async () => {
    const s = script([null], []);
    await performTransition({
      version: version(2),
      intent: { kind: 'stage', stage: 'archived' },
      ...s
    });
    assert.equal(s.asked[0].gate ?? null, null);
  });

  it("shows a 409's check and asks again; cancelling sends nothing more", async () => {
    const refusal = new MMApiError(409, 'production policy refuses', {
      check: CHECK
    });
    const s = script(
      [{ comment: 'go', archiveOthers: false }, null],
      [refusal]
    );
    const outcome = await performTransition({
      version: version(2),
      intent: { kind: 'stage', stage: 'production' },
      ...s
    });
    assert.deepEqual(outcome, { kind: 'cancelled' });
    assert.equal(s.asked.length, 2);
    assert.equal(s.asked[1].detail, 'production policy refuses');
    assert.equal(s.asked[1].comment, 'go');
    const report = await s.asked[1].gate?.load();
    assert.deepEqual(report?.failed, ['test.accuracy >= 0.9']);
    assert.deepEqual(s.checked, []); // the 409's check, not a new request
    assert.equal(s.sent.length, 1);
  });

  it('reports a second refusal as an error', async () => {
    const refusal = () => new MMApiError(409, 'refused', { check: CHECK });
    const s = script(
      [
        { comment: '', archiveOthers: false },
        { comment: '', archiveOthers: false, force: true, reason: 'r' }
      ],
      [refusal(), refusal()]
    );
    const outcome = await performTransition({
      version: version(2),
      intent: { kind: 'stage', stage: 'production' },
      ...s
    });
    assert.equal(outcome.kind, 'error');
    assert.equal(s.sent.length, 2);
    assert.equal(s.asked.length, 2);
  });
});
