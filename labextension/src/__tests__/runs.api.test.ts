import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { runsApi } from '../runs/api';
import { defaultQuery, userChoices } from '../runs/query';
import type { Query, RestClient } from '../shared/rest';

/** A client that records the query of each `GET` and answers an empty page. */
function recordingClient(queries: Query[]): RestClient {
  const client = {
    get: async <T>(
      _path: string[],
      decode: (v: unknown) => T,
      query: Query = {}
    ): Promise<T> => {
      queries.push(query);
      return decode({ total: 0, offset: 0, limit: 50, cursor: 1, runs: [] });
    }
  };
  return client as unknown as RestClient;
}

describe('runsApi.runs: the user filter', () => {
  it('is not part of the first query', () => {
    assert.equal(defaultQuery().user, '');
  });

  it('sends user only when one is chosen', async () => {
    const queries: Query[] = [];
    const api = runsApi(recordingClient(queries));
    await api.runs(defaultQuery());
    await api.runs({ ...defaultQuery(), user: 'alice' });
    assert.equal(queries.length, 2);
    assert.equal(queries[0].user, undefined);
    assert.equal(queries[1].user, 'alice');
    assert.equal(queries[1].sort, 'started_at');
  });
});

describe('userChoices', () => {
  it('offers my runs when the server names me', () => {
    assert.deepEqual(userChoices('alice', ''), [
      { value: 'alice', label: 'My runs (alice)' }
    ]);
    assert.deepEqual(userChoices('alice', 'alice'), [
      { value: 'alice', label: 'My runs (alice)' }
    ]);
  });

  it('keeps someone else selected', () => {
    assert.deepEqual(userChoices('alice', 'bob'), [
      { value: 'alice', label: 'My runs (alice)' },
      { value: 'bob', label: 'bob' }
    ]);
    assert.deepEqual(userChoices(null, 'bob'), [
      { value: 'bob', label: 'bob' }
    ]);
  });

  it('offers nothing (no filter) when the user is unknown', () => {
    assert.deepEqual(userChoices(null, ''), []);
  });
});
