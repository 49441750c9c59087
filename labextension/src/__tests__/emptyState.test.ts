import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import * as React from 'react';

import { EmptyState } from '../shared/EmptyState';

// react-dom is a dev dependency without bundled types: render to static HTML.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { renderToStaticMarkup } = require('react-dom/server') as {
  renderToStaticMarkup: (element: React.ReactElement) => string;
};

describe('EmptyState', () => {
  it('says what is missing, how to get it, and the code as text', () => {
    const html = renderToStaticMarkup(
      React.createElement(
        EmptyState,
        {
          title: 'No artifacts yet',
          code: '%%mm_track\nmm.log_artifact(df, name="<b>x</b>")',
          command: 'mm-jupyter artifacts list'
        },
        'Log one:'
      )
    );
    assert.match(
      html,
      /<p class="jp-mm-EmptyState-title">No artifacts yet<\/p>/
    );
    assert.match(
      html,
      /<pre class="jp-mm-EmptyState-code"[^>]*><code>%%mm_track\n/
    );
    assert.match(
      html,
      /name=&quot;&lt;b&gt;x&lt;\/b&gt;&quot;/,
      'code is text'
    );
    assert.match(
      html,
      /From a terminal: <code>mm-jupyter artifacts list<\/code>/
    );
  });

  it('leaves out the code and the command when there are none', () => {
    const html = renderToStaticMarkup(
      React.createElement(EmptyState, { title: 'Nothing' }, 'Text')
    );
    assert.equal(html.includes('<pre'), false);
    assert.equal(html.includes('terminal'), false);
  });
});
