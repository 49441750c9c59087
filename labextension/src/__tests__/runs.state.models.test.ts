import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';

import { MMApiError } from '../shared/errors';
import {
  disposeModels,
  FakeApi,
  makeArtifactsModel,
  makeModel,
  makeModelsModel,
  sleep
} from './runs.fakeApi';

afterEach(disposeModels);

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
