/**
 * Re-run and Open as notebook (issue 15): decoding the re-run report and the
 * checkout, the report's verdict and rendering (as text only), and saving the
 * checkout under a name no file has.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import * as React from 'react';

import {
  candidatePath,
  fileBrowserFolder,
  freePath,
  IContentsLike,
  safeName,
  saveCheckout
} from '../runs/checkoutNotebook';
import { runReproApi } from '../runs/api';
import { RerunReport } from '../runs/RerunReport';
import { outputChange, packageChange, rerunVerdict } from '../runs/rerunRules';
import { decodeCheckout, decodeRerunReport } from '../runs/reproDecode';
import { DecodeError } from '../shared/decode';
import type { RestClient } from '../shared/rest';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { renderToStaticMarkup } = require('react-dom/server') as {
  renderToStaticMarkup: (element: React.ReactElement) => string;
};

const XSS = '<img src=x onerror="window.__pwned=1">';

/** A report as mm_jupyter/services/runs writes it (schema rerun_report.json). */
const REPORT = {
  run: 'a1',
  rerun: 'b2',
  status: 'finished',
  reproduced: true,
  rtol: 1e-9,
  metrics: [
    { key: 'acc', original: 0.9, rerun: 0.9, delta: 0, within_tolerance: true },
    {
      key: 'loss',
      original: 'NaN',
      rerun: 'NaN',
      delta: null,
      within_tolerance: true
    },
    { original: 1 } // no key: dropped
  ],
  outputs: [],
  packages: [],
  program: [
    { execution_count: 1, cell_id: 'c1' },
    { execution_count: null, cell_id: null }
  ],
  error: null,
  duration_s: 6.2
};

const DIFFERS = {
  ...REPORT,
  reproduced: false,
  metrics: [
    {
      key: 'acc',
      original: 0.9,
      rerun: 0.85,
      delta: -0.05,
      within_tolerance: false
    }
  ],
  outputs: [{ seq: 0, kind: 'changed', original: XSS, rerun: 'b' }],
  packages: [{ name: 'numpy', original: '1.26.4', current: null }]
};

describe('decodeRerunReport', () => {
  it('decodes the report, non-finite metrics included', () => {
    const report = decodeRerunReport(REPORT);
    assert.equal(report.rerun, 'b2');
    assert.equal(report.metrics.length, 2);
    assert.ok(Number.isNaN(report.metrics[1].original));
    assert.equal(report.metrics[1].delta, null);
    assert.deepEqual(report.program[1], {
      execution_count: null,
      cell_id: null
    });
    assert.equal(report.outputs[0]?.seq, undefined);
  });

  it('needs the run id, and fills what an odd report lacks', () => {
    assert.throws(() => decodeRerunReport({}), DecodeError);
    const bare = decodeRerunReport({ run: 'a1' });
    assert.equal(bare.status, 'error');
    assert.equal(bare.reproduced, false);
    assert.deepEqual(bare.metrics, []);
    assert.equal(bare.rerun, null);
  });

  it('posts the options to runs/{id}/rerun', async () => {
    const calls: unknown[][] = [];
    const client = {
      post: async <T>(
        path: string[],
        body: unknown,
        decode: (v: unknown) => T
      ): Promise<T> => {
        calls.push([path, body]);
        return decode(REPORT);
      }
    } as unknown as RestClient;
    const report = await runReproApi(client).rerun('a1', { rtol: 0.01 });
    assert.equal(report.reproduced, true);
    assert.deepEqual(calls, [[['runs', 'a1', 'rerun'], { rtol: 0.01 }]]);
  });
});

describe('rerunVerdict and the report', () => {
  it('says Reproduced with the count, tolerance and time', () => {
    const verdict = rerunVerdict(decodeRerunReport(REPORT));
    assert.equal(verdict.reproduced, true);
    assert.equal(verdict.title, 'Reproduced ✓');
    assert.match(verdict.detail, /^2 metrics equal within rtol .*in 6\.2 s$/);
  });

  it('says why not: metrics beyond tolerance, or a run that did not finish', () => {
    const differs = rerunVerdict(decodeRerunReport(DIFFERS));
    assert.equal(differs.title, 'Not reproduced');
    assert.match(differs.detail, /^1 metric differ/);
    const failed = rerunVerdict(
      decodeRerunReport({ ...DIFFERS, status: 'failed', error: 'Boom' })
    );
    assert.match(failed.detail, /^The re-run failed: a cell raised an error/);
    const timeout = rerunVerdict(
      decodeRerunReport({ ...DIFFERS, status: 'timeout' })
    );
    assert.match(timeout.detail, /longer than the timeout/);
  });

  it('words packages and outputs', () => {
    assert.equal(
      packageChange({ name: 'numpy', original: '1.26.4', current: null }),
      '1.26.4 → not installed'
    );
    assert.equal(
      outputChange({ seq: 2, kind: 'missing', original: 'x', rerun: null }),
      'Output #3 missing from the re-run'
    );
    assert.equal(
      outputChange({ seq: null, kind: 'added', original: null, rerun: 'x' }),
      'Output only in the re-run'
    );
  });

  it('renders the deltas, packages, outputs and error as text', () => {
    const html = renderToStaticMarkup(
      React.createElement(RerunReport, {
        report: decodeRerunReport({
          ...DIFFERS,
          error: `Traceback ${XSS}`
        }),
        onOpenRun: () => undefined,
        onOpenDiff: () => undefined
      })
    );
    assert.ok(html.includes('Diff with the original'), html);
    assert.ok(!html.includes('<img'), html);
    assert.ok(html.includes('&lt;img src=x'), html);
    assert.ok(html.includes('Not reproduced'), html);
    assert.ok(html.includes('−0.05'), html);
    assert.ok(html.includes('numpy'), html);
    assert.ok(html.includes('1.26.4 → not installed'), html);
    assert.ok(html.includes('Output #1 changed'), html);
    assert.ok(html.includes('data-run-id="b2"'), html);
    const ok = renderToStaticMarkup(
      React.createElement(RerunReport, { report: decodeRerunReport(REPORT) })
    );
    assert.ok(ok.includes('Reproduced ✓'), ok);
    assert.ok(ok.includes('data-reproduced="true"'), ok);
  });
});

const CHECKOUT = {
  name: 'baseline.ipynb',
  notebook: {
    nbformat: 4,
    nbformat_minor: 5,
    metadata: { kernelspec: { name: 'python3' } },
    cells: [{ cell_type: 'code', source: 'x = 1', metadata: {} }, 'junk']
  },
  requirements: 'numpy==1.26.4\n',
  inputs: [
    { ref: 'iris:v1', path: 'iris.csv', digest: 'ab', stored: true },
    { path: 'x' }
  ]
};

describe('decodeCheckout', () => {
  it('keeps the notebook, the pins and the inputs', () => {
    const checkout = decodeCheckout(CHECKOUT);
    assert.equal(checkout.name, 'baseline.ipynb');
    assert.equal(checkout.notebook.cells.length, 1);
    assert.equal(checkout.inputs.length, 1);
    assert.equal(checkout.inputs[0].stored, true);
  });

  it('refuses what is not an nbformat 4 notebook', () => {
    assert.throws(
      () =>
        decodeCheckout({ ...CHECKOUT, notebook: { nbformat: 3, cells: [] } }),
      DecodeError
    );
    assert.throws(() => decodeCheckout({ ...CHECKOUT, notebook: null }));
  });
});

describe('saving the checkout', () => {
  it('names candidates in the folder without clobbering', async () => {
    assert.equal(candidatePath('', 'a.ipynb', 0), 'a.ipynb');
    assert.equal(candidatePath('work/', 'a.ipynb', 2), 'work/a-2.ipynb');
    assert.equal(candidatePath('/w', 'a', 1), 'w/a-1.ipynb');
    const taken = new Set(['w/a.ipynb', 'w/a-1.ipynb']);
    assert.equal(
      await freePath('w', 'a.ipynb', async p => taken.has(p)),
      'w/a-2.ipynb'
    );
    await assert.rejects(freePath('w', 'a.ipynb', async () => true));
  });

  it('keeps a name a file name', () => {
    assert.equal(safeName('../../etc/x.ipynb'), 'x.ipynb');
    assert.equal(safeName('.hidden.ipynb'), 'hidden.ipynb');
    assert.equal(safeName('a b.ipynb'), 'a_b.ipynb');
    assert.equal(safeName(''), 'run.ipynb');
  });

  it('saves the notebook next to the existing files and opens it', async () => {
    const files = new Map<string, unknown>([['w/baseline.ipynb', {}]]);
    const opened: string[] = [];
    const contents: IContentsLike = {
      get: async path => {
        if (!files.has(path)) {
          throw new Error('404');
        }
        return {};
      },
      save: async (path, options) => {
        files.set(path, options.content);
        return { path };
      }
    };
    const checkout = decodeCheckout(CHECKOUT);
    const path = await saveCheckout(
      {
        contents,
        folder: () => 'w',
        open: async p => opened.push(p)
      },
      checkout
    );
    assert.equal(path, 'w/baseline-1.ipynb');
    assert.deepEqual(opened, ['w/baseline-1.ipynb']);
    assert.equal(files.get(path), checkout.notebook);
  });

  it("takes the file browser's folder, else the root", () => {
    const shell = {
      widgets: () => [
        { id: 'other' },
        { id: 'filebrowser', model: { path: 'sub/dir' } }
      ]
    };
    assert.equal(fileBrowserFolder(shell), 'sub/dir');
    assert.equal(fileBrowserFolder({ widgets: () => [] }), '');
    assert.equal(fileBrowserFolder({}), '');
  });
});
