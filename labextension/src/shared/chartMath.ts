/**
 * Pure math of the time-series charts: scales, "nice" value ticks, time ticks
 * with readable labels, gaps at non-finite values. No DOM, so it is unit-tested
 * directly.
 */

/** A closed interval `[lo, hi]`. */
export type Extent = [number, number];

/**
 * A linear map from `domain` to `range`; an empty domain maps to the middle.
 */
export function linearScale(
  domain: Extent,
  range: Extent
): (value: number) => number {
  const [d0, d1] = domain;
  const [r0, r1] = range;
  if (d1 === d0) {
    const mid = (r0 + r1) / 2;
    return () => mid;
  }
  const k = (r1 - r0) / (d1 - d0);
  return value => r0 + (value - d0) * k;
}

/**
 * The smallest and largest finite values (a loop: spreading a long series into
 * `Math.min` would overflow the stack), or null when none is finite.
 */
export function finiteExtent(values: Iterable<number>): Extent | null {
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of values) {
    if (Number.isFinite(v)) {
      lo = Math.min(lo, v);
      hi = Math.max(hi, v);
    }
  }
  return lo <= hi ? [lo, hi] : null;
}

/**
 * An extent that can be drawn: a single value gets ±10 % of room (±1 at zero).
 */
export function padExtent(extent: Extent): Extent {
  const [lo, hi] = extent;
  if (lo !== hi) {
    return [lo, hi];
  }
  const pad = lo === 0 ? 1 : Math.abs(lo) * 0.1;
  return [lo - pad, hi + pad];
}

/**
 * A step of 1, 2 or 5 × 10^k that cuts `span` into at most `maxTicks` intervals.
 */
export function niceStep(span: number, maxTicks: number): number {
  if (!(span > 0) || !Number.isFinite(span)) {
    return 1;
  }
  const raw = span / Math.max(1, maxTicks);
  const power = Math.pow(10, Math.floor(Math.log10(raw)));
  for (const m of [1, 2, 5, 10]) {
    if (m * power >= raw * (1 - 1e-9)) {
      return m * power;
    }
  }
  return 10 * power;
}

/** Value ticks and the domain they span. */
export interface IValueTicks {
  /** The domain, widened to whole steps. */
  domain: Extent;
  /** Distance between ticks. */
  step: number;
  /** Tick values, ascending. */
  ticks: number[];
}

/**
 * "Nice" ticks for a value axis: the extent widened to whole steps of 1, 2 or 5
 * × 10^k. A single value gets some room around it.
 */
export function niceTicks(extent: Extent, maxTicks = 5): IValueTicks {
  const [lo, hi] = padExtent(extent);
  const step = niceStep(hi - lo, maxTicks);
  const first = Math.floor(lo / step + 1e-9);
  const last = Math.ceil(hi / step - 1e-9);
  const ticks: number[] = [];
  for (let i = first; i <= last; i++) {
    ticks.push(roundToStep(i * step, step));
  }
  return {
    domain: [ticks[0], ticks[ticks.length - 1]],
    step,
    ticks
  };
}

/** Decimals needed to write multiples of `step` exactly. */
function stepDecimals(step: number): number {
  return Math.max(0, Math.min(12, -Math.floor(Math.log10(step) + 1e-9)));
}

/** `value` without the float noise of multiplying steps (0.30000000000000004). */
function roundToStep(value: number, step: number): number {
  return Number(value.toFixed(stepDecimals(step)));
}

/**
 * Label of a value tick: as many decimals as the step needs, an exponent for
 * tiny or huge values.
 */
export function formatValueTick(value: number, step: number): string {
  const abs = Math.abs(value);
  if (value !== 0 && (abs >= 1e6 || step < 1e-4)) {
    return value.toExponential(1);
  }
  return value.toFixed(stepDecimals(step));
}

/** Steps of a time axis, in seconds. */
export const TIME_STEPS: ReadonlyArray<number> = [
  1,
  2,
  5,
  10,
  15,
  30,
  60,
  120,
  300,
  600,
  900,
  1800,
  3600,
  2 * 3600,
  3 * 3600,
  6 * 3600,
  12 * 3600,
  86400,
  2 * 86400,
  7 * 86400,
  14 * 86400,
  30 * 86400
];

/**
 * Offset of the local time zone from UTC at `ts`, in seconds (east positive).
 */
export function localOffset(ts: number): number {
  return -new Date(ts * 1000).getTimezoneOffset() * 60;
}

/** Time ticks of an axis. */
export interface ITimeTicks {
  /** Seconds between ticks. */
  step: number;
  /** Tick times (epoch seconds) within the domain, ascending. */
  ticks: number[];
}

/**
 * Ticks for a time axis over `[t0, t1]` (epoch seconds): the smallest step of
 * {@link TIME_STEPS} that gives at most `maxTicks` ticks, aligned to whole steps
 * of local time (`offset`: seconds east of UTC).
 */
export function timeTicks(
  domain: Extent,
  maxTicks = 6,
  offset: number = localOffset(domain[0])
): ITimeTicks {
  const [t0, t1] = domain;
  const span = Math.max(t1 - t0, 1);
  let step = TIME_STEPS[TIME_STEPS.length - 1];
  for (const s of TIME_STEPS) {
    if (span / s <= maxTicks) {
      step = s;
      break;
    }
  }
  if (span / step > maxTicks) {
    step = Math.ceil(span / maxTicks / 86400) * 86400;
  }
  const ticks: number[] = [];
  const first = Math.ceil((t0 + offset) / step) * step - offset;
  for (let t = first; t <= t1 + 1e-6; t += step) {
    ticks.push(t);
  }
  if (ticks.length < 2) {
    // A span shorter than a step (batches logged in a loop): label its ends.
    return { step, ticks: t1 > t0 ? [t0, t1] : [t0] };
  }
  return { step, ticks };
}

const MONTHS = [
  'Jan',
  'Feb',
  'Mar',
  'Apr',
  'May',
  'Jun',
  'Jul',
  'Aug',
  'Sep',
  'Oct',
  'Nov',
  'Dec'
];

const pad2 = (n: number): string => String(n).padStart(2, '0');

/**
 * Label of a time tick: `Nov 26` at local midnight or for steps of days,
 * `14:05` for steps of minutes and hours, `14:05:30` for steps of seconds.
 */
export function formatTimeTick(
  ts: number,
  step: number,
  offset: number = localOffset(ts)
): string {
  // A Date shifted by the offset, read in UTC, gives local wall-clock fields
  // without depending on the runtime's own time zone.
  const d = new Date((ts + offset) * 1000);
  const midnight =
    d.getUTCHours() === 0 && d.getUTCMinutes() === 0 && d.getUTCSeconds() === 0;
  if (step >= 86400 || midnight) {
    return `${MONTHS[d.getUTCMonth()]} ${d.getUTCDate()}`;
  }
  const hm = `${pad2(d.getUTCHours())}:${pad2(d.getUTCMinutes())}`;
  return step < 60 ? `${hm}:${pad2(d.getUTCSeconds())}` : hm;
}

/**
 * Full local date and time of a point, for tooltips: `2026-11-26 14:05:30`.
 */
export function formatTimestamp(
  ts: number,
  offset: number = localOffset(ts)
): string {
  const d = new Date((ts + offset) * 1000);
  return (
    `${d.getUTCFullYear()}-${pad2(d.getUTCMonth() + 1)}-${pad2(d.getUTCDate())} ` +
    `${pad2(d.getUTCHours())}:${pad2(d.getUTCMinutes())}:${pad2(d.getUTCSeconds())}`
  );
}

/**
 * The time domain of points: their extent, or a minute either side of a
 * single time.
 */
export function timeDomain(times: Iterable<number>): Extent | null {
  const extent = finiteExtent(times);
  if (!extent) {
    return null;
  }
  return extent[0] === extent[1] ? [extent[0] - 60, extent[1] + 60] : extent;
}

/**
 * Split points into runs of consecutive finite points: NaN and ±Infinity (of
 * the value or of `x`) make gaps in a line.
 */
export function finiteRunsBy<P extends { value: number }>(
  points: ReadonlyArray<P>,
  x: (point: P) => number
): P[][] {
  const out: P[][] = [];
  let current: P[] = [];
  for (const p of points) {
    if (Number.isFinite(p.value) && Number.isFinite(x(p))) {
      current.push(p);
    } else if (current.length) {
      out.push(current);
      current = [];
    }
  }
  if (current.length) {
    out.push(current);
  }
  return out;
}

/** Split time points into runs of consecutive finite points (gaps at NaN). */
export function finiteRuns<P extends { ts: number; value: number }>(
  points: ReadonlyArray<P>
): P[][] {
  return finiteRunsBy(points, p => p.ts);
}
