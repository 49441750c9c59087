import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import {
  decodeArtifactDetail,
  decodeArtifactList,
  decodeLineage
} from '../artifacts/decode';
import { DecodeError } from '../shared/decode';
import { decodeRunArtifacts, decodeRunDetail } from '../runs/decode';
import { decodeVersionRef } from '../shared/decodeCommon';

const DIGEST = 'ab'.repeat(32);

const VERSION = {
  name: 'churn-clean',
  version: 2,
  ref: 'churn-clean:v2',
  kind: 'dataset',
  digest: DIGEST,
  size: 12345,
  media_type: 'application/vnd.apache.parquet',
  format: 'parquet',
  is_dir: false,
  file_name: 'churn-clean.parquet',
  metadata: { rows: 1000, columns: { age: 'int64' } },
  created_at: '2026-11-26T15:37:05.123Z',
  aliases: ['prod'],
  producer: { id: '3f9a1c2b7d4e', name: 'prep', status: 'finished' },
  consumers: [{ id: 'c0ffee', name: 'train', status: 'failed' }, { id: 3 }],
  files: null
};

describe('decodeVersionRef', () => {
  it('decodes a reference and fills a missing ref', () => {
    assert.deepEqual(
      decodeVersionRef({ name: 'a', version: 3, kind: 'model', size: 1 }),
      { name: 'a', version: 3, ref: 'a:v3', kind: 'model', digest: '', size: 1 }
    );
  });

  it('drops references without a name or a version', () => {
    assert.equal(decodeVersionRef({ version: 1 }), null);
    assert.equal(decodeVersionRef({ name: 'a', version: 'x' }), null);
    assert.equal(decodeVersionRef({ name: { html: 1 }, version: 1 }), null);
    assert.equal(decodeVersionRef('a:v1'), null);
  });
});

describe('decodeArtifactList', () => {
  it('decodes a page with its latest versions', () => {
    const page = decodeArtifactList({
      total: 3,
      offset: 0,
      limit: 50,
      cursor: 990,
      artifacts: [
        {
          name: 'churn-clean',
          kind: 'dataset',
          description: 'clean rows',
          tags: { team: 'risk' },
          created_at: '2026-11-26T15:37:05.123Z',
          n_versions: 2,
          latest: VERSION,
          aliases: { prod: 1, bad: 'x' }
        },
        { name: 'bare' }
      ]
    });
    assert.equal(page.total, 3);
    assert.equal(page.cursor, 990);
    const [clean, bare] = page.artifacts;
    assert.equal(clean.latest?.ref, 'churn-clean:v2');
    assert.equal(clean.latest?.producer?.name, 'prep');
    assert.deepEqual(clean.aliases, { prod: 1 });
    assert.equal(bare.latest, null);
    assert.equal(bare.n_versions, 0);
    assert.deepEqual(bare.aliases, {});
  });

  it('fails on a wrong shape', () => {
    assert.throws(() => decodeArtifactList({ total: 1 }), DecodeError);
    assert.throws(
      () => decodeArtifactList({ total: 1, artifacts: [{ name: 1 }] }),
      DecodeError
    );
  });
});

describe('decodeArtifactDetail', () => {
  it('sorts versions newest first and keeps the alias history', () => {
    const detail = decodeArtifactDetail({
      artifact: { name: 'churn-clean', kind: 'dataset', n_versions: 2 },
      versions: [
        { ...VERSION, version: 1, ref: 'churn-clean:v1' },
        VERSION,
        { nonsense: true }
      ],
      alias_history: [
        {
          alias: 'prod',
          from_version: null,
          to_version: 1,
          changed_at: '2026-11-26T15:37:05.123Z',
          user: 'root'
        },
        { from_version: 1 }
      ]
    });
    assert.deepEqual(
      detail.versions.map(v => v.version),
      [2, 1]
    );
    const v2 = detail.versions[0];
    assert.deepEqual(v2.metadata, { rows: 1000, columns: { age: 'int64' } });
    assert.deepEqual(
      v2.consumers.map(c => c.name),
      ['train']
    );
    assert.equal(v2.files, null);
    assert.equal(detail.alias_history.length, 1);
    assert.equal(detail.alias_history[0].from_version, null);
  });

  it('decodes directory files', () => {
    const detail = decodeArtifactDetail({
      artifact: { name: 'model-dir' },
      versions: [
        {
          ...VERSION,
          is_dir: true,
          format: 'directory',
          files: [
            { path: 'a/b.csv', digest: DIGEST, size: 10 },
            { digest: DIGEST }
          ]
        }
      ]
    });
    assert.deepEqual(detail.versions[0].files, [
      { path: 'a/b.csv', digest: DIGEST, size: 10 }
    ]);
    assert.deepEqual(detail.alias_history, []);
  });
});

describe('decodeRunArtifacts', () => {
  it('treats a missing field (older servers) as no artifacts', () => {
    assert.deepEqual(decodeRunArtifacts(undefined), {
      inputs: [],
      outputs: []
    });
    const detail = decodeRunDetail({ run: { id: 'x' } });
    assert.deepEqual(detail.artifacts, { inputs: [], outputs: [] });
  });

  it('decodes inputs and outputs', () => {
    const a = decodeRunArtifacts({
      inputs: [{ name: 'raw', version: 1, ref: 'raw:v1', kind: 'dataset' }],
      outputs: [VERSION, 'junk']
    });
    assert.deepEqual(
      a.inputs.map(v => v.ref),
      ['raw:v1']
    );
    assert.deepEqual(
      a.outputs.map(v => v.ref),
      ['churn-clean:v2']
    );
  });
});

describe('decodeLineage', () => {
  it('decodes nodes and edges, dropping what does not fit', () => {
    const lineage = decodeLineage({
      root: 'run:3f9a',
      nodes: [
        {
          id: 'run:3f9a',
          type: 'run',
          run: {
            id: '3f9a',
            name: 'prep',
            status: 'finished',
            experiment: 'churn'
          }
        },
        {
          id: 'version:raw:v1',
          type: 'version',
          version: { name: 'raw', version: 1 }
        },
        { id: 'run:3f9a', type: 'run', run: { id: 'dup' } },
        { id: 'weird', type: 'cluster' },
        { id: 'version:bad', type: 'version', version: {} }
      ],
      edges: [
        {
          source: 'version:raw:v1',
          target: 'run:3f9a',
          kind: 'input',
          via: 'fit'
        },
        { source: 'version:raw:v1', target: 'run:3f9a', kind: 'input' },
        { source: 'run:3f9a', target: 'weird', kind: 'output' },
        { source: 7, target: 'run:3f9a' }
      ],
      truncated: true
    });
    assert.equal(lineage.root, 'run:3f9a');
    assert.deepEqual(
      lineage.nodes.map(n => n.id),
      ['run:3f9a', 'version:raw:v1']
    );
    const run = lineage.nodes[0];
    assert.ok(run.type === 'run' && run.run.experiment === 'churn');
    assert.deepEqual(lineage.edges, [
      {
        source: 'version:raw:v1',
        target: 'run:3f9a',
        kind: 'input',
        via: 'fit'
      }
    ]);
    assert.equal(lineage.truncated, true);
  });

  it('accepts an empty graph and fails on a non-object', () => {
    assert.deepEqual(decodeLineage({}), {
      root: '',
      nodes: [],
      edges: [],
      truncated: false
    });
    assert.throws(() => decodeLineage(null), DecodeError);
  });
});
