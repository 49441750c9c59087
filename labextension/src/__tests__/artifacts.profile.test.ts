import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import * as React from 'react';

import {
  decodeArtifactDetail,
  decodeDatasetDiff,
  profileOf
} from '../artifacts/decode';
import { DatasetDiffView, columnChanges } from '../artifacts/DatasetDiffView';
import { ProfileTable, profileNote } from '../artifacts/ProfileTable';
import {
  canDownload,
  previousDataset,
  VersionData
} from '../artifacts/VersionData';

// react-dom is a dev dependency without bundled types: render to static HTML.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { renderToStaticMarkup } = require('react-dom/server') as {
  renderToStaticMarkup: (element: React.ReactElement) => string;
};

const XSS = '<img src=x onerror="window.__pwned=1">';
const FINGERPRINT = 'cd'.repeat(32);

const PROFILE = {
  version: 1,
  rows: 1200,
  sample_rows: 1000,
  columns_total: 3,
  columns: [
    {
      name: 'age',
      dtype: 'float64',
      kind: 'numeric',
      nulls: 2,
      min: 18,
      max: 90,
      mean: 44.5,
      std: 'NaN'
    },
    {
      name: XSS,
      dtype: 'str',
      kind: 'categorical',
      nulls: 0,
      distinct: 3,
      top: [
        { value: XSS, count: 600 },
        { value: 'pro', count: 300 },
        { value: 7, count: 1 }
      ]
    },
    'not a column'
  ]
};

function version(n: number, extra: Record<string, unknown>) {
  return {
    name: 'X_train',
    version: n,
    ref: `X_train:v${n}`,
    kind: 'dataset',
    digest: FINGERPRINT,
    size: 0,
    media_type: 'application/vnd.mm-jupyter.fingerprint',
    format: 'fingerprint',
    is_dir: false,
    file_name: '',
    metadata: {
      rows: 1200,
      columns: { age: 'float64' },
      fingerprint: FINGERPRINT,
      column_digests: { age: 'ab'.repeat(16) },
      profile: PROFILE
    },
    created_at: '2026-11-26T15:37:05.123Z',
    aliases: [],
    producer: null,
    consumers: [{ id: 'c0ffee', name: 'train', status: 'finished' }],
    files: null,
    stored: false,
    ...extra
  };
}

describe('profileOf', () => {
  it('reads the profile of a version, dropping what is not a column', () => {
    const profile = profileOf(
      decodeArtifactDetail({
        artifact: { name: 'X_train', kind: 'dataset' },
        versions: [version(1, {})],
        alias_history: []
      }).versions[0].metadata
    );
    assert.ok(profile);
    assert.equal(profile.rows, 1200);
    assert.equal(profile.sample_rows, 1000);
    assert.deepEqual(
      profile.columns.map(c => c.name),
      ['age', XSS]
    );
    assert.ok(Number.isNaN(profile.columns[0].std));
    // a top value that is not text is dropped, never shown as something else
    assert.deepEqual(
      profile.columns[1].top.map(t => t.value),
      [XSS, 'pro']
    );
    assert.match(profileNote(profile), /1,200 rows · statistics of 1,000/);
  });

  it('is null without a profile', () => {
    assert.equal(profileOf({}), null);
    assert.equal(profileOf({ profile: 'x' }), null);
    assert.equal(profileOf({ profile: { columns: 3 } }), null);
  });
});

describe('fingerprint-only versions', () => {
  it('decode stored false, and true when an older server does not say', () => {
    const detail = decodeArtifactDetail({
      artifact: { name: 'X_train', kind: 'dataset' },
      versions: [version(1, {}), version(2, { stored: undefined })],
      alias_history: []
    });
    assert.deepEqual(
      detail.versions.map(v => v.stored),
      [true, false]
    );
  });

  it('offer no download, say fingerprint only, and show the profile as text', () => {
    const detail = decodeArtifactDetail({
      artifact: { name: 'X_train', kind: 'dataset', n_versions: 2 },
      versions: [
        version(1, {}),
        version(2, { stored: true, digest: 'ef'.repeat(32), size: 2048 })
      ],
      alias_history: []
    });
    const [stored, fingerprintOnly] = detail.versions; // newest first
    assert.equal(canDownload(stored), true);
    assert.equal(canDownload(fingerprintOnly), false);
    assert.equal(previousDataset('dataset', detail.versions, 0), 'X_train:v1');
    assert.equal(previousDataset('dataset', detail.versions, 1), null);
    assert.equal(previousDataset('model', detail.versions, 0), null);
    const html = renderToStaticMarkup(
      React.createElement(VersionData, { version: fingerprintOnly })
    );
    assert.match(html, /its bytes were not stored/);
    // the profile table, names as text; internals are not listed as metadata
    assert.match(html, /jp-mm-ProfileTable/);
    assert.ok(!html.includes('<img'));
    assert.ok(html.includes('&lt;img src=x onerror='));
    assert.doesNotMatch(html, /data-metadata="column_digests"/);
    assert.doesNotMatch(html, /data-metadata="profile"/);
    assert.match(html, /data-metadata="rows"/);
    const plain = renderToStaticMarkup(
      React.createElement(VersionData, { version: stored })
    );
    assert.doesNotMatch(plain, /its bytes were not stored/);
  });

  it('render a profile with sampled rows and missing statistics empty', () => {
    const profile = profileOf({ profile: PROFILE } as never);
    assert.ok(profile);
    const html = renderToStaticMarkup(
      React.createElement(ProfileTable, { profile })
    );
    assert.match(html, /data-column="age"/);
    assert.match(html, /44\.5/);
    assert.match(html, /3 · &lt;img/);
  });
});

const DIFF = {
  a: {
    name: 'churn',
    version: 1,
    ref: 'churn:v1',
    kind: 'dataset',
    digest: 'aa'.repeat(32),
    size: 10,
    stored: true,
    fingerprint: FINGERPRINT,
    profiled: true
  },
  b: {
    name: 'churn',
    version: 2,
    ref: 'churn:v2',
    kind: 'dataset',
    digest: 'bb'.repeat(32),
    size: 0,
    stored: false,
    fingerprint: null,
    profiled: true
  },
  same_content: false,
  rows: { a: 100, b: 120, delta: 20 },
  schema: {
    added: [{ name: XSS, dtype: 'float64' }],
    removed: [{ name: 'signup', dtype: null }],
    changed: [{ name: 'age', a: 'int64', b: 'float64' }],
    unchanged: ['plan']
  },
  columns: [
    {
      name: 'age',
      kind: 'numeric',
      dtype: { a: 'int64', b: 'float64' },
      stats: {
        mean: { a: 40, b: 41.5, delta: 1.5 },
        nulls: { a: 0, b: 0, delta: 0 },
        min: { a: '2024-01-01', b: '2024-02-01', delta: null }
      },
      top: { a: [], b: [] },
      changed: true
    },
    {
      name: 'plan',
      kind: 'categorical',
      dtype: { a: 'str', b: 'str' },
      stats: { distinct: { a: 3, b: 3, delta: 0 } },
      top: {
        a: [{ value: 'basic', count: 60 }],
        b: [{ value: 'basic', count: 60 }]
      },
      changed: false
    }
  ],
  summary: {
    columns_added: 1,
    columns_removed: 1,
    dtypes_changed: 1,
    columns_changed: 1,
    rows_changed: true,
    same_content: false
  }
};

describe('dataset diff', () => {
  it('decodes the payload', () => {
    const diff = decodeDatasetDiff(DIFF);
    assert.equal(diff.b.stored, false);
    assert.equal(diff.rows.delta, 20);
    assert.deepEqual(columnChanges(diff.columns[0]), [
      'dtype: int64 → float64',
      'mean: 40 → 41.5 (+1.5)',
      'min: 2024-01-01 → 2024-02-01'
    ]);
    assert.throws(() => decodeDatasetDiff({ ...DIFF, a: 'churn:v1' }), /a/);
  });

  it('renders schema and profile changes as text', () => {
    const html = renderToStaticMarkup(
      React.createElement(DatasetDiffView, { diff: decodeDatasetDiff(DIFF) })
    );
    assert.match(html, /churn:v1 → churn:v2 \(fingerprint only\)/);
    assert.match(html, /rows 100 → 120 \(\+20\)/);
    assert.match(html, /data-column="signup"/);
    assert.match(html, /mean: 40 → 41.5/);
    assert.match(html, /1 columns with the same profile/);
    assert.ok(!html.includes('<img'));
  });
});
