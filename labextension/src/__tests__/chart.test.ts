import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import * as React from 'react';

import { MetricChart, segments } from '../shared/MetricChart';
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

describe('MetricChart', () => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { renderToStaticMarkup } = require('react-dom/server') as {
    renderToStaticMarkup: (element: React.ReactElement) => string;
  };

  it('shows a metric logged once as its value, not a chart at "step 0"', () => {
    const html = renderToStaticMarkup(
      React.createElement(MetricChart, { name: 'acc', points: series([0.913]) })
    );
    assert.ok(html.includes('0.913'));
    assert.ok(html.includes('single value'));
    assert.ok(!html.includes('step 0'));
    assert.ok(!html.includes('<svg'));
  });

  it('draws a series with nice value ticks and the chart controls', () => {
    const html = renderToStaticMarkup(
      React.createElement(MetricChart, {
        name: 'loss',
        points: series([0.05914, 0.0592, 0.05931])
      })
    );
    const ticks = [
      ...html.matchAll(/jp-mm-SeriesChart-ytick[^>]*>([^<]*)</g)
    ].map(m => m[1]);
    assert.ok(ticks.length >= 4 && ticks.length <= 7, ticks.join(' '));
    assert.ok(
      ticks.every(t => t.startsWith('0.059')),
      ticks.join(' ')
    );
    assert.ok(html.includes('log scale'));
  });
});
