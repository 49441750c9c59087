import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { MMApiError } from '../shared/errors';
import {
  fetchPackage,
  IProgress,
  packageErrorText,
  packageFileName,
  progressText,
  readWithProgress
} from '../models/packageDownload';

/** A response streaming `chunks`, with a Content-Length when `announce`. */
function streamed(chunks: number[], announce: boolean): Response {
  const total = chunks.reduce((a, b) => a + b, 0);
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      for (const n of chunks) {
        controller.enqueue(new Uint8Array(n).fill(7));
      }
      controller.close();
    }
  });
  const headers: Record<string, string> = { 'Content-Type': 'application/zip' };
  if (announce) {
    headers['Content-Length'] = String(total);
  }
  return new Response(body, { status: 200, headers });
}

describe('readWithProgress', () => {
  it('reads every chunk and reports the bytes so far', async () => {
    const seen: IProgress[] = [];
    const blob = await readWithProgress(streamed([3, 5, 2], true), p =>
      seen.push(p)
    );
    assert.equal(blob.size, 10);
    assert.equal(blob.type, 'application/zip');
    assert.deepEqual(
      seen.map(p => p.received),
      [0, 3, 8, 10]
    );
    assert.ok(seen.every(p => p.total === 10));
  });

  it('works without a Content-Length', async () => {
    const seen: IProgress[] = [];
    await readWithProgress(streamed([4], false), p => seen.push(p));
    assert.equal(seen[seen.length - 1].total, null);
    assert.equal(seen[seen.length - 1].received, 4);
  });
});

describe('fetchPackage', () => {
  it("passes the server's refusal on, unread", async () => {
    const tooBig = new MMApiError(
      413,
      'The package is 612 MB; the cap is 500 MB.'
    );
    await assert.rejects(
      fetchPackage(() => Promise.reject(tooBig)),
      (err: unknown) => err === tooBig
    );
  });
});

describe('packageErrorText', () => {
  it("says what a status means, with the server's message", () => {
    assert.equal(
      packageErrorText(new MMApiError(413, 'over 500 MB')),
      "The package is over the server's size cap: over 500 MB"
    );
    assert.equal(
      packageErrorText(new MMApiError(500, 'pip failed')),
      'The server could not build the package: pip failed'
    );
    assert.equal(
      packageErrorText(new MMApiError(404, 'no version 9')),
      'Not found: no version 9'
    );
    assert.equal(
      packageErrorText(new MMApiError(403, 'Forbidden')),
      'Forbidden'
    );
    assert.match(
      packageErrorText(new TypeError('network error')),
      /^Download interrupted: network error/
    );
  });
});

describe('the package file', () => {
  it('is named after the version, safely', () => {
    assert.equal(packageFileName('churn-clf', 4), 'churn-clf-4.zip');
    assert.equal(packageFileName('a/b', 2), 'b-2.zip');
  });

  it('shows progress in bytes and percent', () => {
    assert.match(progressText({ received: 512, total: 1024 }), /\(50 %\)$/);
    assert.doesNotMatch(progressText({ received: 512, total: null }), /%/);
  });
});
