import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import * as React from 'react';

import { isOpenKey, rovingIndex, tabStopIndex } from '../shared/listKeys';
import { ItemList } from '../shared/PagedList';

// react-dom is a dev dependency without bundled types: render to static HTML.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { renderToStaticMarkup } = require('react-dom/server') as {
  renderToStaticMarkup: (element: React.ReactElement) => string;
};

describe('rovingIndex', () => {
  it('moves with the arrows and jumps with Home and End', () => {
    assert.equal(rovingIndex('ArrowDown', 0, 3), 1);
    assert.equal(rovingIndex('ArrowUp', 2, 3), 1);
    assert.equal(rovingIndex('Home', 2, 3), 0);
    assert.equal(rovingIndex('End', 0, 3), 2);
  });

  it('stays at either end', () => {
    assert.equal(rovingIndex('ArrowDown', 2, 3), 2);
    assert.equal(rovingIndex('ArrowUp', 0, 3), 0);
  });

  it('leaves other keys and empty lists alone', () => {
    assert.equal(rovingIndex('a', 1, 3), null);
    assert.equal(rovingIndex('Tab', 1, 3), null);
    assert.equal(rovingIndex('ArrowDown', 0, 0), null);
  });

  it('opens with Enter or Space only', () => {
    assert.equal(isOpenKey('Enter'), true);
    assert.equal(isOpenKey(' '), true);
    assert.equal(isOpenKey('ArrowRight'), false);
  });
});

describe('tabStopIndex', () => {
  it('keeps the row focused last, else the active one, else the first', () => {
    assert.equal(tabStopIndex(2, 1, 3), 2);
    assert.equal(tabStopIndex(null, 1, 3), 1);
    assert.equal(tabStopIndex(null, -1, 3), 0);
    assert.equal(tabStopIndex(5, -1, 3), 0, 'a row gone after a reload');
    assert.equal(tabStopIndex(null, -1, 0), -1);
  });
});

describe('ItemList', () => {
  it('puts one row in the tab order: the active one', () => {
    const html = renderToStaticMarkup(
      React.createElement(ItemList<string>, {
        items: ['a', 'b', 'c'],
        activeKey: 'b',
        label: 'Artifacts',
        onOpen: () => undefined,
        row: item => ({
          key: item,
          data: { 'data-name': item },
          title: `Open ${item}`,
          content: item
        })
      })
    );
    assert.deepEqual(
      [...html.matchAll(/tabindex="(-?\d)"/g)].map(m => m[1]),
      ['-1', '0', '-1']
    );
    assert.match(html, /aria-label="Artifacts"/);
    assert.match(
      html,
      /data-name="b"[^>]*aria-current="true"|aria-current="true"[^>]*data-name="b"/
    );
  });
});
