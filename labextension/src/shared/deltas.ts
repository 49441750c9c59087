/**
 * Pure rules of metric changes: whether a change is an improvement (by the metric's
 * direction, lower- or higher-is-better) and how a delta reads. Used by the run
 * diff, the comparison of N runs and the model metric trend.
 */
import { isObject } from './decode';

/** `min`: lower is better (loss, error, time); `max`: higher is better. */
export type Direction = 'min' | 'max';

/** What a change from one value to another is worth. */
export type Quality = 'better' | 'worse' | 'same';

/**
 * Decode a `directions` map (`{key: "min"|"max"}`); anything else is left out, so
 * an unknown key falls back to {@link directionOf}'s default.
 */
export function decodeDirections(v: unknown): Record<string, Direction> {
  const out: Record<string, Direction> = {};
  if (isObject(v)) {
    for (const [key, d] of Object.entries(v)) {
      if (d === 'min' || d === 'max') {
        out[key] = d;
      }
    }
  }
  return out;
}

/**
 * The direction of `key`: the server's answer, else higher-is-better (the server
 * always answers for the keys it sends; this is only for older servers).
 */
export function directionOf(
  directions: Readonly<Record<string, Direction>>,
  key: string
): Direction {
  return directions[key] ?? 'max';
}

/**
 * Whether a change by `delta` is an improvement: a rise of a `max` metric or a
 * fall of a `min` one. Null when there is no finite delta.
 */
export function changeQuality(
  delta: number | null,
  direction: Direction
): Quality | null {
  if (delta === null || !Number.isFinite(delta)) {
    return null;
  }
  if (delta === 0) {
    return 'same';
  }
  return delta > 0 === (direction === 'max') ? 'better' : 'worse';
}

/** The CSS modifier of a change (` jp-mm-mod-better`, ...), or `''`. */
export function qualityClass(quality: Quality | null): string {
  return quality && quality !== 'same' ? ` jp-mm-mod-${quality}` : '';
}

/** Words for a change, for a tooltip (colour is not the only cue). */
export function qualityText(
  quality: Quality | null,
  direction: Direction
): string {
  const rule = direction === 'min' ? 'lower is better' : 'higher is better';
  return quality === 'better'
    ? `improvement (${rule})`
    : quality === 'worse'
      ? `regression (${rule})`
      : rule;
}

/** Below this magnitude a delta is written with an exponent. */
export const EXPONENT_BELOW = 1e-5;
/** From this magnitude on a delta is written with an exponent. */
export const EXPONENT_FROM = 1e6;

/** Significant digits of a delta. */
const DIGITS = 6;

/** `8.20000e-6` → `8.2e-6`: an exponent form without padding zeros or `+`. */
function shortExponent(value: number, digits: number): string {
  const [mantissa, exponent] = value.toExponential(digits - 1).split('e');
  const m = mantissa.includes('.')
    ? mantissa.replace(/0+$/, '').replace(/\.$/, '')
    : mantissa;
  return `${m}e${exponent.replace('+', '')}`;
}

/**
 * A number in fixed notation with at most 6 significant digits (trailing zeros
 * dropped), or in a short exponent form when it is tiny or huge: `0.000082`,
 * `-1.25`, `1234.57`, `3.1e-7`, `2.5e9`.
 *
 * The fixed form reaches down to 1e-5 (`0.000012`: six decimals) because that is
 * where a reader still counts the zeros at a glance; below it the exponent is
 * shorter.
 */
export function formatChange(value: number): string {
  if (Number.isNaN(value)) {
    return 'NaN';
  }
  if (!Number.isFinite(value)) {
    return value > 0 ? '∞' : '−∞';
  }
  const abs = Math.abs(value);
  if (abs === 0) {
    return '0';
  }
  if (abs < EXPONENT_BELOW || abs >= EXPONENT_FROM) {
    return shortExponent(value, 3);
  }
  // toPrecision gives 6 significant digits; Number() drops the padding zeros and
  // keeps fixed notation in this range (it switches to exponents only below 1e-6).
  return String(Number(value.toPrecision(DIGITS)));
}

/** A delta with its sign: `+0.000082`, `−0.031`, `0`, or `—` when unknown. */
export function formatDelta(delta: number | null): string {
  if (delta === null) {
    return '—';
  }
  const text = formatChange(delta);
  if (delta > 0 && Number.isFinite(delta)) {
    return `+${text}`;
  }
  return delta < 0 && Number.isFinite(delta) ? `−${text.slice(1)}` : text;
}

/**
 * The relative change from `a` to `b` as a signed percentage (`+12.5 %`), or null
 * where it means nothing: a missing or non-finite side, or `a` = 0.
 */
export function formatRelative(
  a: number | null,
  b: number | null
): string | null {
  if (a === null || b === null || !Number.isFinite(a) || !Number.isFinite(b)) {
    return null;
  }
  if (a === 0) {
    return null;
  }
  const pct = ((b - a) / Math.abs(a)) * 100;
  if (pct === 0) {
    return '0 %';
  }
  const abs = Math.abs(pct);
  const body =
    abs >= 1000
      ? `${Math.round(abs / 100) / 10}k`
      : abs >= 100
        ? abs.toFixed(0)
        : abs >= 0.1
          ? abs.toFixed(1)
          : abs.toPrecision(1);
  return `${pct > 0 ? '+' : '−'}${body} %`;
}

/** The change between the last two finite points of a series (a trend's latest move). */
export interface ILastChange {
  /** x of the earlier point (a step, a version). */
  from: number;
  /** x of the later point. */
  to: number;
  delta: number;
  /** Value of the earlier point (for a relative change). */
  before: number;
  /** Value of the later point. */
  after: number;
}

/**
 * The change from the second-to-last to the last finite point of a series
 * sorted by x, or null with fewer than two finite points.
 */
export function lastChange(
  points: ReadonlyArray<{ step: number; value: number }>
): ILastChange | null {
  const finite = points.filter(p => Number.isFinite(p.value));
  if (finite.length < 2) {
    return null;
  }
  const a = finite[finite.length - 2];
  const b = finite[finite.length - 1];
  return {
    from: a.step,
    to: b.step,
    delta: b.value - a.value,
    before: a.value,
    after: b.value
  };
}
