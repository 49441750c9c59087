import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import * as React from 'react';

import { AlertList } from '../monitoring/AlertList';
import { groupAlerts, ruleText } from '../monitoring/format';
import { Mon } from '../monitoring/types';
import { alert, RULE } from './fixtures';

// react-dom is a dev dependency without bundled types: render to static HTML.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { renderToStaticMarkup } = require('react-dom/server') as {
  renderToStaticMarkup: (element: React.ReactElement) => string;
};

const rule = (id: number, extra: Partial<Mon.IRule> = {}): Mon.IRule => ({
  ...(RULE as unknown as Mon.IRule),
  id,
  ...extra
});

/** Ten alerts of one drift rule firing, one of them acknowledged, and one resolved
 * alert of a volume rule. */
function fleet(): Mon.IAlert[] {
  const drift = Array.from({ length: 10 }, (_, i) =>
    alert(i + 1, {
      rule_id: 3,
      state: 'firing',
      series: `drift.psi.f${i}`,
      value: 0.3 + i / 100,
      fired_ts: 1000 + i,
      last_ts: 2000 + i,
      acknowledged_at: i === 0 ? 3000 : null,
      acknowledged_by: i === 0 ? 'ana' : null
    })
  );
  return [
    alert(20, { rule_id: 4, series: 'volume.rows', fired_ts: 5000 }),
    ...drift
  ];
}

describe('groupAlerts', () => {
  it('makes one group per rule, those needing attention first', () => {
    const rules = [
      rule(3, {
        pattern: 'drift.psi.*',
        op: '>',
        threshold: 0.2,
        count: 3,
        window_s: 600
      }),
      rule(4, {
        pattern: 'volume.rows',
        op: '<',
        threshold: 50,
        count: 1,
        window_s: null
      })
    ];
    const groups = groupAlerts(fleet(), rules);
    assert.deepEqual(
      groups.map(g => [g.ruleId, g.firing, g.unacknowledged, g.alerts.length]),
      [
        [3, 10, 9, 10],
        [4, 0, 0, 1]
      ]
    );
    assert.equal(groups[0].text, 'drift.psi.* > 0.2, 3× in 10 min');
    assert.equal(
      groups[0].latest.id,
      10,
      'the newest alert gives the latest value'
    );
    assert.equal(groups[1].text, 'volume.rows < 50');
  });

  it('names a group from its alert when the rule is not listed', () => {
    const [group] = groupAlerts([alert(1, { rule_id: 9 })]);
    assert.equal(group.rule, null);
    assert.equal(group.text, 'drift.psi.age > 0.2');
  });

  it('writes a rule as pattern, condition and window', () => {
    assert.equal(
      ruleText(
        rule(1, {
          pattern: 'latency.p95',
          op: '>=',
          threshold: 250,
          count: 2,
          window_s: 90
        })
      ),
      'latency.p95 >= 250, 2× in 1 min 30 s'
    );
  });
});

describe('AlertList', () => {
  it('shows one row per rule, collapsed when it holds many alerts', () => {
    const html = renderToStaticMarkup(
      React.createElement(AlertList, {
        alerts: fleet(),
        onOpenRun: () => undefined,
        onAcknowledge: () => undefined
      })
    );
    assert.equal((html.match(/class="jp-mm-AlertGroup /g) ?? []).length, 2);
    assert.match(html, /10 firing · 1 acknowledged/);
    assert.match(html, /aria-expanded="false"/);
    assert.equal(
      html.includes('data-alert-id="1"'),
      false,
      'ten alerts folded'
    );
  });

  it('offers Acknowledge on firing alerts and mutes acknowledged ones with who', () => {
    const alerts = [
      alert(1, {
        state: 'firing',
        acknowledged_at: 3000,
        acknowledged_by: 'ana'
      }),
      alert(2, { state: 'firing', series: 'drift.psi.b' })
    ];
    const html = renderToStaticMarkup(
      React.createElement(AlertList, {
        alerts,
        onOpenRun: () => undefined,
        onAcknowledge: () => undefined,
        pending: new Set([2])
      })
    );
    assert.match(html, /aria-expanded="true"/);
    assert.match(
      html,
      /data-alert-id="1"[^>]*data-acknowledged="yes"|jp-mm-mod-acknowledged[^>]*data-alert-id="1"/
    );
    assert.match(html, /acknowledged by ana/);
    assert.match(html, />Unacknowledge</);
    assert.match(
      html,
      /<button class="jp-mm-Button jp-mm-Alert-ack" disabled=""/
    );
  });

  it('has no button without a handler, and says how alerts come', () => {
    const html = renderToStaticMarkup(
      React.createElement(AlertList, {
        alerts: [alert(1, { state: 'firing' })],
        onOpenRun: () => undefined
      })
    );
    assert.equal(html.includes('jp-mm-Alert-ack'), false);
    const empty = renderToStaticMarkup(
      React.createElement(AlertList, { alerts: [], onOpenRun: () => undefined })
    );
    assert.match(empty, /mon\.rule\(/);
  });
});
