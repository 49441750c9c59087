import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { defaultArtifactQuery } from '../artifacts/state';
import { defaultQuery } from '../runs/query';
import { patchQuery } from '../shared/query';

describe('patchQuery', () => {
  it('goes back to the first page on any change but the offset', () => {
    const query = { ...defaultQuery(), offset: 100 };
    const { query: next, debounce } = patchQuery(query, { status: 'failed' });
    assert.equal(next.offset, 0);
    assert.equal(next.status, 'failed');
    assert.equal(debounce, false);
    assert.equal(query.offset, 100, 'the old query is not changed');
  });

  it('keeps a new offset', () => {
    const { query, debounce } = patchQuery(defaultArtifactQuery(), {
      offset: 50
    });
    assert.equal(query.offset, 50);
    assert.equal(debounce, false);
  });

  it('debounces a change of the text search alone', () => {
    assert.equal(patchQuery(defaultQuery(), { q: 'fast' }).debounce, true);
    assert.equal(
      patchQuery(defaultQuery(), { q: 'fast', experiment: 'x' }).debounce,
      false
    );
  });
});
