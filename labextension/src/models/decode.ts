/**
 * Decoders of the model registry payloads: `models`, `models/{name}`,
 * `models/{name}/versions/{v}` and transitions. The promotion gate's payloads
 * (checks, approvals, policies, card) are in `./decodeGates`.
 */
import {
  count,
  DecodeError,
  decodePage,
  fields,
  finiteNumber,
  isObject,
  jsonRecord,
  list,
  newestFirst,
  numberRecord,
  optStr,
  record,
  str,
  strList,
  text,
  textRecord,
  toNumber
} from '../shared/decode';
import { decodeReproStatus } from '../shared/reproducibility';
import { decodeApproval } from './decodeGates';
import * as MM from './types';
import {
  decodeNamedVersion,
  decodeRunRef,
  decodeVersionRef
} from '../shared/decodeCommon';

function decodeSignatureFields(v: unknown): MM.ISignatureField[] {
  return list(v, x => {
    if (typeof x === 'string') {
      return { name: x, dtype: '' };
    }
    if (!isObject(x) || typeof x.name !== 'string') {
      return null;
    }
    return { name: x.name, dtype: optStr(x.dtype) ?? optStr(x.type) ?? '' };
  });
}

function decodeSignature(v: unknown): MM.IModelSignature | null {
  if (!isObject(v)) {
    return null;
  }
  return {
    inputs: decodeSignatureFields(v.inputs)
  };
}

function decodeRequirements(v: unknown): MM.IModelRequirements {
  const o = isObject(v) ? v : {};
  return {
    python: optStr(o.python) ?? '',
    packages: textRecord(o.packages)
  };
}

function decodeModelRunRef(v: unknown): MM.IModelRunRef | null {
  const run = decodeRunRef(v);
  if (!run || !isObject(v)) {
    return null;
  }
  return { ...run, experiment: optStr(v.experiment) ?? '' };
}

/** Format a model version's reference as the server does: `name:N`. */
function modelVersionRef(name: string, version: number): string {
  return `${name}:${version}`;
}

/**
 * Decode a `ModelVersion`; null when it lacks a name or a version number.
 */
export function decodeModelVersion(v: unknown): MM.IModelVersion | null {
  return decodeNamedVersion(v, modelVersionRef, o => ({
    stage: optStr(o.stage) ?? 'none',
    aliases: strList(o.aliases),
    description: optStr(o.description) ?? '',
    created_at: optStr(o.created_at),
    created_by: optStr(o.created_by),
    flavor: optStr(o.flavor) ?? '',
    artifact: decodeVersionRef(o.artifact),
    run: decodeModelRunRef(o.run),
    metrics: record(o.metrics, toNumber),
    config: jsonRecord(o.config),
    signature: decodeSignature(o.signature),
    requirements: decodeRequirements(o.requirements),
    inputs: list(o.inputs, decodeVersionRef),
    has_reference_profile: o.has_reference_profile === true,
    reproducibility: decodeVersionReproducibility(o.reproducibility)
  }));
}

/** Decode a version's `reproducibility` record; null when absent or unknown. */
function decodeVersionReproducibility(
  v: unknown
): MM.IVersionReproducibility | null {
  const status = isObject(v) ? decodeReproStatus(v.status) : null;
  if (!isObject(v) || status === null) {
    return null;
  }
  return {
    status,
    warnings: finiteNumber(v.warnings) ?? 0,
    confirmed_by: optStr(v.confirmed_by)
  };
}

function versionNumbers(v: unknown): number[] | null {
  if (!Array.isArray(v)) {
    const n = finiteNumber(v);
    return n !== null ? [n] : null;
  }
  return list(v, finiteNumber).sort((a, b) => b - a);
}

/** Decode a model of `GET models` (or the `model` of `GET models/{name}`). */
export const decodeModelSummary = fields<MM.IModelSummary>('model', {
  name: str,
  description: text,
  owner: text,
  tags: jsonRecord,
  created_at: optStr,
  updated_at: optStr,
  n_versions: count,
  latest: decodeModelVersion,
  stages: v => record(v, versionNumbers),
  aliases: numberRecord
});

/** Decode `GET models`. */
export function decodeModelList(v: unknown): MM.IModelList {
  return decodePage(v, 'models', decodeModelSummary);
}

function textOrNumber(v: unknown): string | null {
  if (typeof v === 'string') {
    return v;
  }
  return typeof v === 'number' && Number.isFinite(v) ? String(v) : null;
}

/** Decode one transition; null when it names no version. */
export function decodeModelTransition(v: unknown): MM.IModelTransition | null {
  if (!isObject(v)) {
    return null;
  }
  const version = finiteNumber(v.version);
  if (version === null) {
    return null;
  }
  return {
    version,
    kind: optStr(v.kind) ?? (typeof v.alias === 'string' ? 'alias' : 'stage'),
    alias: optStr(v.alias),
    from: textOrNumber(v.from),
    to: textOrNumber(v.to),
    user: optStr(v.user),
    comment: optStr(v.comment) ?? '',
    at: optStr(v.at),
    forced: v.forced === true,
    overridden: strList(v.overridden)
  };
}

function decodeTrend(v: unknown): Record<string, MM.ITrendPoint[]> {
  const out: Record<string, MM.ITrendPoint[]> = {};
  if (!isObject(v)) {
    return out;
  }
  for (const [key, series] of Object.entries(v)) {
    const points = list(series, (p): MM.ITrendPoint | null => {
      if (!isObject(p)) {
        return null;
      }
      const version = finiteNumber(p.version);
      const value = toNumber(p.value);
      return version === null || value === null ? null : { version, value };
    }).sort((a, b) => a.version - b.version);
    if (points.length) {
      out[key] = points;
    }
  }
  return out;
}

/** Decode `GET models/{name}`; versions come newest first. */
export const decodeModelDetail = fields<MM.IModelDetail>('model detail', {
  model: decodeModelSummary,
  versions: newestFirst(decodeModelVersion),
  history: v => list(v, decodeModelTransition),
  metric_trend: decodeTrend
});

/** Decode `GET models/{name}/versions/{v}` (and the reply of a transition). */
export function decodeModelVersionDetail(v: unknown): MM.IModelVersionDetail {
  const version = decodeModelVersion(v);
  if (!version || !isObject(v)) {
    throw new DecodeError('model version: expected a name and a version');
  }
  return {
    ...version,
    history: list(v.history, decodeModelTransition),
    approvals: Array.isArray(v.approvals)
      ? list(v.approvals, decodeApproval)
      : null
  };
}
