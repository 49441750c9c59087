/**
 * Decoders of the payload parts more than one feature reads (the schemas'
 * `run_summary.json` and the references of `common.json`): a run summary, a
 * metric point, a version reference and a run reference.
 */
import {
  count,
  fields,
  finiteNumber,
  flag,
  isObject,
  jsonRecord,
  numberRecord,
  Obj,
  optNum,
  optStr,
  str,
  text,
  toNumber
} from './decode';
import { versionRef } from './refs';
import { decodeReproducibility } from './reproducibility';
import * as MM from './types';

/** Decode a `RunSummary`. */
export const decodeRunSummary = fields<MM.IRunSummary>('run', {
  id: str,
  name: text,
  experiment: text,
  status: v => optStr(v) ?? 'unknown',
  started_at: optStr,
  finished_at: optStr,
  duration_s: optNum,
  user: optStr,
  host: optStr,
  notebook_path: optStr,
  tags: jsonRecord,
  params: jsonRecord,
  metrics: numberRecord,
  n_outputs: count,
  n_figures: count,
  parent_run_id: optStr,
  n_children: count,
  // Issue 14's housekeeping fields: absent from older servers.
  starred: flag,
  archived_at: optStr,
  deleted_at: optStr,
  note: text,
  cell_id: optStr,
  // Issue 15's hidden-state analysis: null for older runs and servers.
  reproducibility: decodeReproducibility
});

/** Decode one point of a metric's step series; null without a step or a value. */
export function decodePoint(v: unknown): MM.IMetricPoint | null {
  if (!isObject(v)) {
    return null;
  }
  const step = toNumber(v.step);
  const value = toNumber(v.value);
  if (step === null || value === null) {
    return null;
  }
  return { step, value, timestamp_ts: toNumber(v.timestamp_ts) };
}

/** What names one version of something: its name, number and reference. */
export interface INamedVersion {
  /** The name of what is versioned. */
  name: string;
  /** Version number. */
  version: number;
  /** The version's reference as the server spells it. */
  ref: string;
}

/**
 * Decode anything that names a version (an artifact version, a model version):
 * its name, number and `ref` (`formatRef` when absent), then its other fields.
 * Null when it lacks a name or a version number.
 *
 * @param v - The wire value.
 * @param formatRef - The reference of a version that does not send its own.
 * @param rest - The other fields, read from the wire object.
 */
export function decodeNamedVersion<T>(
  v: unknown,
  formatRef: (name: string, version: number) => string,
  rest: (o: Obj) => T
): (INamedVersion & T) | null {
  if (!isObject(v) || typeof v.name !== 'string') {
    return null;
  }
  const version = finiteNumber(v.version);
  if (version === null) {
    return null;
  }
  const ref = optStr(v.ref) ?? formatRef(v.name, version);
  return { name: v.name, version, ref, ...rest(v) };
}

/**
 * Decode a `VersionRef`; null when it lacks a name or a version number.
 */
export function decodeVersionRef(v: unknown): MM.IVersionRef | null {
  return decodeNamedVersion(v, versionRef, o => ({
    kind: optStr(o.kind) ?? '',
    digest: optStr(o.digest) ?? '',
    size: toNumber(o.size) ?? 0
  }));
}

/** Decode a `RunRef`; null without an id. */
export function decodeRunRef(v: unknown): MM.IRunRef | null {
  if (!isObject(v) || typeof v.id !== 'string') {
    return null;
  }
  return {
    id: v.id,
    name: optStr(v.name) ?? '',
    status: optStr(v.status) ?? 'unknown'
  };
}
