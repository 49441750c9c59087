import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import * as React from 'react';

import { rowKeyAction, tabStop } from '../runs/keyboard';
import { RunsTable } from '../runs/RunsTable';
import { scrollToRow, visibleWindow } from '../runs/windowing';
import { runSummary } from './fixtures';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { renderToStaticMarkup } = require('react-dom/server') as {
  renderToStaticMarkup: (element: React.ReactElement) => string;
};

describe('rowKeyAction', () => {
  it('moves with arrows, pages, Home and End, within the rows', () => {
    const move = (key: string, index: number) =>
      rowKeyAction(key, index, 10, 4);
    assert.deepEqual(move('ArrowDown', 3), { kind: 'move', index: 4 });
    assert.deepEqual(move('ArrowDown', 9), { kind: 'move', index: 9 });
    assert.deepEqual(move('ArrowUp', 0), { kind: 'move', index: 0 });
    assert.deepEqual(move('PageDown', 8), { kind: 'move', index: 9 });
    assert.deepEqual(move('PageUp', 5), { kind: 'move', index: 1 });
    assert.deepEqual(move('Home', 7), { kind: 'move', index: 0 });
    assert.deepEqual(move('End', 2), { kind: 'move', index: 9 });
  });

  it('opens on Enter, toggles on Space, ignores other keys and empty lists', () => {
    assert.deepEqual(rowKeyAction('Enter', 1, 3), { kind: 'open' });
    assert.deepEqual(rowKeyAction(' ', 1, 3), { kind: 'toggle' });
    assert.equal(rowKeyAction('a', 1, 3), null);
    assert.equal(rowKeyAction('Tab', 1, 3), null);
    assert.equal(rowKeyAction('ArrowDown', 0, 0), null);
  });

  it('keeps one tab stop on the page', () => {
    assert.equal(tabStop(4, 10), 4);
    assert.equal(tabStop(12, 10), 0);
    assert.equal(tabStop(-1, 10), 0);
  });
});

describe('windowing', () => {
  it('renders the rows in view plus the overscan, spacers for the rest', () => {
    const w = visibleWindow(26 * 100, 260, 26, 500, 5);
    assert.equal(w.start, 95);
    assert.equal(w.end, 100 + 11 + 5);
    assert.equal(w.padTop, 95 * 26);
    assert.equal(w.padBottom, (500 - w.end) * 26);
    const top = visibleWindow(0, 260, 26, 500, 5);
    assert.equal(top.start, 0);
    assert.equal(top.padTop, 0);
    const short = visibleWindow(0, 900, 26, 12);
    assert.deepEqual([short.start, short.end, short.padBottom], [0, 12, 0]);
  });

  it('scrolls just enough to show a row', () => {
    assert.equal(scrollToRow(5, 0, 260, 26), null);
    assert.equal(scrollToRow(10, 0, 260, 26), 26 * 11 - 260);
    assert.equal(scrollToRow(2, 26 * 5, 260, 26), 52);
  });
});

describe('the sidebar list', () => {
  const html = renderToStaticMarkup(
    React.createElement(RunsTable, {
      runs: [
        runSummary('a', { starred: true }),
        runSummary('b', { name: '<img src=x onerror=alert(1)>' }),
        runSummary('c', { archived_at: '2026-12-01T00:00:00Z' })
      ],
      metricColumns: ['acc'],
      sort: 'started_at',
      order: 'desc',
      onSort: () => undefined,
      onOpen: () => undefined,
      onToggleSelect: () => undefined,
      selected: new Set<string>()
    })
  );

  it('labels the status header for screen readers', () => {
    assert.match(html, /<th[^>]*aria-label="Status"/);
    assert.doesNotMatch(html, /aria-label="●"/);
  });

  it('has one tab stop: the first row, with unfocusable checkboxes', () => {
    assert.equal((html.match(/tabindex="0"/g) ?? []).length, 1);
    assert.match(html, /<tr[^>]*data-index="0"[^>]*tabindex="0"/);
    assert.equal((html.match(/tabindex="-1"/g) ?? []).length, 5);
  });

  it('shows status, name, duration and one metric; names as text', () => {
    assert.equal((html.match(/<th[ >]/g) ?? []).length, 4);
    assert.ok(html.includes('&lt;img'));
    assert.ok(!html.includes('<img'));
    assert.match(html, /jp-mm-RunsTable-star/);
    assert.match(html, /jp-mm-mod-archived/);
  });
});
