import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { downloadName } from '../shared/download';
import {
  artifactWidgetId,
  lineageArgs,
  lineageRootOfArgs,
  lineageWidgetId,
  modelWidgetId,
  runWidgetId
} from '../shared/ids';

describe('widget ids', () => {
  it('names runs, artifacts and lineage views', () => {
    assert.equal(runWidgetId('3f9a'), 'mm-jupyter-run-3f9a');
    assert.equal(
      artifactWidgetId('churn-clean'),
      'mm-jupyter-artifact-churn-clean'
    );
    assert.equal(
      lineageWidgetId({ kind: 'version', ref: 'churn-clean:v1' }),
      'mm-jupyter-lineage-version%3Achurn-clean%3Av1'
    );
    assert.equal(
      lineageWidgetId({ kind: 'run', id: '3f9a' }),
      'mm-jupyter-lineage-run%3A3f9a'
    );
  });

  it('names registered model views by their encoded name', () => {
    assert.equal(modelWidgetId('iris-clf'), 'mm-jupyter-model-iris-clf');
    assert.equal(
      modelWidgetId('team/churn clf'),
      'mm-jupyter-model-team%2Fchurn%20clf'
    );
  });

  it('keeps names with spaces, slashes and quotes out of the id syntax', () => {
    const id = artifactWidgetId('models/my "best" model');
    assert.doesNotMatch(id, /[\s/"]/);
    assert.equal(
      decodeURIComponent(id.slice('mm-jupyter-artifact-'.length)),
      'models/my "best" model'
    );
  });
});

describe('lineage command args', () => {
  it('takes exactly one of run and version', () => {
    assert.deepEqual(lineageRootOfArgs({ run: 'abc' }), {
      kind: 'run',
      id: 'abc'
    });
    assert.deepEqual(lineageRootOfArgs({ version: 'a:v2' }), {
      kind: 'version',
      ref: 'a:v2'
    });
    assert.equal(lineageRootOfArgs({}), null);
    assert.equal(lineageRootOfArgs({ run: 'abc', version: 'a:v2' }), null);
    assert.equal(lineageRootOfArgs({ version: 'a' }), null);
    assert.equal(lineageRootOfArgs({ run: 7 }), null);
  });

  it('round-trips a root through its args', () => {
    for (const root of [
      { kind: 'run', id: 'abc' } as const,
      { kind: 'version', ref: 'x:y:v3' } as const
    ]) {
      assert.deepEqual(lineageRootOfArgs(lineageArgs(root)), root);
    }
  });
});

describe('downloadName', () => {
  it('keeps a plain file name', () => {
    assert.equal(downloadName('churn-clean.csv', 'x'), 'churn-clean.csv');
  });

  it('drops folders and control characters', () => {
    assert.equal(downloadName('a/b/model.pkl', 'x'), 'model.pkl');
    assert.equal(downloadName('..\\..\\evil.txt', 'x'), 'evil.txt');
    assert.equal(downloadName('bad\u0000\nname', 'x'), 'badname');
  });

  it('falls back when nothing usable is left', () => {
    assert.equal(downloadName('', 'churn-v1'), 'churn-v1');
    assert.equal(downloadName('a/', 'churn-v1'), 'churn-v1');
    assert.equal(downloadName('..', 'churn-v1'), 'churn-v1');
  });
});
