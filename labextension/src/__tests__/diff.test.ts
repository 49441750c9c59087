import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { DecodeError } from '../shared/decode';
import { decodeLineDiff, decodeRunDiff } from '../diff/decode';
import {
  diffLines,
  groupCells,
  hasChanges,
  imageDataUrl,
  orderRuns,
  outputText
} from '../diff/rules';
import { diffWidgetId } from '../shared/ids';
import { Diff } from '../diff/types';
import { missingSnapshotText } from '../diff/DiffView';

const RUN = (id: string, started: string) => ({
  id,
  name: `run-${id}`,
  experiment: 'default',
  status: 'finished',
  started_at: started,
  params: {},
  metrics: {}
});

const PAYLOAD = {
  a: RUN('aaa', '2026-11-26T10:00:00Z'),
  b: RUN('bbb', '2026-11-26T11:00:00Z'),
  params: {
    added: { k: 1 },
    removed: { old: 'x' },
    changed: { lr: { a: 0.1, b: 0.05 } },
    unchanged: { depth: 5 }
  },
  metrics: {
    loss: {
      a: 'NaN',
      b: 0.2,
      delta: null,
      series_a: [{ step: 0, value: 1 }, { step: 'bad' }],
      series_b: []
    },
    acc: { a: 0.91, b: 0.87, delta: -0.04, series_a: [], series_b: [] }
  },
  code: [
    { op: 'equal', a: ['x = 1\n'], b: ['x = 1\n'] },
    { op: 'replace', a: ['lr = 0.1\n'], b: ['lr = 0.05\n'] },
    { op: 'bogus', a: ['?'], b: [] }
  ],
  history: [],
  notebook: {
    a_path: 'a.ipynb',
    b_path: 'b.ipynb',
    summary: { unchanged: 2, modified: 1, added: 'many' },
    cells: [
      {
        status: 'unchanged',
        a_index: 0,
        b_index: 0,
        cell_type: 'code',
        source: []
      },
      {
        status: 'unchanged',
        a_index: 1,
        b_index: 1,
        cell_type: 'markdown',
        source: []
      },
      {
        status: 'modified',
        a_index: 2,
        b_index: 2,
        cell_type: 'code',
        source: [{ op: 'insert', a: [], b: ['print(2)'] }],
        outputs: {
          changed: true,
          a: [{ output_type: 'stream', name: 'stdout', text: ['1\n', '2\n'] }],
          b: [
            {
              output_type: 'execute_result',
              data: { 'image/png': 'iVBORw0KGgo=', 'text/plain': ['<Figure>'] },
              execution_count: 7
            },
            'junk'
          ]
        },
        metadata_changed: true
      },
      {
        status: 'added',
        a_index: null,
        b_index: 3,
        cell_type: 'code',
        source: []
      }
    ]
  },
  environment: {
    python: { a: '3.11.7', b: '3.12.1' },
    platform: { a: 'linux', b: null },
    git: { a: { commit: 'abc', dirty: true }, b: null },
    packages: {
      added: { x: '1.0' },
      removed: { y: 2 },
      changed: { numpy: { a: '1.26', b: '2.0' }, bad: 3 }
    }
  },
  artifacts: {
    inputs: {
      added: [{ name: 'data', version: 2, kind: 'dataset' }],
      removed: [{ name: 'data', version: 1 }],
      unchanged: [{ nope: true }]
    },
    outputs: {}
  },
  summary: {
    params_changed: 3,
    metrics_changed: 2,
    cells_changed: 2,
    packages_changed: 3,
    code_changed: true
  }
};

describe('decodeRunDiff', () => {
  const d = decodeRunDiff(PAYLOAD);

  it('decodes directions and the sides without a notebook snapshot', () => {
    const withSides = decodeRunDiff({
      ...PAYLOAD,
      directions: { loss: 'min', acc: 'max', odd: 'sideways' },
      notebook: null,
      notebook_missing: ['b', 'c']
    });
    assert.deepEqual(withSides.directions, { loss: 'min', acc: 'max' });
    assert.deepEqual(withSides.notebook_missing, ['b']);
    assert.equal(
      missingSnapshotText(withSides),
      'no notebook snapshot on run run-bbb (B)'
    );
    // From an older server: nothing missing, no directions
    assert.deepEqual(d.notebook_missing, []);
    assert.deepEqual(d.directions, {});
  });

  it('decodes both runs and the param changes', () => {
    assert.equal(d.a.id, 'aaa');
    assert.equal(d.b.name, 'run-bbb');
    assert.deepEqual(d.params.changed, { lr: { a: 0.1, b: 0.05 } });
    assert.deepEqual(d.params.added, { k: 1 });
    assert.deepEqual(d.params.removed, { old: 'x' });
    assert.deepEqual(d.params.unchanged, { depth: 5 });
  });

  it('sorts metrics by key and decodes non-finite values and series', () => {
    assert.deepEqual(
      d.metrics.map(m => m.key),
      ['acc', 'loss']
    );
    const loss = d.metrics[1];
    assert.ok(Number.isNaN(loss.a));
    assert.equal(loss.delta, null);
    assert.equal(loss.series_a.length, 1);
    assert.equal(d.metrics[0].delta, -0.04);
  });

  it('drops hunks with unknown ops', () => {
    assert.deepEqual(
      d.code.map(h => h.op),
      ['equal', 'replace']
    );
    assert.equal(hasChanges(d.code), true);
    assert.equal(hasChanges(d.history), false);
  });

  it('decodes notebook cells and outputs; multiline strings are joined', () => {
    const nb = d.notebook!;
    assert.equal(nb.cells.length, 4);
    assert.deepEqual(nb.summary, { unchanged: 2, modified: 1 });
    const cell = nb.cells[2];
    assert.equal(cell.metadata_changed, true);
    assert.equal(cell.outputs!.a[0].text, '1\n2\n');
    assert.equal(cell.outputs!.b.length, 1);
    assert.equal(cell.outputs!.b[0].data['text/plain'], '<Figure>');
    assert.equal(cell.outputs!.b[0].execution_count, 7);
    assert.equal(cell.outputs!.a[0].execution_count, null);
    assert.equal(nb.cells[3].a_index, null);
    assert.equal(nb.cells[0].outputs, null);
  });

  it('decodes the environment and artifacts leniently', () => {
    assert.equal(d.environment.python.b, '3.12.1');
    assert.equal(d.environment.platform.b, null);
    assert.deepEqual(d.environment.git.a, { commit: 'abc', dirty: true });
    assert.equal(d.environment.git.b, null);
    assert.deepEqual(d.environment.packages.removed, { y: '2' });
    assert.deepEqual(Object.keys(d.environment.packages.changed), ['numpy']);
    assert.deepEqual(
      d.artifacts.inputs.added.map(r => r.ref),
      ['data:v2']
    );
    assert.equal(d.artifacts.inputs.unchanged.length, 0);
    assert.deepEqual(d.artifacts.outputs, {
      added: [],
      removed: [],
      unchanged: []
    });
    assert.equal(d.summary.cells_changed, 2);
    assert.equal(d.summary.code_changed, true);
  });

  it('accepts a null notebook and missing sections', () => {
    const bare = decodeRunDiff({ a: PAYLOAD.a, b: PAYLOAD.b, notebook: null });
    assert.equal(bare.notebook, null);
    assert.deepEqual(bare.metrics, []);
    assert.deepEqual(bare.code, []);
    assert.deepEqual(bare.params.changed, {});
  });

  it('rejects a payload without runs', () => {
    assert.throws(() => decodeRunDiff({ a: PAYLOAD.a }), DecodeError);
    assert.throws(() => decodeRunDiff([]), DecodeError);
  });

  it('keeps strings as strings (no markup interpretation)', () => {
    const x = decodeRunDiff({
      ...PAYLOAD,
      params: { changed: { '<b>': { a: '<script>', b: { nested: 1 } } } }
    });
    assert.deepEqual(x.params.changed['<b>'], {
      a: '<script>',
      b: { nested: 1 }
    });
  });
});

describe('diffLines', () => {
  it('numbers lines per side and splits replace into delete + insert', () => {
    const rows = diffLines(
      decodeLineDiff([
        { op: 'equal', a: ['a\n'], b: ['a\n'] },
        { op: 'replace', a: ['b\n', 'c\n'], b: ['B\n'] },
        { op: 'insert', a: [], b: ['d'] },
        { op: 'delete', a: ['e'], b: [] }
      ])
    );
    assert.deepEqual(
      rows.map(r => [r.op, r.text, r.aLine, r.bLine]),
      [
        ['equal', 'a', 1, 1],
        ['delete', 'b', 2, null],
        ['delete', 'c', 3, null],
        ['insert', 'B', null, 2],
        ['insert', 'd', null, 3],
        ['delete', 'e', 4, null]
      ]
    );
  });
});

describe('groupCells', () => {
  it('groups runs of unchanged cells', () => {
    const nb = decodeRunDiff(PAYLOAD).notebook!;
    const items = groupCells(nb.cells);
    assert.deepEqual(
      items.map(i =>
        i.kind === 'unchanged' ? `u${i.cells.length}@${i.first}` : `c${i.index}`
      ),
      ['u2@0', 'c2', 'c3']
    );
  });
});

describe('orderRuns', () => {
  it('puts the older run first', () => {
    const old = { id: 'o', started_at: '2026-01-01T00:00:00Z' };
    const young = { id: 'y', started_at: '2026-02-01T00:00:00Z' };
    assert.deepEqual(orderRuns(young, old), [old, young]);
    assert.deepEqual(orderRuns(old, young), [old, young]);
  });

  it('keeps the given order without start times', () => {
    const x: { id: string; started_at: string | null } = {
      id: 'x',
      started_at: null
    };
    const y = { id: 'y', started_at: '2026-01-01T00:00:00Z' };
    assert.deepEqual(orderRuns(y, x), [y, x]);
  });
});

describe('imageDataUrl', () => {
  it('allows only base64 PNG and JPEG', () => {
    assert.equal(
      imageDataUrl('image/png', 'iVBO\nRw0K'),
      'data:image/png;base64,iVBORw0K'
    );
    assert.equal(
      imageDataUrl('image/jpeg', '/9j/4A=='),
      'data:image/jpeg;base64,/9j/4A=='
    );
    assert.equal(imageDataUrl('image/svg+xml', 'PHN2Zz4='), null);
    assert.equal(imageDataUrl('text/html', 'abc'), null);
    assert.equal(imageDataUrl('image/png', 'abc");alert(1)//'), null);
    assert.equal(imageDataUrl('image/png', ''), null);
  });
});

describe('outputText', () => {
  const output = (o: Partial<Diff.IOutput>): Diff.IOutput => ({
    output_type: 'display_data',
    name: null,
    text: null,
    data: {},
    execution_count: null,
    ...o
  });

  it('prefers stream text, then text/plain', () => {
    assert.equal(
      outputText(output({ output_type: 'stream', name: 'stdout', text: 'hi' })),
      'hi'
    );
    assert.equal(
      outputText(
        output({
          output_type: 'execute_result',
          data: { 'text/plain': '42' },
          execution_count: 3
        })
      ),
      '42'
    );
    assert.equal(outputText(output({})), null);
  });
});

describe('diffWidgetId', () => {
  it('names the view by both run ids', () => {
    assert.equal(diffWidgetId('aaa', 'bbb'), 'mm-jupyter-diff-aaa-bbb');
  });
});
