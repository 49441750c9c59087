import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';

import { MMApiError } from '../shared/errors';
import { disposeModels, FakeApi, makeModel, META, sleep } from './runs.fakeApi';

afterEach(disposeModels);

describe('RunsModel.connect', () => {
  it('loads the first page and keys once meta answers', async () => {
    const api = new FakeApi();
    const m = makeModel(api);
    await m.connect();
    assert.equal(m.connection.kind, 'ready');
    assert.equal(m.page?.total, 120);
    assert.equal(api.count('keys'), 1);
    // One metric fits the sidebar: without counts, the first by name.
    assert.deepEqual(m.metricColumns, ['acc']);
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

  it('turns pages by keyset cursor and keeps it on refresh', async () => {
    const api = new FakeApi();
    const m = makeModel(api);
    await m.connect();
    assert.equal(api.runCursors.at(-1), null);
    m.turnPage(1);
    await sleep(10);
    assert.equal(api.runCursors.at(-1), 'n50');
    assert.equal(m.page?.offset, 50);
    m.turnPage(1);
    await sleep(10);
    assert.equal(api.runCursors.at(-1), 'n100');
    // A refresh (the registry changed) seeks from the same run again.
    await m.refresh();
    assert.equal(api.runCursors.at(-1), 'n100');
    m.turnPage(-1);
    await sleep(10);
    assert.equal(api.runCursors.at(-1), 'p50');
    assert.equal(m.query.offset, 50);
    // Any other query goes back to the first page, by offset.
    m.setQuery({ status: 'failed' });
    await sleep(10);
    assert.equal(api.runCursors.at(-1), null);
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
