import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import {
  errorMessage,
  isNotFound,
  loadErrorText,
  MMApiError
} from '../shared/errors';

describe('loadErrorText', () => {
  const notFound = (err: MMApiError) => `gone (${err.message})`;

  it('says what is gone on a 404', () => {
    const err = new MMApiError(404, 'no such run');
    assert.equal(isNotFound(err), true);
    assert.equal(
      loadErrorText(err, notFound, 'Cannot load'),
      'gone (no such run)'
    );
  });

  it('says what failed and why otherwise', () => {
    assert.equal(
      loadErrorText(new MMApiError(500, 'boom'), notFound, 'Cannot load run 3'),
      'Cannot load run 3: boom'
    );
    assert.equal(
      loadErrorText('offline', notFound, 'Cannot load run 3'),
      'Cannot load run 3: offline'
    );
    assert.equal(isNotFound(new Error('404')), false);
  });
});

describe('errorMessage', () => {
  it('reads an Error or stringifies anything else', () => {
    assert.equal(errorMessage(new Error('x')), 'x');
    assert.equal(errorMessage(42), '42');
  });
});
