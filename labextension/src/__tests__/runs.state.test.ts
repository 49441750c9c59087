import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';

import { ArtifactsModel } from '../artifacts/state';
import { MMApiError } from '../shared/errors';
import { RunsModel } from '../runs/state';
import { ModelsModel } from '../models/state';
import * as MM from '../mm';
import { IRunsApi } from '../runs/api';
import { runSummary } from './fixtures';

const META: MM.IMeta = {
  name: 'mm-jupyter',
  version: '0.1.0',
  api_version: 1,
  registry: { path: '/abs/.mm', source: 'env' },
  schema_version: 1,
  backend: null
};

const sleep = (ms: number): Promise<void> =>
  new Promise(resolve => setTimeout(resolve, ms));

/** A fake REST client: canned answers, and a log of the calls. */
class FakeApi implements IRunsApi {
  meta = async (): Promise<MM.IMeta> => {
    this.calls.push('meta');
    if (this.metaError) {
      throw this.metaError;
    }
    return this.metaAnswer;
  };
  runs = async (query: MM.IRunQuery): Promise<MM.IRunList> => {
    const page = this.page('runs', query, this.queries, null, this.total, {
      runs: [runSummary(`${query.q || 'run'}-${query.offset}`)]
    });
    const delay = this.runDelays.shift() ?? 0;
    if (delay) {
      await sleep(delay);
    }
    return page;
  };
  keys = async (): Promise<MM.IKeys> => {
    this.calls.push('keys');
    return { experiments: ['e'], metrics: ['acc', 'loss', 'f1'], params: [] };
  };
  changes = async (since: number): Promise<MM.IChanges> => {
    this.calls.push(`changes:${since}`);
    return { cursor: this.cursor, changed: this.cursor !== since, firing: 0 };
  };
  run = async (): Promise<MM.IRunDetail> => {
    throw new Error('not used');
  };
  artifacts = (query: MM.IArtifactQuery): Promise<MM.IArtifactList> =>
    this.page(
      'artifacts',
      query,
      this.artifactQueries,
      this.artifactsError,
      70,
      {
        artifacts: [
          {
            name: `${query.q || 'artifact'}-${query.kind}-${query.offset}`,
            kind: query.kind || 'dataset',
            description: '',
            tags: {},
            created_at: null,
            n_versions: 1,
            aliases: {},
            latest: null
          }
        ]
      }
    );
  models = (query: MM.IModelQuery): Promise<MM.IModelList> =>
    this.page('models', query, this.modelQueries, this.modelsError, 3, {
      models: [
        {
          name: `${query.q || 'model'}-${query.offset}`,
          description: '',
          owner: '',
          tags: {},
          created_at: null,
          updated_at: null,
          n_versions: 2,
          latest: null,
          stages: { production: [2] },
          aliases: { champion: 2 }
        }
      ]
    });

  /** Log a paged call, then fail with `error` or answer a page of `items`. */
  async page<Q extends { offset: number; limit: number }, I extends object>(
    name: string,
    query: Q,
    log: Q[],
    error: Error | null,
    total: number,
    items: I
  ): Promise<
    I & { total: number; offset: number; limit: number; cursor: number }
  > {
    this.calls.push(name);
    log.push({ ...query });
    if (error) {
      throw error;
    }
    const { offset, limit } = query;
    return { total, offset, limit, cursor: this.cursor, ...items };
  }

  count(prefix: string): number {
    return this.calls.filter(c => c.startsWith(prefix)).length;
  }

  artifactQueries: MM.IArtifactQuery[] = [];
  modelQueries: MM.IModelQuery[] = [];
  modelsError: Error | null = null;
  artifactsError: Error | null = null;
  calls: string[] = [];
  cursor = 5;
  metaAnswer = META;
  metaError: Error | null = null;
  queries: MM.IRunQuery[] = [];
  runDelays: number[] = [];
  total = 120;
}

let model: RunsModel<FakeApi> | null = null;

function makeModel(api: FakeApi): RunsModel<FakeApi> {
  model = new RunsModel(api);
  return model;
}

let artifactsModel: ArtifactsModel | null = null;

function makeArtifactsModel(runs: RunsModel<FakeApi>): ArtifactsModel {
  artifactsModel = new ArtifactsModel(runs);
  return artifactsModel;
}

let modelsModel: ModelsModel | null = null;

function makeModelsModel(runs: RunsModel<FakeApi>): ModelsModel {
  modelsModel = new ModelsModel(runs);
  return modelsModel;
}

/**
 * A connected runs model with its artifacts list shown, `settle` ms after the
 * list was shown.
 */
async function showArtifacts(
  api: FakeApi,
  settle: number
): Promise<{ api: FakeApi; m: RunsModel<FakeApi>; a: ArtifactsModel }> {
  const m = makeModel(api);
  const a = makeArtifactsModel(m);
  await m.connect();
  a.setVisible(true);
  await sleep(settle);
  return { api, m, a };
}

afterEach(() => {
  modelsModel?.dispose();
  modelsModel = null;
  artifactsModel?.dispose();
  artifactsModel = null;
  model?.dispose();
  model = null;
});

describe('RunsModel.connect', () => {
  it('loads the first page and keys once meta answers', async () => {
    const api = new FakeApi();
    const m = makeModel(api);
    await m.connect();
    assert.equal(m.connection.kind, 'ready');
    assert.equal(m.page?.total, 120);
    assert.equal(api.count('keys'), 1);
    assert.deepEqual(m.metricColumns, ['acc', 'loss']);
  });

  it('explains a missing server extension (404 or no server)', async () => {
    for (const status of [404, 0]) {
      const api = new FakeApi();
      api.metaError = new MMApiError(status, 'Not Found');
      const m = makeModel(api);
      await m.connect();
      assert.equal(m.connection.kind, 'missing');
      assert.equal(api.count('runs'), 0);
      m.dispose();
    }
  });

  it('reports other errors as errors', async () => {
    const api = new FakeApi();
    api.metaError = new MMApiError(500, 'boom');
    const m = makeModel(api);
    await m.connect();
    assert.equal(m.connection.kind, 'error');
  });

  it('refuses another API version', async () => {
    const api = new FakeApi();
    api.metaAnswer = { ...META, api_version: 2 };
    const m = makeModel(api);
    await m.connect();
    assert.equal(m.connection.kind, 'mismatch');
    assert.equal(api.count('runs'), 0);
  });
});

describe('RunsModel queries', () => {
  it('sorts: a new key in its natural order, the same key flips', async () => {
    const m = makeModel(new FakeApi());
    await m.connect();
    m.sortBy('name');
    assert.deepEqual([m.query.sort, m.query.order], ['name', 'asc']);
    m.sortBy('name');
    assert.equal(m.query.order, 'desc');
    m.sortBy('metric:acc');
    assert.deepEqual([m.query.sort, m.query.order], ['metric:acc', 'desc']);
  });

  it('pages within bounds and goes back to page 1 on a filter change', async () => {
    const api = new FakeApi();
    const m = makeModel(api);
    await m.connect();
    m.turnPage(-1);
    assert.equal(m.query.offset, 0);
    m.turnPage(1);
    assert.equal(m.query.offset, 50);
    m.turnPage(1);
    assert.equal(m.query.offset, 100);
    await sleep(10);
    m.turnPage(1); // 150 >= 120: no such page
    assert.equal(m.query.offset, 100);
    m.setQuery({ status: 'failed' });
    assert.equal(m.query.offset, 0);
  });

  it('debounces text search into one request', async () => {
    const api = new FakeApi();
    const m = makeModel(api);
    await m.connect();
    const before = api.count('runs');
    for (const q of ['b', 'br', 'bro']) {
      m.setQuery({ q });
    }
    await sleep(400);
    assert.equal(api.count('runs') - before, 1);
    assert.equal(api.queries[api.queries.length - 1].q, 'bro');
    assert.equal(m.page?.runs[0].id, 'bro-0');
  });

  it('keeps the answer of the newest request when answers cross', async () => {
    const api = new FakeApi();
    const m = makeModel(api);
    await m.connect();
    api.runDelays = [80, 0];
    m.setQuery({ experiment: 'slow' });
    m.setQuery({ q: 'fast', experiment: 'x' });
    await sleep(150);
    assert.equal(m.page?.runs[0].id, 'fast-0');
  });
});

describe('RunsModel polling', () => {
  it('stands by while no view is visible', async () => {
    const api = new FakeApi();
    const m = makeModel(api);
    await m.connect();
    await sleep(1200);
    assert.equal(api.count('changes'), 0);
  });

  it('polls while visible and reloads runs on a change', async () => {
    const api = new FakeApi();
    const m = makeModel(api);
    await m.connect();
    const cursors: number[] = [];
    m.registryChanged.connect((_, cursor) => cursors.push(cursor));
    m.setVisible('sidebar', true);
    await sleep(50);
    assert.ok(api.calls.includes('changes:5'));
    const runsBefore = api.count('runs');
    api.cursor = 6;
    await sleep(1200);
    assert.deepEqual(cursors, [6]);
    assert.ok(api.count('runs') > runsBefore);
  });

  it('marks the list stale while only a detail view is visible', async () => {
    const api = new FakeApi();
    const m = makeModel(api);
    await m.connect();
    const cursors: number[] = [];
    m.registryChanged.connect((_, cursor) => cursors.push(cursor));
    m.setVisible('run:abc', true);
    api.cursor = 7;
    await sleep(100);
    assert.deepEqual(cursors, [7]);
    const runsBefore = api.count('runs');
    m.setVisible('run:abc', false);
    m.setVisible('sidebar', true);
    await sleep(50);
    assert.equal(api.count('runs'), runsBefore + 1);
  });
});

describe('ArtifactsModel', () => {
  it('loads nothing until the list is shown, then the first page', async () => {
    const api = new FakeApi();
    const m = makeModel(api);
    const a = makeArtifactsModel(m);
    await m.connect();
    assert.equal(api.count('artifacts'), 0);
    a.setVisible(true);
    await sleep(10);
    assert.equal(api.count('artifacts'), 1);
    assert.equal(a.page?.total, 70);
    assert.equal(a.page?.artifacts[0].name, 'artifact--0');
  });

  it('loads once the connection is ready when shown before', async () => {
    const api = new FakeApi();
    const m = makeModel(api);
    const a = makeArtifactsModel(m);
    a.setVisible(true);
    assert.equal(api.count('artifacts'), 0);
    await m.connect();
    await sleep(10);
    assert.equal(api.count('artifacts'), 1);
  });

  it('filters by kind now, debounces text, and pages', async () => {
    const { api, a } = await showArtifacts(new FakeApi(), 10);
    a.setQuery({ kind: 'model' });
    await sleep(10);
    assert.equal(a.page?.artifacts[0].name, 'artifact-model-0');
    const before = api.count('artifacts');
    for (const q of ['c', 'ch', 'churn']) {
      a.setQuery({ q });
    }
    await sleep(400);
    assert.equal(api.count('artifacts') - before, 1);
    assert.equal(a.page?.artifacts[0].name, 'churn-model-0');
    a.turnPage(1);
    await sleep(10);
    assert.equal(a.query.offset, 50);
    a.turnPage(1); // 100 >= 70: no such page
    assert.equal(a.query.offset, 50);
    a.setQuery({ kind: '' });
    assert.equal(a.query.offset, 0);
  });

  it('keeps the poll awake while shown and reloads when the cursor moves', async () => {
    const { api } = await showArtifacts(new FakeApi(), 50);
    assert.ok(api.calls.includes('changes:5'));
    const before = api.count('artifacts');
    api.cursor = 6;
    await sleep(1200);
    assert.equal(api.count('artifacts'), before + 1);
  });

  it('marks the list stale while hidden and reloads it when shown', async () => {
    const { api, m, a } = await showArtifacts(new FakeApi(), 10);
    a.setVisible(false);
    m.setVisible('sidebar', true);
    api.cursor = 8;
    await sleep(100);
    const before = api.count('artifacts');
    assert.ok(before >= 1);
    a.setVisible(true);
    await sleep(10);
    assert.equal(api.count('artifacts'), before + 1);
  });

  it('explains a server without artifacts', async () => {
    const api = new FakeApi();
    api.artifactsError = new MMApiError(404, 'Not Found');
    const m = makeModel(api);
    const a = makeArtifactsModel(m);
    await m.connect();
    a.setVisible(true);
    await sleep(10);
    assert.match(a.error ?? '', /does not list artifacts/);
  });
});

describe('ModelsModel', () => {
  it('loads when shown, debounces search, pages', async () => {
    const api = new FakeApi();
    const m = makeModel(api);
    const models = makeModelsModel(m);
    await m.connect();
    assert.equal(api.count('models'), 0);
    models.setVisible(true);
    await sleep(10);
    assert.equal(models.page?.models[0].name, 'model-0');
    assert.deepEqual(models.page?.models[0].stages, { production: [2] });
    const before = api.count('models');
    for (const q of ['i', 'ir', 'iris']) {
      models.setQuery({ q });
    }
    await sleep(400);
    assert.equal(api.count('models') - before, 1);
    assert.equal(models.page?.models[0].name, 'iris-0');
    models.turnPage(1); // 50 >= 3: no such page
    assert.equal(models.query.offset, 0);
  });

  it('reloads on a cursor move while shown, and only then', async () => {
    const api = new FakeApi();
    const m = makeModel(api);
    const models = makeModelsModel(m);
    const artifacts = makeArtifactsModel(m);
    await m.connect();
    models.setVisible(true);
    await sleep(50);
    const before = api.count('models');
    api.cursor = 9;
    await sleep(1200);
    assert.equal(api.count('models'), before + 1);
    // The artifacts list was never shown: it stays unloaded.
    assert.equal(api.count('artifacts'), 0);
    assert.equal(artifacts.page, null);
  });

  it('explains a server without a model registry', async () => {
    const api = new FakeApi();
    api.modelsError = new MMApiError(404, 'Not Found');
    const m = makeModel(api);
    const models = makeModelsModel(m);
    await m.connect();
    models.setVisible(true);
    await sleep(10);
    assert.match(models.error ?? '', /no model registry/);
  });
});
