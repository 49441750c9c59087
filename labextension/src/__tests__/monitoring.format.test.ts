import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import {
  ALERTING_CLASS,
  alertsLabel,
  applyAlertIndicator,
  badgeCount,
  chartPattern,
  conditionText,
  IAlertTitle,
  pickSeries,
  seriesLabel,
  sidebarCaption,
  sortAlerts,
  windowText
} from '../monitoring/format';
import { alert, series } from './fixtures';

describe('badge text', () => {
  it('counts alerts in words', () => {
    assert.equal(alertsLabel(0), 'No alerts firing');
    assert.equal(alertsLabel(1), '1 alert firing');
    assert.equal(alertsLabel(2), '2 alerts firing');
  });

  it('caps the number at 99+', () => {
    assert.equal(badgeCount(7), '7');
    assert.equal(badgeCount(99), '99');
    assert.equal(badgeCount(100), '99+');
  });

  it('captions the left-area tab', () => {
    assert.equal(sidebarCaption(0), 'Model management');
    assert.equal(sidebarCaption(2), 'Model management: 2 alerts firing');
  });

  it('toggles the class, caption and count of the title', () => {
    const title: IAlertTitle = {
      className: 'other',
      caption: 'Model management',
      dataset: { keep: 'me' }
    };
    applyAlertIndicator(title, 2);
    assert.equal(title.className, `other ${ALERTING_CLASS}`);
    assert.equal(title.caption, 'Model management: 2 alerts firing');
    assert.deepEqual(title.dataset, { keep: 'me', 'mm-alerts': '2' });
    applyAlertIndicator(title, 3);
    assert.equal(title.className, `other ${ALERTING_CLASS}`);
    assert.equal(title.dataset['mm-alerts'], '3');
    applyAlertIndicator(title, 0);
    assert.equal(title.className, 'other');
    assert.equal(title.caption, 'Model management');
    assert.deepEqual(title.dataset, { keep: 'me' });
  });
});

describe('rule text', () => {
  it('writes conditions and windows', () => {
    assert.equal(conditionText('>', 0.2), '> 0.2');
    assert.equal(conditionText(null, null), '');
    assert.equal(windowText(1, null), 'every point');
    assert.equal(windowText(3, 600), '3× in 10 min');
    assert.equal(windowText(2, 90), '2× in 1 min 30 s');
  });

  it('reads the chart groups with globs', () => {
    assert.equal(chartPattern('drift', 'ks'), 'drift.ks.*');
    assert.equal(chartPattern('volume', 'psi'), 'volume.*');
  });

  it('labels series by their feature', () => {
    assert.equal(seriesLabel('drift.psi.age', 'drift.psi.'), 'age');
    assert.equal(seriesLabel('volume.rows', 'drift.psi.'), 'volume.rows');
    assert.equal(seriesLabel('drift.psi.', 'drift.psi.'), 'drift.psi.');
  });
});

describe('sortAlerts', () => {
  it('puts firing alerts first, then the newest', () => {
    const sorted = sortAlerts([
      alert(1),
      alert(2, { state: 'firing' }),
      alert(3),
      alert(4, { state: 'firing' })
    ]);
    assert.deepEqual(
      sorted.map(a => a.id),
      [4, 2, 3, 1]
    );
  });
});

describe('pickSeries', () => {
  it('keeps firing series and the largest latest values, sorted by key', () => {
    const all = [
      series('drift.psi.a', [0.1, 0.5]),
      series('drift.psi.b', [0.3, 0.01]),
      series('drift.psi.c', [0.2, 0.3]),
      series('drift.psi.d', [NaN])
    ];
    const picked = pickSeries(all, new Set(['drift.psi.b']), 2);
    assert.deepEqual(
      picked.series.map(s => s.key),
      ['drift.psi.a', 'drift.psi.b']
    );
    assert.equal(picked.hidden, 1); // d has no finite value: not counted
  });
});
