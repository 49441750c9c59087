import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { Signal } from '@lumino/signaling';
import * as React from 'react';

import { AlertList } from '../monitoring/AlertList';
import { TimeChart } from '../monitoring/Chart';
import { MonitoringList } from '../monitoring/MonitoringList';
import { RuleList } from '../monitoring/RuleList';
import { MMApiError } from '../shared/errors';
import type { RunsModel } from '../runs/state';
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
import { AlertBadgeModel, BADGE_CONSUMER } from '../monitoring/state';
import { Mon } from '../monitoring/types';

// react-dom is a dev dependency without bundled types: render to static HTML.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { renderToStaticMarkup } = require('react-dom/server') as {
  renderToStaticMarkup: (element: React.ReactElement) => string;
};

const XSS = '<img src=x onerror="window.__pwned=1">';

function alert(id: number, extra: Partial<Mon.IAlert> = {}): Mon.IAlert {
  return {
    id,
    rule_id: 1,
    model: 'm',
    version: 1,
    series: 'drift.psi.age',
    state: 'resolved',
    severity: 'warning',
    message: 'drift.psi.age = 0.41 > 0.2',
    value: 0.41,
    threshold: 0.2,
    op: '>',
    fired_values: [],
    occurrences: 1,
    fired_ts: 1000 + id,
    last_ts: null,
    resolved_ts: null,
    actions: [],
    ...extra
  };
}

function series(key: string, values: number[]): Mon.ISeries {
  return {
    key,
    points: values.map((value, i) => ({ ts: 1000 + 60 * i, value })),
    truncated: false,
    thresholds: []
  };
}

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
    assert.equal(windowText(3, 600), '3× in 10 m 00 s');
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

/** A stand-in for the runs model: its signals, connection and background set. */
class FakeRuns {
  registryChanged = new Signal<this, number>(this);
  stateChanged = new Signal<this, void>(this);
  connection: { kind: string } = { kind: 'connecting' };
  firing: number | null = null;
  background = new Set<string>();
  setBackground(consumer: string, on: boolean): void {
    if (on) {
      this.background.add(consumer);
    } else {
      this.background.delete(consumer);
    }
  }
  ready(): void {
    this.connection = { kind: 'ready' };
    this.stateChanged.emit();
  }
}

const tick = () => new Promise(resolve => setTimeout(resolve, 0));

describe('AlertBadgeModel', () => {
  function setup(answers: (number | Error)[]) {
    const runs = new FakeRuns();
    const calls: Partial<Mon.IMonitorQuery>[] = [];
    const api = {
      monitoring: async (query: Partial<Mon.IMonitorQuery> = {}) => {
        calls.push(query);
        const next = answers.shift() ?? 0;
        if (next instanceof Error) {
          throw next;
        }
        return {
          total: 1,
          offset: 0,
          limit: 1,
          firing: next,
          cursor: 1,
          monitors: []
        } as Mon.IMonitorList;
      }
    };
    const badge = new AlertBadgeModel(runs as unknown as RunsModel, api);
    const seen: number[] = [];
    badge.changed.connect((_, n) => seen.push(n));
    return { runs, badge, calls, seen };
  }

  it('keeps the poll going in the background until disposed', () => {
    const { runs, badge } = setup([]);
    assert.ok(runs.background.has(BADGE_CONSUMER));
    badge.dispose();
    assert.equal(runs.background.size, 0);
  });

  it('reads the count with limit=1 when ready and when the cursor moves', async () => {
    const { runs, badge, calls, seen } = setup([2, 2, 0]);
    await badge.refresh(); // not connected yet: no request
    assert.equal(calls.length, 0);
    runs.ready();
    await tick();
    assert.equal(badge.firing, 2);
    assert.deepEqual(calls[0], { limit: 1, offset: 0 });
    runs.registryChanged.emit(5);
    await tick();
    assert.deepEqual(seen, [2]); // same count: no change signal
    runs.registryChanged.emit(6);
    await tick();
    assert.equal(badge.firing, 0);
    assert.deepEqual(seen, [2, 0]);
  });

  it('keeps the last count on a transient error; a 404 means no monitoring', async () => {
    const { runs, badge } = setup([
      3,
      new MMApiError(500, 'boom'),
      new MMApiError(404, 'missing')
    ]);
    const warn = console.warn;
    console.warn = () => undefined;
    try {
      runs.ready();
      await tick();
      runs.registryChanged.emit(1);
      await tick();
      assert.equal(badge.firing, 3);
      assert.equal(badge.available, true);
      runs.registryChanged.emit(2);
      await tick();
      assert.equal(badge.firing, 0);
      assert.equal(badge.available, false);
    } finally {
      console.warn = warn;
    }
  });

  it('takes the count from the change poll without a second request', async () => {
    const { runs, badge, calls } = setup([1]);
    runs.ready();
    await tick();
    assert.equal(calls.length, 1); // the first count comes from GET monitoring
    runs.firing = 5;
    runs.registryChanged.emit(7);
    await tick();
    assert.equal(badge.firing, 5);
    assert.equal(calls.length, 1);
  });

  it('takes counts noted by the list', () => {
    const { badge, seen } = setup([]);
    badge.note(4);
    assert.equal(badge.firing, 4);
    assert.deepEqual(seen, [4]);
  });
});

describe('rendering stored text', () => {
  it('shows names, messages and series as text, never as markup', () => {
    const monitor: Mon.IMonitorSummary = {
      model: XSS,
      version: 1,
      ref: `${XSS}:1`,
      stage: XSS,
      aliases: [XSS],
      batches: 1,
      rows: 10,
      labelled: 0,
      first_ts: 1000,
      last_ts: 1000,
      firing: 2,
      has_reference_profile: true
    };
    const html = [
      renderToStaticMarkup(
        React.createElement(MonitoringList, {
          items: [monitor],
          onOpen: () => undefined
        })
      ),
      renderToStaticMarkup(
        React.createElement(AlertList, {
          alerts: [
            alert(1, {
              state: 'firing',
              message: XSS,
              series: XSS,
              severity: XSS,
              actions: [
                {
                  kind: XSS,
                  status: XSS,
                  detail: XSS,
                  output: XSS,
                  run_id: XSS,
                  created_ts: null,
                  finished_ts: null
                }
              ]
            })
          ],
          onOpenRun: () => undefined
        })
      ),
      renderToStaticMarkup(
        React.createElement(TimeChart, {
          title: XSS,
          lines: [
            {
              key: XSS,
              label: XSS,
              points: [
                { ts: 1000, value: 0.1 },
                { ts: 1060, value: 0.5 }
              ],
              thresholds: [
                { rule_id: 1, op: '>', threshold: 0.2, severity: XSS }
              ]
            },
            { key: 'b', label: 'b', points: [], thresholds: [] }
          ]
        })
      ),
      renderToStaticMarkup(
        React.createElement(RuleList, {
          rules: [
            {
              id: 1,
              kind: 'series',
              model: XSS,
              version: null,
              pattern: XSS,
              op: '>',
              threshold: 0.2,
              count: 1,
              window_s: null,
              severity: XSS,
              name: XSS,
              action: { kind: XSS, display: XSS },
              enabled: true,
              created_at: null,
              created_by: null
            }
          ]
        })
      )
    ].join('\n');
    assert.ok(html.includes('&lt;img src=x onerror='), 'escaped text shown');
    assert.equal(/<img/i.test(html), false, 'no element from stored text');
    // Attribute values hold the payload as (escaped) text; outside them, no
    // attribute may come from it.
    const tags = html.replace(/"[^"]*"/g, '""').match(/<[^>]*>/g) ?? [];
    assert.ok(tags.length > 50);
    assert.deepEqual(
      tags.filter(tag => /\son[a-z]+=/i.test(tag)),
      [],
      'no handler attribute'
    );
  });

  it('draws thresholds, breaches and the accessible badge', () => {
    const html = renderToStaticMarkup(
      React.createElement(TimeChart, {
        title: 'Drift',
        offset: 0,
        lines: [
          {
            key: 'drift.psi.age',
            label: 'age',
            points: [
              { ts: 1000, value: 0.05 },
              { ts: 1060, value: 0.45 },
              { ts: 1120, value: NaN }
            ],
            thresholds: [
              { rule_id: 1, op: '>', threshold: 0.2, severity: 'warning' }
            ]
          }
        ]
      })
    );
    assert.match(html, /class="jp-mm-Chart-threshold jp-mm-severity-warning"/);
    assert.match(html, /stroke-dasharray="5 4"/);
    assert.match(html, />&gt; 0\.2</);
    assert.equal((html.match(/jp-mm-Chart-breach/g) ?? []).length, 1);
    assert.match(
      html,
      /aria-label="Drift: 1 series, 3 points, thresholds &gt; 0\.2, 1 breaching"/
    );

    const empty = renderToStaticMarkup(
      React.createElement(TimeChart, { title: 'Latency', lines: [] })
    );
    assert.match(empty, /No data yet\./);

    const list = renderToStaticMarkup(
      React.createElement(MonitoringList, {
        items: [
          {
            model: 'churn-clf',
            version: 2,
            ref: 'churn-clf:2',
            stage: 'production',
            aliases: [],
            batches: 3,
            rows: 900,
            labelled: 0,
            first_ts: null,
            last_ts: null,
            firing: 2,
            has_reference_profile: true
          }
        ],
        onOpen: () => undefined
      })
    );
    assert.match(list, /role="img" aria-label="2 alerts firing"/);
  });
});

describe('RunsModel background consumers', () => {
  it('poll slowly for background consumers, fast while a view is visible', async () => {
    const { RunsModel } = await import('../runs/state');
    const model = new RunsModel(
      {} as ConstructorParameters<typeof RunsModel>[0]
    );
    const interval = () =>
      (model as unknown as { _poll: { frequency: { interval: number } } })._poll
        .frequency.interval;
    model.setBackground(BADGE_CONSUMER, true);
    assert.equal(interval(), 5000);
    model.setVisible('sidebar', true);
    assert.equal(interval(), 1000);
    model.setVisible('sidebar', false);
    assert.equal(interval(), 5000);
    model.dispose();
  });
});
