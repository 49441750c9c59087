import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import {
  defaultQuery,
  isFilterExpression,
  nextSort,
  runsParams
} from '../runs/query';
import { RestClient } from '../shared/rest';
import { runHousekeepingApi, runsApi } from '../runs/api';

describe('runsParams', () => {
  it('sends words as q and an expression as filter', () => {
    const words = runsParams({ ...defaultQuery(), q: '  tuned risk ' });
    assert.equal(words.q, 'tuned risk');
    assert.equal(words.filter, undefined);
    const expr = "metrics.acc > 0.9 and tags.team = 'risk'";
    const filter = runsParams({ ...defaultQuery(), q: ` ${expr} ` });
    assert.equal(filter.filter, expr);
    assert.equal(filter.q, undefined);
  });

  it('leaves out the defaults and sends archived, sort and paging', () => {
    const base = runsParams(defaultQuery());
    assert.equal(base.archived, undefined, 'exclude is the server default');
    assert.equal(base.children, undefined);
    assert.equal(base.user, undefined);
    const p = runsParams({
      ...defaultQuery(),
      archived: 'only',
      sort: 'param:lr',
      order: 'asc',
      limit: 250,
      offset: 500,
      children: true
    });
    assert.deepEqual(
      [p.archived, p.sort, p.order, p.limit, p.offset, p.children],
      ['only', 'param:lr', 'asc', 250, 500, 1]
    );
  });

  it('tells expressions from words', () => {
    for (const text of [
      'acc>0.9',
      'status = finished',
      'params.lr <= 0.1',
      'a != b',
      "status in ('failed', 'killed')",
      "name like 'grid-%'",
      'tags.team is null',
      'metrics.acc is not null',
      '(params.depth)'
    ]) {
      assert.ok(isFilterExpression(text), text);
    }
    for (const text of [
      '',
      'tuned',
      'risk team',
      'a1b2c3',
      'in the morning',
      'likely'
    ]) {
      assert.ok(!isFilterExpression(text), text);
    }
  });

  it('sorts a new column in its natural order, the same one flipped', () => {
    assert.deepEqual(nextSort(defaultQuery(), 'metric:acc'), {
      sort: 'metric:acc',
      order: 'desc'
    });
    assert.deepEqual(nextSort(defaultQuery(), 'name'), {
      sort: 'name',
      order: 'asc'
    });
    assert.deepEqual(
      nextSort(
        { ...defaultQuery(), sort: 'metric:acc', order: 'desc' },
        'metric:acc'
      ),
      { sort: 'metric:acc', order: 'asc' }
    );
  });
});

describe('runs endpoints', () => {
  /** A client that records URLs and bodies instead of sending them. */
  function recording() {
    const calls: string[] = [];
    const client = new RestClient({
      baseUrl: 'http://h/',
      wsUrl: 'ws://h/'
    } as never);
    client.json = async (path, query = {}, init) => {
      calls.push(
        `${init?.method ?? 'GET'} ${client.url(path, query)} ${init?.body ?? ''}`.trim()
      );
      return path[0] === 'runs' && path.length === 1
        ? { total: 0, offset: 0, limit: 50, cursor: 1, runs: [] }
        : { run: { id: path[1], name: 'n' } };
    };
    client.request = async (path, query = {}) => {
      calls.push(`GET ${client.url(path, query)}`);
      return new Response('id,name\n1,a\n');
    };
    return { client, calls };
  }

  it('GET runs carries the filter and the archived toggle', async () => {
    const { client, calls } = recording();
    await runsApi(client).runs({
      ...defaultQuery(),
      q: 'metrics.acc > 0.9',
      archived: 'include'
    });
    assert.match(calls[0], /\/mm-jupyter\/api\/runs\?/);
    assert.match(calls[0], /filter=metrics\.acc%20%3E%200\.9/);
    assert.match(calls[0], /archived=include/);
    assert.doesNotMatch(calls[0], /[?&]q=/);
  });

  it('posts housekeeping to runs/{id}/<verb> and decodes the summary', async () => {
    const { client, calls } = recording();
    const api = runHousekeepingApi(client);
    const run = await api.updateRun('ab', { name: 'x', tags: { team: null } });
    assert.equal(run.id, 'ab');
    assert.equal(run.starred, false, 'absent fields decode to defaults');
    await api.archiveRun('ab');
    await api.restoreRun('ab');
    await api.deleteRun('ab');
    await api.moveRun('ab', 'prod');
    assert.deepEqual(
      calls.map(c => c.replace('http://h/mm-jupyter/api/', '')),
      [
        'POST runs/ab/update {"name":"x","tags":{"team":null}}',
        'POST runs/ab/archive {}',
        'POST runs/ab/restore {}',
        'POST runs/ab/delete {}',
        'POST runs/ab/move {"experiment":"prod"}'
      ]
    );
  });

  it('exports every run of the filter as CSV with the columns', async () => {
    const { client, calls } = recording();
    const blob = await runHousekeepingApi(client).runsCsv(
      {
        ...defaultQuery(),
        q: 'status = finished',
        offset: 100,
        sort: 'metric:acc'
      },
      ['name', 'metric:acc', 'param:lr']
    );
    assert.equal(await blob.text(), 'id,name\n1,a\n');
    assert.match(calls[0], /runs\.csv\?/);
    assert.match(calls[0], /filter=status%20%3D%20finished/);
    assert.match(calls[0], /sort=metric%3Aacc/);
    assert.match(calls[0], /columns=id%2Cname%2Cmetrics\.acc%2Cparams\.lr/);
    assert.doesNotMatch(calls[0], /offset=|limit=/);
  });
});
