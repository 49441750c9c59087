import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';

import { MMApiError } from '../shared/errors';
import {
  disposeModels,
  FakeApi,
  makeArtifactsModel,
  makeModel,
  showArtifacts,
  sleep
} from './runs.fakeApi';

afterEach(disposeModels);

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
