import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { segments } from '../shared/MetricChart';
import * as MM from '../mm';

function series(values: number[]): MM.IMetricPoint[] {
  return values.map((value, step) => ({ step, value, timestamp_ts: null }));
}

describe('segments', () => {
  it('is one segment without gaps', () => {
    assert.equal(segments(series([1, 2, 3])).length, 1);
  });

  it('breaks at NaN and infinite values', () => {
    const parts = segments(series([1, NaN, 2, 3, Infinity, -Infinity, 4]));
    assert.deepEqual(
      parts.map(seg => seg.map(p => p.step)),
      [[0], [2, 3], [6]]
    );
  });

  it('is empty when nothing is finite', () => {
    assert.deepEqual(segments(series([NaN, NaN])), []);
  });
});
