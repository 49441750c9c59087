import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import {
  changeQuality,
  decodeDirections,
  directionOf,
  formatChange,
  formatDelta,
  formatRelative,
  lastChange,
  qualityClass
} from '../shared/deltas';

describe('formatDelta', () => {
  it('writes small deltas in fixed notation, not +8.20e-5', () => {
    assert.equal(formatDelta(0.000082), '+0.000082');
    assert.equal(formatDelta(-0.0312), '−0.0312');
    assert.equal(formatDelta(0.00001), '+0.00001');
  });

  it('keeps at most 6 significant digits and drops padding zeros', () => {
    assert.equal(formatDelta(1234.56789), '+1234.57');
    assert.equal(formatDelta(0.1 + 0.2), '+0.3');
    assert.equal(formatDelta(2), '+2');
  });

  it('uses a short exponent only below 1e-5 or from 1e6', () => {
    assert.equal(formatDelta(8.2e-6), '+8.2e-6');
    assert.equal(formatDelta(-3.14159e-9), '−3.14e-9');
    assert.equal(formatDelta(2.5e9), '+2.5e9');
  });

  it('says zero, unknown and non-finite plainly', () => {
    assert.equal(formatDelta(0), '0');
    assert.equal(formatDelta(null), '—');
    assert.equal(formatDelta(NaN), 'NaN');
    assert.equal(formatChange(-Infinity), '−∞');
  });
});

describe('formatRelative', () => {
  it('is a signed percentage of the first value', () => {
    assert.equal(formatRelative(0.4, 0.45), '+12.5 %');
    assert.equal(formatRelative(-2, -3), '−50.0 %');
    assert.equal(formatRelative(1, 1.0004), '+0.04 %');
    assert.equal(formatRelative(1, 251), '+25k %');
    assert.equal(formatRelative(3, 3), '0 %');
  });

  it('is null where a percentage means nothing', () => {
    assert.equal(formatRelative(0, 1), null);
    assert.equal(formatRelative(null, 1), null);
    assert.equal(formatRelative(1, NaN), null);
  });
});

describe('changeQuality', () => {
  it('calls a higher val_loss worse and a higher acc better', () => {
    assert.equal(changeQuality(0.05, 'min'), 'worse');
    assert.equal(changeQuality(-0.05, 'min'), 'better');
    assert.equal(changeQuality(0.05, 'max'), 'better');
    assert.equal(changeQuality(-0.05, 'max'), 'worse');
  });

  it('has no quality without a finite delta, and zero is the same', () => {
    assert.equal(changeQuality(null, 'max'), null);
    assert.equal(changeQuality(NaN, 'min'), null);
    assert.equal(changeQuality(0, 'min'), 'same');
    assert.equal(qualityClass('same'), '');
    assert.equal(qualityClass('worse'), ' jp-mm-mod-worse');
  });

  it('reads directions, keeping only min and max', () => {
    const d = decodeDirections({ loss: 'min', acc: 'max', odd: 'up', n: 1 });
    assert.deepEqual(d, { loss: 'min', acc: 'max' });
    assert.equal(directionOf(d, 'loss'), 'min');
    assert.equal(directionOf(d, 'unknown'), 'max');
    assert.deepEqual(decodeDirections(null), {});
  });
});

describe('lastChange', () => {
  it('is the move between the last two finite points', () => {
    const c = lastChange([
      { step: 1, value: 0.5 },
      { step: 2, value: 0.4 },
      { step: 3, value: NaN },
      { step: 4, value: 0.45 }
    ]);
    assert.ok(c);
    assert.equal(c.from, 2);
    assert.equal(c.to, 4);
    assert.ok(Math.abs(c.delta - 0.05) < 1e-12);
    // a higher log_loss between versions is a regression
    assert.equal(changeQuality(c.delta, 'min'), 'worse');
  });

  it('is null with fewer than two finite points', () => {
    assert.equal(
      lastChange([
        { step: 1, value: 1 },
        { step: 2, value: NaN }
      ]),
      null
    );
  });
});
