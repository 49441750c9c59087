/**
 * Custom objects (docs/objects.md): Code → Objects in the run view and the objects'
 * section of the run diff — decoding and rendering, names and sources as text only.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import * as React from 'react';

import { decodeObjectsDiff, decodeRunDiff } from '../diff/decode';
import { ObjectsDiff } from '../diff/ObjectsDiff';
import { CodeView } from '../runs/CodeView';
import { decodeRunDetail } from '../runs/decode';
import { decodeCodeObjects } from '../runs/objectDecode';
import { ObjectsView } from '../runs/ObjectsView';
import { runSummary } from './fixtures';

// react-dom is a dev dependency without bundled types: render to static HTML.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { renderToStaticMarkup } = require('react-dom/server') as {
  renderToStaticMarkup: (element: React.ReactElement) => string;
};

const XSS = '<img src=x onerror="window.__pwned=1">';
const DIGEST_A = 'a'.repeat(64);
const DIGEST_B = 'b'.repeat(64);

const OBJECTS = [
  {
    name: 'MyFeatures',
    kind: 'class',
    module: '__main__',
    digest: DIGEST_A,
    source: 'class MyFeatures:\n    def fit(self):\n        return self\n'
  },
  {
    name: 'squash',
    kind: 'function',
    module: 'features',
    digest: DIGEST_B,
    source: 'def squash(x):\n    return x\n'
  }
];

describe('decoding a run’s objects', () => {
  it('keeps name, kind, module, digest and source', () => {
    const detail = decodeRunDetail({ run: { id: 'r1' }, objects: OBJECTS });
    assert.deepEqual(detail.objects, OBJECTS);
  });

  it('is empty from older servers and drops malformed items', () => {
    assert.deepEqual(decodeRunDetail({ run: { id: 'r1' } }).objects, []);
    const objects = decodeCodeObjects([
      { name: 'f', kind: 'weird', source: 1 },
      { kind: 'class' },
      'junk'
    ]);
    assert.deepEqual(objects, [
      { name: 'f', kind: 'function', module: '', digest: '', source: '' }
    ]);
  });
});

describe('Code → Objects', () => {
  it('lists each object with its kind, module and collapsible source', () => {
    const html = renderToStaticMarkup(
      React.createElement(CodeView, {
        code: { cell: 'MyFeatures().fit()', history: [], notebook: null },
        objects: decodeCodeObjects(OBJECTS)
      })
    );
    assert.match(html, /Objects \(2\)/);
    assert.match(html, /data-object="MyFeatures"/);
    assert.match(html, /<details class="jp-mm-Object-details">/);
    assert.match(html, /jp-mm-Object-kind jp-mm-mod-class">class</);
    assert.match(html, />features</);
    assert.match(html, /def squash\(x\):\n {4}return x\n/);
  });

  it('says when the run used no custom object', () => {
    const html = renderToStaticMarkup(
      React.createElement(ObjectsView, { objects: [] })
    );
    assert.match(html, /No custom functions or classes/);
  });

  it('shows names and sources as text, never as markup', () => {
    const html = renderToStaticMarkup(
      React.createElement(ObjectsView, {
        objects: decodeCodeObjects([
          { name: XSS, kind: 'function', module: XSS, digest: XSS, source: XSS }
        ])
      })
    );
    assert.ok(!html.includes('<img'), html);
    assert.ok(html.includes('&lt;img src=x'));
  });
});

const OBJECTS_DIFF = {
  added: [
    {
      name: 'new_fn',
      kind: 'function',
      module: '__main__',
      digest: DIGEST_B,
      source: 'def new_fn():\n    pass\n'
    }
  ],
  removed: [
    {
      name: 'old_fn',
      kind: 'function',
      module: '__main__',
      digest: DIGEST_A,
      source: 'def old_fn():\n    pass\n'
    }
  ],
  changed: [
    {
      name: 'squash',
      kind: 'function',
      module: '__main__',
      digest: { a: DIGEST_A, b: DIGEST_B },
      source: [
        { op: 'equal', a: ['def squash(x):'], b: ['def squash(x):'] },
        { op: 'replace', a: ['    return x'], b: ['    return -x'] }
      ]
    }
  ],
  unchanged: [
    { name: 'Keep', kind: 'class', module: '__main__', digest: DIGEST_A }
  ]
};

describe('the run diff’s custom objects', () => {
  it('decodes what was added, removed, changed and kept', () => {
    const d = decodeRunDiff({
      a: runSummary('a'),
      b: runSummary('b'),
      objects: OBJECTS_DIFF,
      summary: { objects_changed: 3 }
    });
    assert.equal(d.summary.objects_changed, 3);
    assert.equal(d.objects?.changed[0].digest.b, DIGEST_B);
    assert.deepEqual(
      d.objects?.changed[0].source.map(h => h.op),
      ['equal', 'replace']
    );
    assert.deepEqual(
      d.objects?.unchanged.map(o => o.name),
      ['Keep']
    );
    assert.equal(
      decodeRunDiff({ a: runSummary('a'), b: runSummary('b') }).objects,
      null
    );
    assert.equal(decodeObjectsDiff(null), null);
  });

  it('shows which object changed, with a line diff of its source', () => {
    const html = renderToStaticMarkup(
      React.createElement(ObjectsDiff, {
        objects: decodeObjectsDiff(OBJECTS_DIFF)
      })
    );
    assert.match(html, /data-object="squash" data-status="changed" open/);
    assert.match(html, /data-diff-op="delete"[^]*return x/);
    assert.match(html, /data-diff-op="insert"[^]*return -x/);
    assert.match(html, /data-object="new_fn" data-status="added"/);
    assert.match(html, /only in B/);
    assert.match(html, /data-object="old_fn" data-status="removed"/);
    assert.match(html, /1 custom object the same in both/);
  });

  it('explains a comparison without a second run, and escapes names', () => {
    assert.match(
      renderToStaticMarkup(React.createElement(ObjectsDiff, { objects: null })),
      /compared between two runs/
    );
    const html = renderToStaticMarkup(
      React.createElement(ObjectsDiff, {
        objects: decodeObjectsDiff({
          added: [{ name: XSS, kind: 'class', module: XSS, source: XSS }]
        })
      })
    );
    assert.ok(!html.includes('<img'), html);
  });
});
