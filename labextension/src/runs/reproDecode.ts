/**
 * Decoders of the reproducibility endpoints: the report of
 * `POST runs/{id}/rerun` and the notebook of `GET runs/{id}/checkout`.
 *
 * Both hold stored user content: every field is checked, malformed rows are
 * dropped, texts stay strings (rendered as text only).
 */
import {
  DecodeError,
  fields,
  flag,
  isObject,
  jsonRecord,
  list,
  optNum,
  optStr,
  str,
  text
} from '../shared/decode';
import * as MM from './types';

function decodeMetricDelta(v: unknown): MM.IMetricDelta | null {
  if (!isObject(v) || typeof v.key !== 'string') {
    return null;
  }
  return {
    key: v.key,
    original: optNum(v.original),
    rerun: optNum(v.rerun),
    delta: optNum(v.delta),
    within_tolerance: flag(v.within_tolerance),
    timing: flag(v.timing)
  };
}

function decodeOutputDifference(v: unknown): MM.IOutputDifference | null {
  if (!isObject(v) || typeof v.kind !== 'string') {
    return null;
  }
  return {
    seq: optNum(v.seq),
    kind: v.kind,
    original: optStr(v.original),
    rerun: optStr(v.rerun)
  };
}

function decodePackageDifference(v: unknown): MM.IPackageDifference | null {
  if (!isObject(v) || typeof v.name !== 'string') {
    return null;
  }
  return {
    name: v.name,
    original: optStr(v.original),
    current: optStr(v.current)
  };
}

function decodeProgramCell(v: unknown): MM.IProgramCell | null {
  return isObject(v)
    ? { execution_count: optNum(v.execution_count), cell_id: optStr(v.cell_id) }
    : null;
}

/** Decode `POST runs/{id}/rerun`. */
export const decodeRerunReport = fields<MM.IRerunReport>('rerun report', {
  run: str,
  rerun: optStr,
  status: v => optStr(v) ?? 'error',
  reproduced: flag,
  rtol: v => optNum(v) ?? 0,
  metrics: v => list(v, decodeMetricDelta),
  outputs: v => list(v, decodeOutputDifference),
  packages: v => list(v, decodePackageDifference),
  program: v => list(v, decodeProgramCell),
  error: optStr,
  duration_s: v => optNum(v) ?? 0
});

/** Decode the checkout's notebook: nbformat 4 with a list of cells. */
function decodeNotebook(v: unknown, what: string): MM.ICheckoutNotebook {
  if (!isObject(v) || v.nbformat !== 4 || !Array.isArray(v.cells)) {
    throw new DecodeError(`${what}: expected an nbformat 4 notebook`);
  }
  return {
    nbformat: 4,
    nbformat_minor: optNum(v.nbformat_minor) ?? 5,
    metadata: jsonRecord(v.metadata),
    cells: v.cells.filter(isObject).map(jsonRecord)
  };
}

function decodeCheckoutInput(v: unknown): MM.ICheckoutInput | null {
  if (!isObject(v) || typeof v.ref !== 'string') {
    return null;
  }
  return {
    ref: v.ref,
    path: optStr(v.path),
    digest: text(v.digest),
    stored: flag(v.stored)
  };
}

/** Decode `GET runs/{id}/checkout`. */
export const decodeCheckout = fields<MM.ICheckout>('checkout', {
  name: str,
  notebook: decodeNotebook,
  requirements: text,
  inputs: v => list(v, decodeCheckoutInput)
});
