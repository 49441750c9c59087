import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import * as React from 'react';

import { AlertList } from '../monitoring/AlertList';
import { TimeChart } from '../monitoring/Chart';
import { MonitoringList } from '../monitoring/MonitoringList';
import { RuleList } from '../monitoring/RuleList';
import { Mon } from '../monitoring/types';
import { alert } from './fixtures';

// react-dom is a dev dependency without bundled types: render to static HTML.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { renderToStaticMarkup } = require('react-dom/server') as {
  renderToStaticMarkup: (element: React.ReactElement) => string;
};

const XSS = '<img src=x onerror="window.__pwned=1">';

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
