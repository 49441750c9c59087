import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import {
  axisPosition,
  bestRunIndex,
  buildAxis,
  defaultAxes,
  fieldValue,
  groupBy,
  parseFieldId,
  sequentialColor,
  stats,
  tagKeys
} from '../compare/compareMath';
import { decodeComparison } from '../compare/decode';
import { compareChoices } from '../diff/CompareBar';
import { runSummary } from './fixtures';

const runs = [
  runSummary('a', {
    params: { lr: 0.1, opt: 'adam', deep: true },
    metrics: { acc: 0.8, loss: 0.5 },
    tags: { team: 'x' }
  }),
  runSummary('b', {
    params: { lr: 0.01, opt: 'sgd' },
    metrics: { acc: 0.9, loss: 0.3 },
    tags: { team: 'y' }
  }),
  runSummary('c', { params: { lr: 0.1, opt: 'adam' }, metrics: { acc: 0.7 } })
];

describe('axes of parallel coordinates and scatter', () => {
  it('makes a numeric axis of numbers, min at 0 and max at 1', () => {
    const lr = buildAxis(runs, { kind: 'param', key: 'lr' });
    assert.equal(lr.kind, 'numeric');
    assert.equal(axisPosition(lr, 0.01), 0);
    assert.equal(axisPosition(lr, 0.1), 1);
    assert.ok(Math.abs((axisPosition(lr, 0.055) ?? 0) - 0.5) < 1e-12);
  });

  it('makes a categorical axis of text, spread evenly and sorted', () => {
    const opt = buildAxis(runs, { kind: 'param', key: 'opt' });
    assert.equal(opt.kind, 'categorical');
    assert.deepEqual(opt.categories, ['adam', 'sgd']);
    assert.equal(axisPosition(opt, 'adam'), 0);
    assert.equal(axisPosition(opt, 'sgd'), 1);
    // booleans are categories, not 0/1
    assert.equal(
      buildAxis(runs, { kind: 'param', key: 'deep' }).kind,
      'categorical'
    );
  });

  it('has no position for a missing value, the middle for a single one', () => {
    const loss = buildAxis(runs, { kind: 'metric', key: 'loss' });
    assert.equal(axisPosition(loss, fieldValue(runs[2], loss.field)), null);
    const one = buildAxis([runs[0]], { kind: 'metric', key: 'acc' });
    assert.equal(axisPosition(one, 0.8), 0.5);
  });

  it('colours by viridis from dark purple to yellow', () => {
    assert.equal(sequentialColor(0), 'rgb(68, 1, 84)');
    assert.equal(sequentialColor(1), 'rgb(253, 231, 37)');
    assert.equal(sequentialColor(0.5), 'rgb(33, 145, 140)');
    assert.equal(sequentialColor(NaN), 'rgb(68, 1, 84)');
  });

  it('parses field ids and picks default axes', () => {
    assert.deepEqual(parseFieldId('param:a:b'), { kind: 'param', key: 'a:b' });
    assert.equal(parseFieldId('nope'), null);
    assert.deepEqual(defaultAxes([], ['x', 'y'], 1), ['x']);
    assert.deepEqual(defaultAxes(['lr'], ['lr', 'x']), ['lr']);
  });
});

describe('group by', () => {
  it('counts runs and gives mean, min and max per metric', () => {
    const groups = groupBy(runs, { kind: 'param', key: 'lr' }, ['acc', 'loss']);
    assert.deepEqual(
      groups.map(g => g.label),
      ['0.01', '0.1']
    );
    const big = groups[1];
    assert.deepEqual(big.runIds, ['a', 'c']);
    assert.ok(Math.abs((big.metrics.acc.mean ?? 0) - 0.75) < 1e-12);
    assert.equal(big.metrics.acc.min, 0.7);
    assert.equal(big.metrics.acc.max, 0.8);
    assert.equal(big.metrics.loss.n, 1);
  });

  it('puts runs without the value in (none), last', () => {
    const groups = groupBy(runs, { kind: 'tag', key: 'team' }, ['acc']);
    assert.deepEqual(
      groups.map(g => g.label),
      ['x', 'y', '(none)']
    );
    assert.deepEqual(tagKeys(runs), ['team']);
  });

  it('leaves NaN and missing values out of the statistics', () => {
    assert.deepEqual(stats([1, NaN, null, 3]), {
      n: 2,
      mean: 2,
      min: 1,
      max: 3
    });
    assert.deepEqual(stats([]), { n: 0, mean: null, min: null, max: null });
  });

  it('finds the best run by direction', () => {
    assert.equal(bestRunIndex([0.5, 0.3, null], 'min'), 1);
    assert.equal(bestRunIndex([0.5, 0.3, 0.9], 'max'), 2);
    assert.equal(bestRunIndex([null, NaN], 'max'), -1);
    // every run equal: none is marked best
    assert.equal(bestRunIndex([0.6394, 0.6394, 0.6394], 'max'), -1);
    assert.equal(bestRunIndex([0.7, null], 'max'), 0);
  });
});

describe('compare bar and payload', () => {
  it('offers Diff for two runs and Compare for 2 to 50', () => {
    assert.deepEqual(compareChoices(1), {
      diff: false,
      compare: false,
      hint: 'select one more to compare'
    });
    assert.deepEqual(compareChoices(2), {
      diff: true,
      compare: true,
      hint: null
    });
    assert.deepEqual(compareChoices(3), {
      diff: false,
      compare: true,
      hint: null
    });
    assert.equal(compareChoices(51).compare, false);
  });

  it('decodes a comparison, non-finite values as numbers', () => {
    const c = decodeComparison({
      runs: [
        { id: 'a', name: 'a' },
        { id: 'b', name: 'b' }
      ],
      param_keys: ['lr'],
      differing_params: ['lr'],
      metric_keys: ['loss'],
      directions: { loss: 'min' },
      series: {
        loss: {
          a: {
            points: [
              { step: 0, value: 'NaN' },
              { step: 1, value: 0.5 }
            ],
            count: 2,
            downsampled: false
          }
        }
      },
      max_points: 1000
    });
    assert.equal(c.runs.length, 2);
    assert.equal(c.directions.loss, 'min');
    assert.ok(Number.isNaN(c.series.loss.a.points[0].value));
    assert.equal(c.series.loss.a.points[1].value, 0.5);
    assert.throws(() => decodeComparison({}), /expected an object with runs/);
  });
});
