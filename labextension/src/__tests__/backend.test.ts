import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import * as MM from '../mm';
import { decodeMeta } from '../runs/decode';
import {
  actingUser,
  backendLine,
  isTeamBackend,
  registryTitle
} from '../shared/backend';
import { DecodeError } from '../shared/decode';

const OLD_META = {
  name: 'mm-jupyter',
  version: '0.1.0',
  api_version: 1,
  registry: { path: '/abs/.mm', source: 'project' },
  schema_version: 7
};

const TEAM_BACKEND = {
  backend: 'postgresql',
  database: 'postgresql://mm:***@db.internal:5432/mm',
  database_source: 'env MM_JUPYTER_DATABASE_URL',
  blobs: 's3://ml-registry/mm',
  blobs_source: 'config /abs/.mm/config.toml',
  user: 'alice'
};

const EMBEDDED_BACKEND = {
  backend: 'sqlite',
  database: null,
  database_source: 'default',
  blobs: null,
  blobs_source: 'default',
  user: 'alice'
};

/** `GET meta` with `backend` as given. */
function meta(backend: unknown): MM.IMeta {
  return decodeMeta({ ...OLD_META, backend });
}

describe('decodeMeta: backend', () => {
  it('is null from an older server, which does not send it', () => {
    const m = decodeMeta(OLD_META);
    assert.equal(m.backend, null);
    assert.equal(m.schema_version, 7);
    assert.equal(actingUser(m), null);
  });

  it('decodes the team backend as sent', () => {
    assert.deepEqual(meta(TEAM_BACKEND).backend, TEAM_BACKEND);
  });

  it('decodes the embedded default with its nulls', () => {
    assert.deepEqual(meta(EMBEDDED_BACKEND).backend, EMBEDDED_BACKEND);
  });

  it('is lenient with missing or wrongly typed fields, never passing them on', () => {
    const m = meta({ backend: 'postgresql', database: 5, user: '' });
    assert.deepEqual(m.backend, {
      backend: 'postgresql',
      database: null,
      database_source: '',
      blobs: null,
      blobs_source: '',
      user: null
    });
    assert.equal(meta('postgresql').backend, null);
    assert.equal(meta(null).backend, null);
  });

  it('still needs the handshake fields', () => {
    assert.throws(
      () => decodeMeta({ name: 'x', backend: TEAM_BACKEND }),
      DecodeError
    );
  });
});

describe('backendLine', () => {
  it('names a team registry, its user, and every setting with its source', () => {
    const line = backendLine(meta(TEAM_BACKEND));
    assert.ok(line);
    assert.equal(line.label, 'Team registry');
    assert.equal(line.user, 'alice');
    assert.equal(
      line.title,
      [
        'Team registry on PostgreSQL',
        'Database: postgresql://mm:***@db.internal:5432/mm (env MM_JUPYTER_DATABASE_URL)',
        'Blobs: s3://ml-registry/mm (config /abs/.mm/config.toml)',
        'User: alice'
      ].join('\n')
    );
  });

  it('shows S3 blobs next to the embedded database', () => {
    const line = backendLine(
      meta({
        ...EMBEDDED_BACKEND,
        blobs: 's3://b/p',
        blobs_source: 'env MM_JUPYTER_BLOB_URL',
        user: null
      })
    );
    assert.ok(line);
    assert.equal(line.label, 'Team blobs');
    assert.equal(line.user, null);
    assert.match(
      line.title,
      /^Database: the registry's SQLite file \(default\)$/m
    );
    assert.match(
      line.title,
      /^Blobs: s3:\/\/b\/p \(env MM_JUPYTER_BLOB_URL\)$/m
    );
    assert.doesNotMatch(line.title, /User:/);
  });

  it('shows nothing new for the embedded default or an older server', () => {
    assert.equal(backendLine(meta(EMBEDDED_BACKEND)), null);
    assert.equal(backendLine(decodeMeta(OLD_META)), null);
    assert.equal(isTeamBackend(null), false);
    assert.equal(isTeamBackend(meta(EMBEDDED_BACKEND).backend), false);
    assert.equal(isTeamBackend(meta(TEAM_BACKEND).backend), true);
  });

  it('puts only the user in the registry tooltip of the embedded default', () => {
    assert.equal(
      registryTitle(meta(EMBEDDED_BACKEND)),
      '/abs/.mm\nUser: alice'
    );
    assert.equal(registryTitle(decodeMeta(OLD_META)), '/abs/.mm');
  });
});
