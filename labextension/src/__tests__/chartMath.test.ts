import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import {
  finiteExtent,
  finiteRuns,
  formatTimestamp,
  formatTimeTick,
  formatValueTick,
  linearScale,
  niceStep,
  niceTicks,
  timeDomain,
  timeTicks
} from '../shared/chartMath';
import { Mon } from '../monitoring/types';
import { breached, breaches, uniqueThresholds } from '../monitoring/thresholds';

/** 2026-11-26 00:00:00 UTC. */
const DAY = Date.UTC(2026, 10, 26) / 1000;

describe('linearScale', () => {
  it('maps the domain onto the range, also inverted', () => {
    const sy = linearScale([0, 10], [200, 0]);
    assert.equal(sy(0), 200);
    assert.equal(sy(10), 0);
    assert.equal(sy(2.5), 150);
  });

  it('maps an empty domain to the middle', () => {
    assert.equal(linearScale([3, 3], [0, 100])(3), 50);
  });
});

describe('finiteExtent', () => {
  it('skips non-finite values', () => {
    assert.deepEqual(finiteExtent([3, NaN, -1, Infinity, 2]), [-1, 3]);
    assert.equal(finiteExtent([NaN, -Infinity]), null);
    assert.equal(finiteExtent([]), null);
  });

  it('handles long series without overflowing the stack', () => {
    const values = Array.from({ length: 300_000 }, (_, i) => i % 1000);
    assert.deepEqual(finiteExtent(values), [0, 999]);
  });
});

describe('niceTicks', () => {
  it('uses steps of 1, 2 or 5 × 10^k', () => {
    assert.equal(niceStep(1, 5), 0.2);
    assert.equal(niceStep(0.37, 5), 0.1);
    assert.equal(niceStep(730, 5), 200);
    assert.equal(niceStep(10, 5), 2);
    assert.equal(niceStep(0, 5), 1);
  });

  it('widens the extent to whole steps without float noise', () => {
    const t = niceTicks([0.03, 0.41]);
    assert.equal(t.step, 0.1);
    assert.deepEqual(t.ticks, [0, 0.1, 0.2, 0.3, 0.4, 0.5]);
    assert.deepEqual(t.domain, [0, 0.5]);
  });

  it('gives a single value some room', () => {
    const t = niceTicks([500, 500]);
    assert.ok(t.domain[0] < 500 && t.domain[1] > 500);
    const z = niceTicks([0, 0]);
    assert.ok(z.domain[0] <= -1 && z.domain[1] >= 1);
  });

  it('handles negative values', () => {
    const t = niceTicks([-3.2, 4.1]);
    assert.ok(t.domain[0] <= -3.2 && t.domain[1] >= 4.1);
    assert.ok(t.ticks.includes(0));
  });

  it('labels ticks with the decimals the step needs', () => {
    assert.equal(formatValueTick(0.2, 0.1), '0.2');
    assert.equal(formatValueTick(0, 0.05), '0.00');
    assert.equal(formatValueTick(1200, 200), '1200');
    assert.equal(formatValueTick(2e6, 1e6), '2.0e+6');
  });
});

describe('time axis', () => {
  it('picks a readable step and aligns ticks to it', () => {
    const t = timeTicks([DAY + 10, DAY + 10 + 30 * 60], 4, 0);
    assert.equal(t.step, 600);
    assert.deepEqual(
      t.ticks.map(x => x - DAY),
      [600, 1200, 1800]
    );
  });

  it('aligns to local time with a time zone offset', () => {
    // Two hours of data in UTC+5:30: ticks fall on whole local half-hours.
    const offset = 5.5 * 3600;
    const t = timeTicks([DAY, DAY + 2 * 3600], 6, offset);
    assert.equal(t.step, 1800);
    for (const x of t.ticks) {
      assert.equal((x + offset) % 1800, 0);
    }
  });

  it('labels the ends of a span shorter than a second', () => {
    const T = DAY + 14 * 3600;
    const t = timeTicks([T + 0.25, T + 0.28], 6, 0);
    assert.deepEqual(t.ticks, [T + 0.25, T + 0.28]);
    assert.equal(formatTimeTick(t.ticks[0], t.step, 0), '14:00:00');
  });

  it('uses day steps for long spans', () => {
    const t = timeTicks([DAY, DAY + 20 * 86400], 6, 0);
    assert.ok(t.step >= 86400);
    assert.ok(t.ticks.length <= 6 && t.ticks.length >= 2);
  });

  it('formats ticks by step: seconds, minutes, days, midnight', () => {
    assert.equal(
      formatTimeTick(DAY + 3600 * 14 + 5 * 60 + 30, 10, 0),
      '14:05:30'
    );
    assert.equal(formatTimeTick(DAY + 3600 * 14 + 5 * 60, 300, 0), '14:05');
    assert.equal(formatTimeTick(DAY, 3600, 0), 'Nov 26');
    assert.equal(formatTimeTick(DAY + 3600 * 14, 86400, 0), 'Nov 26');
    // The same instant in UTC-8 is the evening before.
    assert.equal(formatTimeTick(DAY + 3600, 3600, -8 * 3600), '17:00');
  });

  it('formats full timestamps for tooltips', () => {
    assert.equal(formatTimestamp(DAY + 3661, 0), '2026-11-26 01:01:01');
  });

  it('pads the domain of a single time', () => {
    assert.deepEqual(timeDomain([DAY, DAY]), [DAY - 60, DAY + 60]);
    assert.equal(timeDomain([NaN]), null);
  });
});

describe('breaches', () => {
  it('compares with every operator', () => {
    assert.equal(breaches(0.41, '>', 0.2), true);
    assert.equal(breaches(0.2, '>', 0.2), false);
    assert.equal(breaches(0.2, '>=', 0.2), true);
    assert.equal(breaches(0.1, '<', 0.2), true);
    assert.equal(breaches(0.2, '<=', 0.2), true);
    assert.equal(breaches(1, '==', 1), true);
    assert.equal(breaches(1, '!=', 1), false);
    assert.equal(breaches(2, '!=', 1), true);
  });

  it('never breaches on NaN', () => {
    for (const op of Mon.OPS) {
      assert.equal(breaches(NaN, op, 0.2), false, op);
    }
  });

  it('lists the thresholds a value breaches', () => {
    const ts: Mon.IThreshold[] = [
      { rule_id: 1, op: '>', threshold: 0.2, severity: 'warning' },
      { rule_id: 2, op: '>', threshold: 0.5, severity: 'critical' }
    ];
    assert.deepEqual(
      breached(0.3, ts).map(t => t.rule_id),
      [1]
    );
    assert.deepEqual(
      breached(0.7, ts).map(t => t.rule_id),
      [1, 2]
    );
  });

  it('merges equal thresholds of several series, most severe wins', () => {
    const merged = uniqueThresholds([
      [{ rule_id: 1, op: '>', threshold: 0.2, severity: 'warning' }],
      [
        { rule_id: 4, op: '>', threshold: 0.2, severity: 'critical' },
        { rule_id: 5, op: '<', threshold: 0.2, severity: 'info' }
      ]
    ]);
    assert.equal(merged.length, 2);
    assert.equal(merged[0].severity, 'critical');
    assert.equal(merged[1].op, '<');
  });
});

describe('finiteRuns', () => {
  it('breaks lines at non-finite values', () => {
    const points = [1, NaN, 2, 3, Infinity, 4].map((value, i) => ({
      ts: i,
      value
    }));
    assert.deepEqual(
      finiteRuns(points).map(run => run.map(p => p.ts)),
      [[0], [2, 3], [5]]
    );
  });
});
