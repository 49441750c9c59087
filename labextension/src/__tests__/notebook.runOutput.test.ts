/**
 * The run output of a tracked cell (`application/vnd.mm-jupyter.run+json`): decoding
 * what the kernel writes, the Register body and confirmation, the registry check,
 * finding the run's cell in a notebook, the notebook path under the server root,
 * and the card rendered as text only.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import * as React from 'react';

import { findCell, relativeToRoot, trackedBody } from '../notebook/cells';
import { RunOutputCard, IRunOutputActions } from '../notebook/RunOutputCard';
import {
  confirmationText,
  decodeRunOutput,
  pairsText,
  registrationBody,
  sameRegistry
} from '../notebook/runOutput';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { renderToStaticMarkup } = require('react-dom/server') as {
  renderToStaticMarkup: (element: React.ReactElement) => string;
};

const XSS = '<img src=x onerror="window.__pwned=1">';

/** What mm_jupyter/display/run_output.py writes (tests/magics/test_run_output.py). */
const OUTPUT = {
  version: 1,
  run: {
    id: '0123456789ab',
    name: XSS,
    experiment: 'iris',
    status: 'finished',
    duration_s: 0.201,
    started_at: '2026-12-07T04:00:00.000Z',
    notebook_path: '/home/me/work/nb/iris.ipynb',
    cell_id: 'c-42'
  },
  params: { C: '0.5', note: XSS },
  metrics: { acc: '0.97' },
  n_params: 5,
  n_metrics: 1,
  n_outputs: 1,
  n_figures: 0,
  models: [
    { artifact: 'fit-model:v1', variable: 'clf', class: 'LogisticRegression' },
    { variable: 'no-artifact' }
  ],
  registry: { path: '/home/me/work/.mm' }
};

const noActions: IRunOutputActions = {
  openRun: () => undefined,
  openModel: () => undefined,
  openCell: () => undefined,
  register: () => Promise.reject(new Error('not in this test'))
};

describe('decodeRunOutput', () => {
  it('reads the kernel output and drops models without an artifact', () => {
    const output = decodeRunOutput(OUTPUT);
    assert.equal(output.run.id, '0123456789ab');
    assert.equal(output.run.cell_id, 'c-42');
    assert.equal(output.run.duration_s, 0.201);
    assert.deepEqual(output.models, [
      { artifact: 'fit-model:v1', variable: 'clf', class: 'LogisticRegression' }
    ]);
    assert.equal(output.registry, '/home/me/work/.mm');
    assert.equal(output.n_params, 5);
  });

  it('refuses an output without a run id', () => {
    assert.throws(() => decodeRunOutput({ run: { name: 'x' } }), /run/);
    assert.throws(() => decodeRunOutput('nope'), /run/);
  });

  it('reads an output without optional parts', () => {
    const output = decodeRunOutput({ run: { id: 'abc' } });
    assert.deepEqual(output.models, []);
    assert.equal(output.registry, null);
    assert.equal(output.run.notebook_path, null);
  });
});

describe('the Register parts', () => {
  const model = decodeRunOutput(OUTPUT).models[0];

  it('posts the run, the artifact, the trimmed name and no blank alias', () => {
    assert.deepEqual(registrationBody('r1', model, '  iris-clf ', '  '), {
      run: 'r1',
      artifact: 'fit-model:v1',
      name: 'iris-clf',
      alias: null
    });
    assert.equal(
      registrationBody('r1', model, 'm', ' champion ').alias,
      'champion'
    );
  });

  it('confirms with the version and its alias', () => {
    const version = {
      name: 'iris-clf',
      version: 2,
      ref: 'iris-clf:2',
      stage: 'none',
      aliases: ['champion']
    };
    assert.equal(
      confirmationText(version),
      'registered iris-clf:2 (alias champion)'
    );
    assert.equal(
      confirmationText({ ...version, aliases: [] }),
      'registered iris-clf:2'
    );
  });

  it('knows whether the server reads the run’s registry', () => {
    assert.equal(sameRegistry('/a/.mm', '/a/.mm/'), true);
    assert.equal(sameRegistry('/a/.mm', '/b/.mm'), false);
    assert.equal(sameRegistry(null, '/b/.mm'), null);
  });

  it('lists the shown pairs and how many more there are', () => {
    assert.equal(pairsText({ a: '1', b: '2' }, 5), 'a=1, b=2 … (+3)');
    assert.equal(pairsText({}, 0), 'none');
  });
});

describe('finding the run’s cell', () => {
  const cells = [
    { id: 'a', source: 'import x' },
    { id: 'b', source: '%%mm_track --name fit\nclf = fit(X, y)\n' },
    { id: 'c-42', source: 'other' }
  ];

  it('finds the cell by id first', () => {
    assert.deepEqual(findCell(cells, 'c-42', 'clf = fit(X, y)'), {
      index: 2,
      by: 'id'
    });
  });

  it('falls back to the recorded source (without the magic line)', () => {
    assert.deepEqual(findCell(cells, 'gone', 'clf = fit(X, y)'), {
      index: 1,
      by: 'source'
    });
    assert.equal(trackedBody('\n%%mm_track\nx = 1\n'), 'x = 1');
  });

  it('says when neither is found', () => {
    assert.equal(findCell(cells, 'gone', 'y = 2'), null);
    assert.equal(findCell(cells, null, null), null);
  });
});

describe('relativeToRoot', () => {
  it('makes the notebook path relative to the server root', () => {
    assert.equal(
      relativeToRoot('/home/me/work/nb/iris.ipynb', '/home/me/work'),
      'nb/iris.ipynb'
    );
    assert.equal(
      relativeToRoot('/home/me/work/a.ipynb', '/home/me/work/'),
      'a.ipynb'
    );
    assert.equal(
      relativeToRoot('C:\\Users\\me\\a.ipynb', 'C:/Users/me'),
      'a.ipynb'
    );
    assert.equal(relativeToRoot('/srv/a.ipynb', '/'), 'srv/a.ipynb');
  });

  it('is null outside the root (a sibling folder with the same prefix too)', () => {
    assert.equal(
      relativeToRoot('/home/me/other/a.ipynb', '/home/me/work'),
      null
    );
    assert.equal(
      relativeToRoot('/home/me/workshop/a.ipynb', '/home/me/work'),
      null
    );
    assert.equal(relativeToRoot('/home/me/work', '/home/me/work'), null);
    assert.equal(relativeToRoot('', '/home'), null);
    assert.equal(relativeToRoot('../a.ipynb', '/home'), null);
  });
});

describe('RunOutputCard', () => {
  it('renders names and values as text, never as HTML', () => {
    const html = renderToStaticMarkup(
      React.createElement(RunOutputCard, {
        output: decodeRunOutput(OUTPUT),
        actions: noActions,
        otherRegistry: null
      })
    );
    assert.ok(!html.includes('<img'), html);
    assert.ok(html.includes('&lt;img src=x'), html);
    assert.ok(html.includes('C=0.5'), html);
    assert.ok(html.includes('(+3)'), html); // 2 of 5 params shown
    assert.ok(html.includes('Register model'), html);
    assert.ok(html.includes('Go to cell'), html);
  });

  it('offers nothing to register without a stored model, nor from another registry', () => {
    const bare = decodeRunOutput({ ...OUTPUT, models: [] });
    const html = renderToStaticMarkup(
      React.createElement(RunOutputCard, {
        output: bare,
        actions: noActions,
        otherRegistry: null
      })
    );
    assert.ok(!html.includes('Register model'), html);
    const other = renderToStaticMarkup(
      React.createElement(RunOutputCard, {
        output: decodeRunOutput(OUTPUT),
        actions: noActions,
        otherRegistry: '/elsewhere/.mm'
      })
    );
    assert.ok(other.includes('another registry'), other);
    assert.ok(other.includes('/elsewhere/.mm'), other);
    assert.ok(!other.includes('Register model'), other);
  });
});
