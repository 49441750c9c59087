/**
 * Pure rules of the comparison view: what a column of runs holds (a param, a
 * metric or a tag), the axes of the parallel coordinates and the scatter
 * (numeric or categorical), the colour scale of a metric, the best run of a
 * metric, and group-by statistics. No React: unit-tested on their own.
 */
import { Direction } from '../shared/deltas';
import { formatValue } from '../shared/format';
import * as MM from '../shared/types';

/** Where a value of a run comes from. */
export type FieldKind = 'param' | 'metric' | 'tag';

/** A param, metric or tag key of the runs. */
export interface IField {
  kind: FieldKind;
  key: string;
}

/** `param:lr`, `metric:acc`, `tag:team`: a field as one string (select values). */
export function fieldId(field: IField): string {
  return `${field.kind}:${field.key}`;
}

/** The field of a {@link fieldId}, or null. */
export function parseFieldId(id: string): IField | null {
  const at = id.indexOf(':');
  const kind = id.slice(0, at);
  if (at < 0 || !['param', 'metric', 'tag'].includes(kind)) {
    return null;
  }
  return { kind: kind as FieldKind, key: id.slice(at + 1) };
}

/** A value of a run in a field: a number, a text, or null when the run has none. */
export type FieldValue = number | string | null;

/**
 * The value of `field` in `run`: numbers stay numbers (not booleans: they are
 * categories), any other JSON value is its text.
 */
export function fieldValue(run: MM.IRunSummary, field: IField): FieldValue {
  const source =
    field.kind === 'param'
      ? run.params
      : field.kind === 'metric'
        ? run.metrics
        : run.tags;
  if (!(field.key in source)) {
    return null;
  }
  const v = (source as Record<string, MM.JSONValue>)[field.key];
  if (v === null || v === undefined) {
    return null;
  }
  if (typeof v === 'number') {
    return v;
  }
  return formatValue(v);
}

/** One axis: numeric (a linear range) or categorical (evenly spaced values). */
export interface IAxis {
  field: IField;
  kind: 'numeric' | 'categorical';
  /** Numeric: the smallest and largest finite value. */
  min: number;
  max: number;
  /** Categorical: the values, sorted. */
  categories: string[];
}

/**
 * The axis of a field over runs: numeric when every value present is a finite
 * number, else categorical (numbers then read as their text).
 */
export function buildAxis(
  runs: ReadonlyArray<MM.IRunSummary>,
  field: IField
): IAxis {
  const values = runs.map(r => fieldValue(r, field)).filter(v => v !== null);
  const numeric =
    values.length > 0 &&
    values.every(v => typeof v === 'number' && Number.isFinite(v));
  if (numeric) {
    const nums = values as number[];
    let min = Infinity;
    let max = -Infinity;
    for (const v of nums) {
      min = Math.min(min, v);
      max = Math.max(max, v);
    }
    return { field, kind: 'numeric', min, max, categories: [] };
  }
  const categories = [...new Set(values.map(v => String(v)))].sort();
  return { field, kind: 'categorical', min: 0, max: 0, categories };
}

/**
 * Where a value sits on an axis, from 0 (bottom/left) to 1, or null for a run
 * without a value (or a non-finite number). A single value sits in the middle.
 */
export function axisPosition(axis: IAxis, value: FieldValue): number | null {
  if (value === null) {
    return null;
  }
  if (axis.kind === 'numeric') {
    if (typeof value !== 'number' || !Number.isFinite(value)) {
      return null;
    }
    return axis.max === axis.min
      ? 0.5
      : (value - axis.min) / (axis.max - axis.min);
  }
  const i = axis.categories.indexOf(String(value));
  if (i < 0) {
    return null;
  }
  return axis.categories.length === 1 ? 0.5 : i / (axis.categories.length - 1);
}

/** A colour stop: position 0..1 and RGB. */
type Stop = [number, number, number, number];

/**
 * Viridis, sampled: a sequential scale that reads on light and dark backgrounds
 * and in grey, and stays readable for the common colour-vision deficiencies.
 */
const VIRIDIS: ReadonlyArray<Stop> = [
  [0, 68, 1, 84],
  [0.25, 59, 82, 139],
  [0.5, 33, 145, 140],
  [0.75, 94, 201, 98],
  [1, 253, 231, 37]
];

/** The colour of `t` in 0..1 on the viridis scale, as `rgb(r, g, b)`. */
export function sequentialColor(t: number): string {
  const x = Math.min(Math.max(Number.isFinite(t) ? t : 0, 0), 1);
  let i = 0;
  while (i < VIRIDIS.length - 2 && x > VIRIDIS[i + 1][0]) {
    i++;
  }
  const [p0, r0, g0, b0] = VIRIDIS[i];
  const [p1, r1, g1, b1] = VIRIDIS[i + 1];
  const k = (x - p0) / (p1 - p0);
  const mix = (a: number, b: number) => Math.round(a + (b - a) * k);
  return `rgb(${mix(r0, r1)}, ${mix(g0, g1)}, ${mix(b0, b1)})`;
}

/**
 * Index of the best run for a metric (lowest for `min`, highest for `max`),
 * or -1 when no run has a finite value or no run beats another (all equal: there is
 * no best to mark). Ties for the best go to the first.
 */
export function bestRunIndex(
  values: ReadonlyArray<number | null | undefined>,
  direction: Direction
): number {
  let best = -1;
  values.forEach((v, i) => {
    if (v === null || v === undefined || !Number.isFinite(v)) {
      return;
    }
    const b = best < 0 ? null : (values[best] as number);
    if (b === null || (direction === 'min' ? v < b : v > b)) {
      best = i;
    }
  });
  const finite = values.filter(
    (v): v is number => typeof v === 'number' && Number.isFinite(v)
  );
  return finite.length > 1 && finite.every(v => v === finite[0]) ? -1 : best;
}

/** Statistics of one metric over the runs of a group. */
export interface IStats {
  /** Runs with a finite value. */
  n: number;
  mean: number | null;
  min: number | null;
  max: number | null;
}

/** Mean, min and max of the finite values (nulls and NaN left out). */
export function stats(
  values: ReadonlyArray<number | null | undefined>
): IStats {
  let n = 0;
  let sum = 0;
  let min = Infinity;
  let max = -Infinity;
  for (const v of values) {
    if (v === null || v === undefined || !Number.isFinite(v)) {
      continue;
    }
    n++;
    sum += v;
    min = Math.min(min, v);
    max = Math.max(max, v);
  }
  return n
    ? { n, mean: sum / n, min, max }
    : { n: 0, mean: null, min: null, max: null };
}

/** One group of runs sharing a value of the group-by field. */
export interface IGroup {
  /** The shared value as text (`(none)` for runs without one). */
  label: string;
  /** Ids of its runs, in the comparison's order. */
  runIds: string[];
  /** Per metric key. */
  metrics: Record<string, IStats>;
}

/** What a run without a value of the group-by field is grouped under. */
export const NO_VALUE = '(none)';

/**
 * Group runs by a param or tag value; each group gets the mean, min and max of
 * each metric. Groups are sorted by value (numbers numerically), `(none)` last.
 */
export function groupBy(
  runs: ReadonlyArray<MM.IRunSummary>,
  field: IField,
  metricKeys: ReadonlyArray<string>
): IGroup[] {
  const groups = new Map<
    string,
    { sort: FieldValue; runs: MM.IRunSummary[] }
  >();
  for (const run of runs) {
    const value = fieldValue(run, field);
    const label = value === null ? NO_VALUE : String(value);
    const group = groups.get(label) ?? { sort: value, runs: [] };
    group.runs.push(run);
    groups.set(label, group);
  }
  const order = [...groups.entries()].sort(([la, a], [lb, b]) => {
    if (a.sort === null || b.sort === null) {
      return a.sort === null ? (b.sort === null ? 0 : 1) : -1;
    }
    if (typeof a.sort === 'number' && typeof b.sort === 'number') {
      return a.sort - b.sort;
    }
    return la < lb ? -1 : la > lb ? 1 : 0;
  });
  return order.map(([label, g]) => ({
    label,
    runIds: g.runs.map(r => r.id),
    metrics: Object.fromEntries(
      metricKeys.map(key => [key, stats(g.runs.map(r => r.metrics[key]))])
    )
  }));
}

/** The tag keys of any of the runs, sorted. */
export function tagKeys(runs: ReadonlyArray<MM.IRunSummary>): string[] {
  return [...new Set(runs.flatMap(r => Object.keys(r.tags)))].sort();
}

/**
 * The params a parallel-coordinates plot starts with: those that differ, at most
 * `max`, else the first params.
 */
export function defaultAxes(
  differing: ReadonlyArray<string>,
  all: ReadonlyArray<string>,
  max = 6
): string[] {
  return (differing.length ? differing : all).slice(0, max);
}
