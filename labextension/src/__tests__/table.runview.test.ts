import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import * as React from 'react';

import { decodeRunDetail } from '../runs/decode';
import { IHousekeeping, RunActions, RunHistory } from '../runs/RunActions';
import type { IRunHousekeepingApi } from '../runs/api';
import type { IEditDialogs } from '../runs/editDialogs';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { renderToStaticMarkup } = require('react-dom/server') as {
  renderToStaticMarkup: (element: React.ReactElement) => string;
};

const XSS = '<img src=x onerror="window.__pwned=1">';

const housekeeping: IHousekeeping = {
  api: {} as IRunHousekeepingApi,
  experiments: async () => [],
  changed: () => undefined,
  dialogs: {} as IEditDialogs
};

function render(run: Record<string, unknown>, extra = {}): string {
  const detail = decodeRunDetail({
    run: { id: 'r1', name: 'n', experiment: 'e', status: 'finished', ...run },
    ...extra
  });
  return renderToStaticMarkup(
    React.createElement(RunActions, { detail, housekeeping })
  );
}

describe('run view housekeeping', () => {
  it('offers star, rename, note, tags, move, archive and delete', () => {
    const html = render({});
    for (const text of [
      '☆ Star',
      'Rename…',
      'Add note…',
      'Tags…',
      'Move…',
      'Archive',
      'Delete…'
    ]) {
      assert.ok(html.includes(text), text);
    }
    assert.ok(!html.includes('Restore'));
    assert.match(html, /aria-label="Edit this run"/);
  });

  it('says an archived run is archived and offers Restore', () => {
    const html = render({ archived_at: '2026-12-07T00:00:00Z', starred: true });
    assert.ok(html.includes('Restore'));
    assert.ok(!html.includes('>Archive<'));
    assert.ok(html.includes('★ Starred'));
    assert.match(html, /Archived .*hidden from lists/);
  });

  it('says a deleted run is deleted, restorable, and has no Delete', () => {
    const html = render({}, { deleted_at: '2026-12-07T00:00:00Z', note: 'x' });
    assert.ok(html.includes('Restore'));
    assert.ok(!html.includes('Delete…'));
    assert.ok(html.includes('Edit note…'));
    assert.match(html, /Deleted .*mm-jupyter gc/);
  });

  it('is read-only without housekeeping', () => {
    const detail = decodeRunDetail({ run: { id: 'r1', name: 'n' } });
    assert.equal(
      renderToStaticMarkup(React.createElement(RunActions, { detail })),
      ''
    );
  });

  it('shows the history newest first, user data as text', () => {
    const html = renderToStaticMarkup(
      React.createElement(RunHistory, {
        events: [
          {
            at: '2026-12-07T00:00:00Z',
            user: 'alice',
            action: 'rename',
            detail: { from: 'a', to: XSS }
          },
          {
            at: '2026-12-07T00:01:00Z',
            user: null,
            action: 'archive',
            detail: {}
          }
        ]
      })
    );
    assert.ok(html.indexOf('archived') < html.indexOf('renamed'));
    assert.ok(html.includes('alice'));
    assert.ok(html.includes('&lt;img'));
    assert.ok(!html.includes('<img'));
  });
});
