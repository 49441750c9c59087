/**
 * Child runs and registering a run's model from the run view: decoding
 * (`n_children`, `parent_run_id`, `parent`, `candidates`, the registered version),
 * the API's `children` query and register body, and rendering (the Candidates table
 * best first, the parent link, the Register model button and its outcome), names
 * and values as text only.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import * as React from 'react';

import { runsApi } from '../runs/api';
import {
  decodeRegisteredVersion,
  decodeRunDetail,
  decodeRunList
} from '../runs/decode';
import { defaultQuery } from '../runs/query';
import { RunCandidates } from '../runs/RunCandidates';
import { hasModelArtifact, RunActions } from '../runs/RunActions';
import { RunsTable } from '../runs/RunsTable';
import type { Query, RestClient } from '../shared/rest';
import { runSummary } from './fixtures';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { renderToStaticMarkup } = require('react-dom/server') as {
  renderToStaticMarkup: (element: React.ReactElement) => string;
};

const XSS = '<img src=x onerror="window.__pwned=1">';

const CANDIDATES = {
  total: 3,
  score: {
    rank: 'rank_test_score',
    mean: 'mean_test_score',
    std: 'std_test_score'
  },
  params: ['max_depth', XSS],
  runs: [
    {
      id: 'c2',
      name: 'search/candidate-2',
      status: 'finished',
      params: { max_depth: 3, [XSS]: XSS },
      score: 0.96,
      std: 0.02,
      rank: 1
    },
    {
      id: 'c1',
      name: 'search/candidate-1',
      status: 'finished',
      params: { max_depth: 2, [XSS]: 'a' },
      score: 0.9,
      std: null,
      rank: 2
    },
    {
      id: 'c0',
      name: 'search/candidate-0',
      status: 'finished',
      params: { max_depth: 1 },
      score: 'NaN',
      std: null,
      rank: null
    }
  ]
};

function detailOf(extra: Record<string, unknown>) {
  return decodeRunDetail({
    run: { id: 'r1', name: 'search', n_children: 3 },
    ...extra
  });
}

describe('decoding child runs', () => {
  it('reads n_children and parent_run_id, with defaults from older servers', () => {
    const page = decodeRunList({
      total: 1,
      offset: 0,
      limit: 50,
      cursor: 1,
      runs: [
        { id: 'p', n_children: 6 },
        { id: 'c', parent_run_id: 'p' },
        { id: 'x' }
      ]
    });
    assert.deepEqual(
      page.runs.map(r => [r.n_children, r.parent_run_id]),
      [
        [6, null],
        [0, 'p'],
        [0, null]
      ]
    );
  });

  it('reads parent and candidates (null when absent)', () => {
    const plain = decodeRunDetail({ run: { id: 'r1' } });
    assert.equal(plain.parent, null);
    assert.equal(plain.candidates, null);
    const child = decodeRunDetail({
      run: { id: 'c' },
      parent: { id: 'p', name: null }
    });
    assert.deepEqual(child.parent, { id: 'p', name: null });
    const search = detailOf({ candidates: CANDIDATES });
    assert.equal(search.candidates?.total, 3);
    assert.deepEqual(search.candidates?.params, ['max_depth', XSS]);
    assert.ok(Number.isNaN(search.candidates?.runs[2].score));
    assert.deepEqual(search.candidates?.runs[0].params, {
      max_depth: 3,
      [XSS]: XSS
    });
  });

  it('reads the registered version', () => {
    const version = decodeRegisteredVersion({
      name: 'm',
      version: 2,
      ref: 'm:2',
      stage: 'staging',
      aliases: ['champion'],
      flavor: 'sklearn'
    });
    assert.deepEqual(version, {
      name: 'm',
      version: 2,
      ref: 'm:2',
      stage: 'staging',
      aliases: ['champion']
    });
  });
});

describe('runsApi: children and registration', () => {
  function client(calls: [string[], Query | unknown][]): RestClient {
    return {
      get: async <T>(
        path: string[],
        decode: (v: unknown) => T,
        query: Query = {}
      ) => {
        calls.push([path, query]);
        return decode({ total: 0, offset: 0, limit: 50, cursor: 1, runs: [] });
      },
      post: async <T>(
        path: string[],
        body: unknown,
        decode: (v: unknown) => T
      ) => {
        calls.push([path, body]);
        return decode({
          name: 'm',
          version: 1,
          ref: 'm:1',
          stage: 'none',
          aliases: []
        });
      }
    } as unknown as RestClient;
  }

  it('asks for children only when the toggle is on', async () => {
    const calls: [string[], Query | unknown][] = [];
    const api = runsApi(client(calls));
    assert.equal(defaultQuery().children, false);
    await api.runs(defaultQuery());
    await api.runs({ ...defaultQuery(), children: true });
    assert.equal((calls[0][1] as Query).children, undefined);
    assert.equal((calls[1][1] as Query).children, 1);
  });

  it('posts the trimmed name, alias and stage to runs/{id}/register-model', async () => {
    const calls: [string[], Query | unknown][] = [];
    const api = runsApi(client(calls));
    const version = await api.registerModel('abc', {
      name: ' m ',
      alias: ' ',
      stage: ''
    });
    assert.deepEqual(calls[0], [
      ['runs', 'abc', 'register-model'],
      { name: 'm', alias: '', stage: '' }
    ]);
    assert.equal(version.ref, 'm:1');
  });
});

describe('rendering', () => {
  it('shows candidates best first, varying params and scores, as text', () => {
    const detail = detailOf({ candidates: CANDIDATES });
    const html = renderToStaticMarkup(
      React.createElement(RunCandidates, {
        candidates: detail.candidates!,
        onOpen: () => undefined
      })
    );
    assert.ok(!html.includes('<img'));
    assert.ok(html.includes('&lt;img'));
    const order = ['c2', 'c1', 'c0'].map(id =>
      html.indexOf(`data-run-id="${id}"`)
    );
    assert.deepEqual(
      [...order].sort((a, b) => a - b),
      order
    );
    assert.ok(html.includes('mean_test_score'));
    assert.ok(html.includes('0.96'));
  });

  it('shows the count of candidates in the runs list', () => {
    const html = renderToStaticMarkup(
      React.createElement(RunsTable, {
        runs: [runSummary('p', { n_children: 6 }), runSummary('q')],
        metricColumns: [],
        sort: 'started_at',
        order: 'desc',
        onSort: () => undefined,
        onOpen: () => undefined
      })
    );
    assert.equal((html.match(/jp-mm-RunsTable-children/g) ?? []).length, 1);
    assert.ok(html.includes('+6'));
  });

  it('offers Register model for a run with a model artifact only', () => {
    const model = {
      name: 'gbm-model',
      version: 1,
      ref: 'gbm-model:v1',
      kind: 'model',
      digest: 'a'.repeat(64),
      size: 10
    };
    const withModel = decodeRunDetail({
      run: { id: 'r1', name: 'gbm' },
      artifacts: { inputs: [], outputs: [model] }
    });
    const without = decodeRunDetail({ run: { id: 'r2', name: 'x' } });
    assert.equal(hasModelArtifact(withModel), true);
    assert.equal(hasModelArtifact(without), false);
    const render = (detail: typeof without) =>
      renderToStaticMarkup(
        React.createElement(RunActions, {
          detail,
          registration: {
            ask: async () => null,
            confirm: async () => true,
            register: async () => ({
              name: 'm',
              version: 1,
              ref: 'm:1',
              stage: 'none',
              aliases: []
            })
          }
        })
      );
    assert.ok(render(withModel).includes('Register model'));
    assert.ok(!render(without).includes('Register model'));
  });

  it('links a candidate to its parent, as text', () => {
    const detail = decodeRunDetail({
      run: { id: 'c', name: 'search/candidate-0', parent_run_id: 'p' },
      parent: { id: 'p', name: XSS }
    });
    const html = renderToStaticMarkup(
      React.createElement(RunActions, {
        detail,
        actions: {
          openRun: () => undefined,
          openArtifact: () => undefined,
          openModel: () => undefined,
          openLineage: () => undefined,
          openDiff: () => undefined,
          openNotebookCell: () => undefined
        }
      })
    );
    assert.ok(html.includes('Candidate of'));
    assert.ok(html.includes('data-run-id="p"'));
    assert.ok(!html.includes('<img'));
  });
});
