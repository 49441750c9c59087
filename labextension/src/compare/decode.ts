/**
 * The decoder of the comparison payload (`GET compare?runs=`).
 */
import {
  DecodeError,
  isObject,
  list,
  record,
  strList,
  toNumber
} from '../shared/decode';
import { decodeRunSummary } from '../shared/decodeCommon';
import { decodeDirections } from '../shared/deltas';
import { Cmp } from './types';

function decodePoint(v: unknown): Cmp.IPoint | null {
  if (!isObject(v)) {
    return null;
  }
  const step = toNumber(v.step);
  if (step === null) {
    return null;
  }
  return { step, value: toNumber(v.value) ?? NaN };
}

function decodeRunSeries(v: unknown): Cmp.IRunSeries | null {
  if (!isObject(v)) {
    return null;
  }
  const points = list(v.points, decodePoint);
  return {
    points,
    count: toNumber(v.count) ?? points.length,
    downsampled: v.downsampled === true
  };
}

/** Decode `GET compare?runs=`; throws {@link DecodeError} without a list of runs. */
export function decodeComparison(v: unknown): Cmp.IComparison {
  if (!isObject(v) || !Array.isArray(v.runs)) {
    throw new DecodeError('compare: expected an object with runs');
  }
  return {
    runs: v.runs.map(decodeRunSummary),
    param_keys: strList(v.param_keys),
    differing_params: strList(v.differing_params),
    metric_keys: strList(v.metric_keys),
    directions: decodeDirections(v.directions),
    series: record(v.series, s => record(s, decodeRunSeries)),
    max_points: toNumber(v.max_points) ?? 1000
  };
}
