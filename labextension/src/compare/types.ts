/**
 * Types of the comparison of N runs (`GET compare?runs=`, docs/compare.md), as the
 * frontend sees them after decoding. Every string is untrusted user content.
 */
import type { Direction } from '../shared/deltas';
import * as MM from '../shared/types';

/**
 * Types of the comparison payload.
 */
export namespace Cmp {
  /** A point of a (possibly thinned) series. */
  export interface IPoint {
    step: number;
    /** May be NaN or infinite (a gap). */
    value: number;
  }

  /** One run's series of one metric. */
  export interface IRunSeries {
    /** Sorted by step; at most `max_points`. */
    points: IPoint[];
    /** Points stored. */
    count: number;
    /** Whether `points` is a thinned copy (min-max decimation). */
    downsampled: boolean;
  }

  /** `GET compare?runs=...`. */
  export interface IComparison {
    /** The runs in the order asked for. */
    runs: MM.IRunSummary[];
    /** Every param key of any run, sorted. */
    param_keys: string[];
    /** The param keys whose value differs between runs, sorted. */
    differing_params: string[];
    /** Every metric key of any run, sorted. */
    metric_keys: string[];
    /** Per metric key: lower (`min`) or higher (`max`) is better. */
    directions: Record<string, Direction>;
    /** Per metric key, per run id. */
    series: Record<string, Record<string, IRunSeries>>;
    /** The most points a series carries. */
    max_points: number;
  }
}
