/**
 * Pure math of the interactive step charts (one metric, one or many runs):
 * smoothing, value ticks on linear and log axes, the room their labels need,
 * hover lookup and zoom. No DOM, so it is unit-tested directly.
 */
import { Extent, niceTicks, padExtent } from './chartMath';

/** A point of a step series. */
export interface IStepPoint {
  step: number;
  value: number;
}

/**
 * Exponential moving average as TensorBoard draws it: each value is
 * `last * w + (1 - w) * value`, divided by `1 - w^n` so that the start is not
 * pulled toward zero (the debiasing of Adam). Non-finite values pass through
 * unchanged and do not feed the average. `weight` is clamped to [0, 0.999].
 */
export function emaSmooth<P extends IStepPoint>(
  points: ReadonlyArray<P>,
  weight: number
): P[] {
  const w = Math.min(Math.max(Number.isFinite(weight) ? weight : 0, 0), 0.999);
  if (w === 0) {
    return points.slice();
  }
  let last = 0;
  let n = 0;
  return points.map(p => {
    if (!Number.isFinite(p.value)) {
      return p;
    }
    last = last * w + (1 - w) * p.value;
    n++;
    return { ...p, value: last / (1 - Math.pow(w, n)) };
  });
}

/** Whether a log axis can show these values: every finite one is > 0. */
export function canLog(values: Iterable<number>): boolean {
  let any = false;
  for (const v of values) {
    if (Number.isFinite(v)) {
      if (v <= 0) {
        return false;
      }
      any = true;
    }
  }
  return any;
}

/** Ticks of a value axis: where they are and how they read. */
export interface IAxisTicks {
  /** The domain the axis spans (log10 of the values on a log axis). */
  domain: Extent;
  /** Tick positions in axis units (log10 on a log axis). */
  ticks: number[];
  /** Tick labels, in the values' units. */
  labels: string[];
}

/**
 * The label of a value tick: fixed notation with the decimals the step needs
 * (`0.05915` for a step of 5e-5, where an exponent form made every label of a
 * narrow range read `5.9e-2`), an exponent only for values below 1e-4 or from
 * 1e6, with the digits that tell neighbouring ticks apart.
 */
export function tickLabel(value: number, step: number): string {
  const abs = Math.abs(value);
  const stepExp = Math.floor(Math.log10(step) + 1e-9);
  if (abs !== 0 && (abs >= 1e6 || abs < 1e-4)) {
    const digits = Math.max(
      0,
      Math.min(10, Math.floor(Math.log10(abs) + 1e-9) - stepExp)
    );
    const [m, e] = value.toExponential(digits).split('e');
    return `${m}e${e.replace('+', '')}`;
  }
  return value.toFixed(Math.max(0, Math.min(12, -stepExp)));
}

/**
 * Linear value ticks: 4 to 6 "nice" ticks (1, 2 or 5 × 10^k) over the extent.
 */
export function linearTicks(extent: Extent): IAxisTicks {
  let t = niceTicks(extent, 5);
  if (t.ticks.length < 4) {
    t = niceTicks(extent, 7);
  }
  return {
    domain: t.domain,
    ticks: t.ticks,
    labels: t.ticks.map(v => tickLabel(v, t.step))
  };
}

/** A power of ten as a label: `0.001`, `1`, `1000`, `1e6`, `1e-5`. */
function powerLabel(value: number): string {
  const abs = Math.abs(value);
  if (abs !== 0 && (abs < 1e-3 || abs >= 1e5)) {
    const [m, e] = value.toExponential().split('e');
    return `${m}e${e.replace('+', '')}`;
  }
  return String(Number(value.toPrecision(6)));
}

/**
 * Ticks of a log axis over positive values: the powers of ten in range, with 2 and
 * 5 between them when the range spans fewer than two decades (a loss from 0.3 to
 * 0.9 still gets ticks). Positions are log10 of the values.
 */
export function logTicks(extent: Extent): IAxisTicks {
  const lo = Math.log10(extent[0]);
  const hi = Math.log10(extent[1]);
  let [d0, d1] = padExtent([lo, hi]);
  if (hi === lo) {
    [d0, d1] = [lo - 0.5, hi + 0.5];
  }
  const values: number[] = [];
  const multiples = d1 - d0 < 2 ? [1, 2, 5] : [1];
  for (let k = Math.floor(d0); k <= Math.ceil(d1); k++) {
    for (const m of multiples) {
      const v = m * Math.pow(10, k);
      const at = Math.log10(v);
      if (at >= d0 - 1e-9 && at <= d1 + 1e-9) {
        values.push(v);
      }
    }
  }
  if (values.length < 3) {
    // A range within a decade or so (a loss from 0.25 to 0.57): the linear nice
    // ticks of the values, placed on the log axis, read better than one or two.
    // Asked for more ticks than a linear axis: the ends of the range get cut off.
    const linear = niceTicks([extent[0], extent[1]], 8);
    const inside = linear.ticks
      .map(v => ({ v, label: tickLabel(v, linear.step) }))
      .filter(
        ({ v }) =>
          v > 0 && Math.log10(v) >= d0 - 1e-9 && Math.log10(v) <= d1 + 1e-9
      );
    if (inside.length >= 2) {
      return {
        domain: [d0, d1],
        ticks: inside.map(({ v }) => Math.log10(v)),
        labels: inside.map(({ label }) => label)
      };
    }
    values.splice(0, values.length, Math.pow(10, d0), Math.pow(10, d1));
    return {
      domain: [d0, d1],
      ticks: values.map(v => Math.log10(v)),
      labels: values.map(v => String(Number(v.toPrecision(2))))
    };
  }
  return {
    domain: [d0, d1],
    ticks: values.map(v => Math.log10(v)),
    labels: values.map(powerLabel)
  };
}

/** Width in SVG units of the widest label, at about `charWidth` per character. */
export function labelWidth(
  labels: ReadonlyArray<string>,
  charWidth = 6
): number {
  let widest = 0;
  for (const label of labels) {
    widest = Math.max(widest, label.length);
  }
  return Math.ceil(widest * charWidth);
}

/**
 * Index of the point whose step is nearest to `step` in a series sorted by step
 * (binary search), or -1 for an empty series.
 */
export function nearestIndex(
  points: ReadonlyArray<{ step: number }>,
  step: number
): number {
  if (!points.length) {
    return -1;
  }
  let lo = 0;
  let hi = points.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (points[mid].step < step) {
      lo = mid + 1;
    } else {
      hi = mid;
    }
  }
  if (lo > 0 && step - points[lo - 1].step <= points[lo].step - step) {
    return lo - 1;
  }
  return lo;
}

/**
 * The x domain a drag from pixel `fromPx` to `toPx` selects, through `invert`
 * (pixels → steps), or null for a drag shorter than `minPx` (a click).
 */
export function dragDomain(
  fromPx: number,
  toPx: number,
  invert: (px: number) => number,
  minPx = 4
): Extent | null {
  if (Math.abs(toPx - fromPx) < minPx) {
    return null;
  }
  const a = invert(Math.min(fromPx, toPx));
  const b = invert(Math.max(fromPx, toPx));
  return b > a ? [a, b] : null;
}

/** The points of a sorted series inside `[x0, x1]`, with one neighbour each side
 * so that lines run to the edge of a zoomed plot. */
export function clipToDomain<P extends { step: number }>(
  points: ReadonlyArray<P>,
  domain: Extent
): P[] {
  const [x0, x1] = domain;
  let first = points.findIndex(p => p.step >= x0);
  if (first < 0) {
    return [];
  }
  first = Math.max(0, first - 1);
  let last = first;
  while (last < points.length - 1 && points[last].step <= x1) {
    last++;
  }
  return points.slice(first, last + 1);
}
