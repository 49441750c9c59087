/**
 * Decoders of the runs payloads: `meta`, `runs`, `keys`, `changes` and
 * `runs/{id}`.
 */
import {
  decodePage,
  isObject,
  jsonRecord,
  list,
  num,
  obj,
  optNum,
  optStr,
  record,
  str,
  strList,
  textRecord,
  toNumber
} from '../shared/decode';
import {
  decodePoint,
  decodeRunSummary,
  decodeVersionRef
} from '../shared/decodeCommon';
import * as MM from './types';

/** Decode `GET meta`. */
export function decodeMeta(v: unknown): MM.IMeta {
  const o = obj(v, 'meta');
  const reg = isObject(o.registry) ? o.registry : {};
  return {
    name: str(o.name, 'meta.name'),
    version: str(o.version, 'meta.version'),
    api_version: num(o.api_version, 'meta.api_version'),
    registry: {
      path: optStr(reg.path) ?? '',
      source: optStr(reg.source) ?? ''
    },
    schema_version: optNum(o.schema_version) ?? 0
  };
}

/** Decode `GET runs`. */
export function decodeRunList(v: unknown): MM.IRunList {
  return decodePage(v, 'runs', decodeRunSummary);
}

/** Decode `GET keys`. */
export function decodeKeys(v: unknown): MM.IKeys {
  const o = obj(v, 'keys');
  return {
    experiments: strList(o.experiments),
    metrics: strList(o.metrics),
    params: strList(o.params)
  };
}

/** Decode `GET changes`. */
export function decodeChanges(v: unknown): MM.IChanges {
  const o = obj(v, 'changes');
  return {
    cursor: num(o.cursor, 'changes.cursor'),
    changed: o.changed === true,
    firing: typeof o.firing === 'number' ? o.firing : null
  };
}

function decodeOutput(v: unknown, index: number): MM.IOutput {
  const o = obj(v, 'output');
  const blobs = record(o.blobs, (b): MM.IBlobRef | null =>
    isObject(b) && typeof b.digest === 'string'
      ? { digest: b.digest, size: toNumber(b.size) ?? 0 }
      : null
  );
  return {
    seq: optNum(o.seq) ?? index,
    output_type: optStr(o.output_type) ?? 'display_data',
    name: optStr(o.name),
    text: optStr(o.text),
    data: isObject(o.data) ? jsonRecord(o.data) : null,
    metadata: jsonRecord(o.metadata),
    blobs,
    truncated_bytes: optNum(o.truncated_bytes) ?? 0
  };
}

function decodeCode(v: unknown): MM.ICode {
  const o = isObject(v) ? v : {};
  const history = Array.isArray(o.history)
    ? o.history.filter(isObject).map((h, i) => ({
        n: toNumber(h.n) ?? i + 1,
        source: optStr(h.source) ?? ''
      }))
    : [];
  const nb = isObject(o.notebook) ? o.notebook : null;
  return {
    cell: optStr(o.cell) ?? '',
    history,
    notebook: nb
      ? {
          path: optStr(nb.path) ?? '',
          digest: optStr(nb.digest) ?? '',
          size: toNumber(nb.size) ?? 0
        }
      : null
  };
}

function decodeEnvironment(v: unknown): MM.IEnvironment | null {
  if (!isObject(v)) {
    return null;
  }
  const git = isObject(v.git) ? v.git : null;
  return {
    digest: optStr(v.digest) ?? '',
    python: optStr(v.python) ?? '',
    platform: optStr(v.platform) ?? '',
    packages: textRecord(v.packages),
    git: git
      ? { commit: optStr(git.commit) ?? '', dirty: git.dirty === true }
      : null
  };
}

/** Decode a run's `artifacts`; absent (older servers) means none. */
export function decodeRunArtifacts(v: unknown): MM.IRunArtifacts {
  const o = isObject(v) ? v : {};
  return {
    inputs: list(o.inputs, decodeVersionRef),
    outputs: list(o.outputs, decodeVersionRef)
  };
}

/** Decode `GET runs/{id}`. */
export function decodeRunDetail(v: unknown): MM.IRunDetail {
  const o = obj(v, 'run detail');
  const metrics: Record<string, MM.IMetricPoint[]> = {};
  if (isObject(o.metrics)) {
    for (const [k, series] of Object.entries(o.metrics)) {
      if (Array.isArray(series)) {
        metrics[k] = series
          .map(decodePoint)
          .filter((p): p is MM.IMetricPoint => p !== null)
          .sort((a, b) => a.step - b.step);
      }
    }
  }
  return {
    run: decodeRunSummary(o.run),
    param_sources: record(o.param_sources, optStr),
    metrics,
    outputs: Array.isArray(o.outputs) ? o.outputs.map(decodeOutput) : [],
    code: decodeCode(o.code),
    environment: decodeEnvironment(o.environment),
    error: optStr(o.error),
    artifacts: decodeRunArtifacts(o.artifacts)
  };
}
