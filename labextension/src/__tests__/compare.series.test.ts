import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import {
  canLog,
  clipToDomain,
  dragDomain,
  emaSmooth,
  labelWidth,
  linearTicks,
  logTicks,
  nearestIndex
} from '../shared/seriesMath';

const pts = (values: number[]) =>
  values.map((value, step) => ({ step, value }));

describe('emaSmooth', () => {
  it('is the identity at weight 0', () => {
    assert.deepEqual(emaSmooth(pts([1, 5, 2]), 0), pts([1, 5, 2]));
  });

  it('debiases like TensorBoard: the first value is kept, a constant stays constant', () => {
    const out = emaSmooth(pts([4, 4, 4, 4]), 0.9).map(p => p.value);
    out.forEach(v => assert.ok(Math.abs(v - 4) < 1e-12));
    const s = emaSmooth(pts([0, 10]), 0.5).map(p => p.value);
    // (0.5 * 0 * 0.5 + 0.5 * 10) / (1 - 0.25) = 2.5 / 0.75
    assert.equal(s[0], 0);
    assert.ok(Math.abs(s[1] - 10 / 1.5) < 1e-12);
  });

  it('passes NaN through without feeding the average', () => {
    const s = emaSmooth(pts([2, NaN, 2]), 0.6).map(p => p.value);
    assert.ok(Number.isNaN(s[1]));
    assert.ok(Math.abs(s[2] - 2) < 1e-12);
  });
});

describe('value ticks', () => {
  it('gives 4 to 6 nice linear ticks whatever the extent', () => {
    for (const extent of [
      [0, 1],
      [0.0591, 0.0594],
      [-3, 1250],
      [5, 5],
      [0.1, 0.9]
    ] as [number, number][]) {
      const t = linearTicks(extent);
      assert.ok(
        t.ticks.length >= 4 && t.ticks.length <= 7,
        `${extent}: ${t.ticks}`
      );
      assert.ok(t.domain[0] <= extent[0] && t.domain[1] >= extent[1]);
    }
    assert.deepEqual(linearTicks([0, 1]).labels, [
      '0.0',
      '0.2',
      '0.4',
      '0.6',
      '0.8',
      '1.0'
    ]);
  });

  it('labels the ends of a narrow range in full (no ".05914" cut)', () => {
    const t = linearTicks([0.05914, 0.05931]);
    assert.deepEqual(t.labels, [
      '0.05910',
      '0.05915',
      '0.05920',
      '0.05925',
      '0.05930',
      '0.05935'
    ]);
    assert.deepEqual(linearTicks([2e-7, 9e-7]).labels.slice(0, 2), [
      '2e-7',
      '4e-7'
    ]);
    assert.deepEqual(linearTicks([0, 3e6]).labels.slice(-1), ['3e6']);
    // The left padding is computed from the widest label, so nothing is clipped.
    assert.equal(
      labelWidth(t.labels),
      Math.max(...t.labels.map(l => l.length)) * 6
    );
  });

  it('puts log ticks at powers of ten, with 2 and 5 over two decades or less', () => {
    const wide = logTicks([0.001, 10]);
    assert.deepEqual(wide.labels, ['0.001', '0.01', '0.1', '1', '10']);
    assert.deepEqual(wide.ticks, [-3, -2, -1, 0, 1]);
    const short = logTicks([0.15, 0.9]);
    assert.deepEqual(short.labels, [
      '0.2',
      '0.3',
      '0.4',
      '0.5',
      '0.6',
      '0.7',
      '0.8',
      '0.9'
    ]);
    assert.deepEqual(logTicks([0.25, 1.29]).labels, [
      '0.4',
      '0.6',
      '0.8',
      '1.0',
      '1.2'
    ]);
    assert.deepEqual(logTicks([0.02, 0.9]).labels, [
      '0.02',
      '0.05',
      '0.1',
      '0.2',
      '0.5'
    ]);
    // Within a decade: the linear nice ticks, placed on the log axis
    const narrow = logTicks([0.25, 0.57]);
    assert.deepEqual(narrow.labels, [
      '0.25',
      '0.30',
      '0.35',
      '0.40',
      '0.45',
      '0.50',
      '0.55'
    ]);
    assert.ok(Math.abs(narrow.ticks[1] - Math.log10(0.3)) < 1e-12);
  });

  it('allows a log axis only when every finite value is positive', () => {
    assert.equal(canLog([0.1, 2, NaN]), true);
    assert.equal(canLog([0.1, 0]), false);
    assert.equal(canLog([-1]), false);
    assert.equal(canLog([NaN]), false);
  });
});

describe('hover and zoom', () => {
  const s = [{ step: 0 }, { step: 10 }, { step: 20 }, { step: 40 }];

  it('finds the nearest step by binary search', () => {
    assert.equal(nearestIndex(s, -5), 0);
    assert.equal(nearestIndex(s, 14), 1);
    assert.equal(nearestIndex(s, 16), 2);
    assert.equal(nearestIndex(s, 100), 3);
    assert.equal(nearestIndex([], 3), -1);
  });

  it('turns a drag into an x domain, a click into nothing', () => {
    const invert = (px: number) => px / 2;
    assert.deepEqual(dragDomain(100, 40, invert), [20, 50]);
    assert.equal(dragDomain(50, 52, invert), null);
  });

  it('clips a series to the domain with one neighbour each side', () => {
    assert.deepEqual(
      clipToDomain(s, [12, 30]).map(p => p.step),
      [10, 20, 40]
    );
    assert.deepEqual(clipToDomain(s, [50, 60]), []);
  });
});
