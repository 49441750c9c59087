import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';

import type { ReadonlyJSONValue } from '@lumino/coreutils';
import { Signal } from '@lumino/signaling';

import * as MM from '../mm';
import { MMApiError } from '../shared/errors';
import type { IServerModel } from '../shared/serverModel';
import { RunsTableModel, TableApi } from '../runs/tableModel';
import {
  clampWidth,
  pageIndex,
  restoreState,
  serializeState,
  stateKey
} from '../runs/tableState';
import { META, sleep } from './runs.fakeApi';
import { runSummary } from './fixtures';

describe('table state', () => {
  const state = {
    columns: ['name', 'param:lr', 'metric:acc'],
    widths: { name: 240 },
    q: 'metrics.acc > 0.9',
    sort: 'metric:acc',
    order: 'asc' as const,
    limit: 250,
    archived: 'include' as const
  };

  it('round-trips through the state database as JSON', () => {
    const json = JSON.parse(JSON.stringify(serializeState(state)));
    assert.deepEqual(restoreState(json), state);
  });

  it('drops what is malformed, unknown or out of range', () => {
    const saved = {
      ...(serializeState(state) as Record<string, unknown>),
      columns: ['name', 'bogus', 7, 'name', 'tag:team'],
      widths: { name: 5000, x: 'wide' },
      order: 'sideways',
      limit: 7,
      archived: 'maybe'
    };
    assert.deepEqual(restoreState(saved), {
      columns: ['name', 'tag:team'],
      widths: { name: 800 },
      q: state.q,
      sort: state.sort
    });
    assert.deepEqual(restoreState({ ...saved, version: 2 }), {});
    assert.deepEqual(restoreState(null), {});
    assert.deepEqual(restoreState('x'), {});
  });

  it('keys the state by registry (the team database before the folder)', () => {
    assert.equal(stateKey(META), 'mm-jupyter:runs-table:/abs/.mm');
    const team = {
      ...META,
      backend: {
        backend: 'postgresql',
        database: 'postgresql://u:***@db/mm',
        database_source: 'env',
        blobs: null,
        blobs_source: 'default',
        user: 'alice'
      }
    };
    assert.equal(
      stateKey(team),
      'mm-jupyter:runs-table:postgresql://u:***@db/mm'
    );
  });

  it('clamps widths and reads typed page numbers', () => {
    assert.equal(clampWidth(3), 24);
    assert.equal(clampWidth(120.6), 121);
    assert.equal(pageIndex('3', 1000, 100), 2);
    assert.equal(
      pageIndex(' 99 ', 1000, 100),
      9,
      'past the end: the last page'
    );
    assert.equal(pageIndex('0', 1000, 100), null);
    assert.equal(pageIndex('2.5', 1000, 100), null);
    assert.equal(pageIndex('x', 1000, 100), null);
    assert.equal(pageIndex('1', 0, 100), 0);
  });
});

/** A fake of the shared model with a table API recording its calls. */
function fakeServer(pages: (q: MM.IRunQuery) => MM.IRunList | Error) {
  const queries: MM.IRunQuery[] = [];
  const cursors: (string | null)[] = [];
  const writes: string[] = [];
  const stateChanged = new Signal<object, void>({});
  const registryChanged = new Signal<object, number>({});
  const api = {
    runs: async (q: MM.IRunQuery, cursor?: string | null) => {
      queries.push({ ...q });
      cursors.push(cursor ?? null);
      const page = pages(q);
      if (page instanceof Error) {
        throw page;
      }
      return page;
    },
    keys: async () => ({
      experiments: ['e'],
      metrics: ['acc', 'loss'],
      params: ['lr'],
      metric_counts: { acc: 3, loss: 1 },
      varying_params: ['lr'],
      tag_keys: [],
      directions: {}
    }),
    updateRun: async (id: string, update: MM.IRunUpdate) => {
      writes.push(`update ${id} ${JSON.stringify(update)}`);
      if (id === 'bad') {
        throw new MMApiError(409, 'run is deleted');
      }
      return runSummary(id);
    },
    archiveRun: async (id: string) => {
      writes.push(`archive ${id}`);
      return runSummary(id);
    }
  } as unknown as TableApi;
  let checks = 0;
  const server: IServerModel<TableApi> = {
    api,
    connection: { kind: 'ready', meta: META },
    firing: null,
    stateChanged,
    registryChanged,
    setVisible: () => undefined,
    setBackground: () => undefined,
    checkChanges: () => {
      checks++;
    }
  };
  return {
    server,
    queries,
    cursors,
    writes,
    registryChanged,
    checks: () => checks
  };
}

/** A state database in memory. */
class MemoryStore {
  data = new Map<string, ReadonlyJSONValue>();
  saves = 0;
  async fetch(id: string) {
    return this.data.get(id);
  }
  async save(id: string, value: ReadonlyJSONValue) {
    this.saves++;
    this.data.set(id, value);
  }
}

const page = (runs: MM.IRunSummary[], total = runs.length): MM.IRunList => ({
  total,
  offset: 0,
  limit: 100,
  cursor: 1,
  next_cursor: null,
  prev_cursor: null,
  runs
});

const models: RunsTableModel[] = [];
afterEach(() => models.splice(0).forEach(m => m.dispose()));

describe('RunsTableModel', () => {
  it('restores the saved state before its first page, and saves changes', async () => {
    const store = new MemoryStore();
    const key = stateKey(META);
    store.data.set(
      key,
      serializeState({
        columns: ['name', 'param:lr'],
        widths: {},
        q: 'params.lr <= 0.1',
        sort: 'param:lr',
        order: 'asc',
        limit: 500,
        archived: 'include'
      })
    );
    const fake = fakeServer(() => page([runSummary('a')]));
    const model = new RunsTableModel(fake.server, store);
    models.push(model);
    await model.restore();
    await model.refresh();
    assert.deepEqual(model.columns, ['name', 'param:lr']);
    const last = fake.queries[fake.queries.length - 1];
    assert.equal(last.q, 'params.lr <= 0.1');
    assert.equal(last.sort, 'param:lr');
    assert.equal(last.limit, 500);
    assert.equal(last.archived, 'include');

    // A change is saved (debounced), under the registry's key
    model.setColumns(['name', 'metric:acc', 'name']);
    model.setWidth('name', 300);
    await sleep(600);
    const saved = restoreState(store.data.get(key));
    assert.deepEqual(saved.columns, ['name', 'metric:acc']);
    assert.deepEqual(saved.widths, { name: 300 });
    assert.equal(store.saves, 1, 'both changes in one save');
  });

  it('shows default columns from the keys until some are chosen', async () => {
    const fake = fakeServer(() => page([runSummary('a')]));
    const model = new RunsTableModel(fake.server, null);
    models.push(model);
    await model.restore();
    await model.refresh();
    await sleep(10);
    assert.ok(model.columns.includes('metric:acc'));
    assert.ok(model.columns.includes('param:lr'));
    assert.equal(model.query.limit, 100);
  });

  it('goes to the next and previous pages by cursor, jumps by offset', async () => {
    const fake = fakeServer(q => ({
      ...page([runSummary(`r${q.offset}`)], 1000),
      offset: q.offset,
      next_cursor: `after-${q.offset}`,
      prev_cursor: q.offset > 0 ? `before-${q.offset}` : null
    }));
    const model = new RunsTableModel(fake.server, null);
    models.push(model);
    await model.restore();
    await model.refresh();
    model.goTo(100);
    await sleep(10);
    assert.equal(fake.cursors.at(-1), 'after-0');
    model.goTo(200);
    await sleep(10);
    assert.equal(fake.cursors.at(-1), 'after-100');
    await model.refresh(); // a change: the same page, sought again
    assert.equal(fake.cursors.at(-1), 'after-100');
    model.goTo(100);
    await sleep(10);
    assert.equal(fake.cursors.at(-1), 'before-200');
    model.goTo(900); // the last page: by offset
    await sleep(10);
    assert.equal(fake.cursors.at(-1), null);
    assert.equal(fake.queries.at(-1)?.offset, 900);
  });

  it('puts a refused filter under the filter box, not a refused search', async () => {
    const fake = fakeServer(q =>
      q.q.includes('>')
        ? new MMApiError(400, "unknown field 'metrix' at 1: metrix.acc > 0.9")
        : q.q === 'boom'
          ? new MMApiError(500, 'boom')
          : page([])
    );
    const model = new RunsTableModel(fake.server, null);
    models.push(model);
    await model.restore();
    model.setQuery({ q: 'metrix.acc > 0.9' });
    await sleep(400);
    assert.match(model.filterError ?? '', /metrix/);
    model.setQuery({ q: 'boom', archived: 'only' });
    await sleep(50);
    assert.equal(model.filterError, null);
    assert.equal(model.error, 'boom');
    model.setQuery({ q: '' });
    await sleep(400);
    assert.equal(model.error, null);
  });

  it('keeps the selection across reloads and applies actions to it', async () => {
    const fake = fakeServer(() =>
      page([runSummary('a'), runSummary('bad'), runSummary('c')])
    );
    const model = new RunsTableModel(fake.server, null);
    models.push(model);
    await model.restore();
    await model.refresh();
    const [a, bad] = model.page!.runs;
    model.select([a, bad], true);
    fake.registryChanged.emit(2);
    await model.refresh();
    assert.deepEqual([...model.selection.keys()], ['a', 'bad']);
    const failures = await model.applyToSelection((api, run) =>
      api.updateRun(run.id, { starred: true })
    );
    assert.deepEqual(failures, ['bad: run is deleted']);
    assert.deepEqual(fake.writes, [
      'update a {"starred":true}',
      'update bad {"starred":true}'
    ]);
    assert.equal(fake.checks(), 1, 'the change cursor is checked after writes');
    model.clearSelection();
    assert.equal(model.selection.size, 0);
  });
});
