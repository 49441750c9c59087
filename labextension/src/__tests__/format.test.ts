import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';

import {
  formatBytes,
  formatDuration,
  formatNumber,
  formatRelative,
  formatValue,
  runDuration,
  stripAnsi
} from '../shared/format';
import { runSummary } from './fixtures';

describe('formatNumber', () => {
  it('shows non-finite values as symbols', () => {
    assert.equal(formatNumber(NaN), 'NaN');
    assert.equal(formatNumber(Infinity), '∞');
    assert.equal(formatNumber(-Infinity), '−∞');
  });

  it('keeps integers and rounds to 4 significant digits', () => {
    assert.equal(formatNumber(42), '42');
    assert.equal(formatNumber(0.123456), '0.1235');
    assert.equal(formatNumber(12.5), '12.5');
  });

  it('uses an exponent for tiny and huge values', () => {
    assert.equal(formatNumber(0.00001234), '1.23e-5');
    assert.equal(formatNumber(1234567.8), '1.23e+6');
  });

  it('shows nothing for a missing value', () => {
    assert.equal(formatNumber(null), '');
    assert.equal(formatNumber(undefined), '');
  });
});

describe('formatValue', () => {
  it('shows strings as they are and other JSON as JSON', () => {
    assert.equal(formatValue('<b>x</b>'), '<b>x</b>');
    assert.equal(formatValue(0.1), '0.1');
    assert.equal(formatValue([1, 'a']), '[1,"a"]');
    assert.equal(formatValue(null), 'null');
  });
});

/** The cases `mm_jupyter/core/units.py` is tested against too (tests/test_units.py). */
const UNITS: { bytes: [number, string][]; durations: [number, string][] } =
  JSON.parse(
    readFileSync(
      join(__dirname, '..', '..', '..', 'tests', 'data', 'units.json'),
      'utf8'
    )
  );

describe('formatDuration', () => {
  it('spells durations as the CLI and the notebook do', () => {
    for (const [seconds, text] of UNITS.durations) {
      assert.equal(formatDuration(seconds), text, `${seconds} s`);
    }
  });

  it('shows nothing for a missing or non-finite duration', () => {
    assert.equal(formatDuration(null), '');
    assert.equal(formatDuration(NaN), '');
  });
});

describe('formatRelative', () => {
  const now = new Date('2026-11-26T12:00:00.000Z');
  it('counts back from now', () => {
    assert.equal(formatRelative('2026-11-26T11:59:50.000Z', now), 'just now');
    assert.equal(formatRelative('2026-11-26T11:55:00.000Z', now), '5 min ago');
    assert.equal(formatRelative('2026-11-26T09:00:00.000Z', now), '3 h ago');
    assert.equal(formatRelative('2026-11-25T10:00:00.000Z', now), 'yesterday');
    assert.equal(formatRelative('2026-11-22T12:00:00.000Z', now), '4 d ago');
    assert.equal(formatRelative('2026-10-01T12:00:00.000Z', now), '2026-10-01');
  });

  it('shows nothing for a missing or bad timestamp', () => {
    assert.equal(formatRelative(null, now), '');
    assert.equal(formatRelative('not a date', now), '');
  });
});

describe('formatBytes', () => {
  it('uses SI units, as the CLI and the notebook do', () => {
    for (const [n, text] of UNITS.bytes) {
      assert.equal(formatBytes(n), text, `${n} B`);
    }
  });
});

describe('stripAnsi', () => {
  it('removes colour codes of IPython tracebacks', () => {
    assert.equal(
      stripAnsi('\x1b[31mValueError\x1b[39m: boom'),
      'ValueError: boom'
    );
  });
});

describe('runDuration', () => {
  const base = runSummary('a', {
    status: 'running',
    started_at: '2026-11-26T11:59:00.000Z',
    duration_s: null
  });
  it('is the elapsed time while running, the recorded one after', () => {
    const now = new Date('2026-11-26T12:00:00.000Z');
    assert.equal(runDuration(base, now), 60);
    assert.equal(
      runDuration({ ...base, status: 'finished', duration_s: 3 }, now),
      3
    );
    assert.equal(runDuration({ ...base, status: 'killed' }, now), null);
  });
});
