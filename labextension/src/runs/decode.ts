/**
 * Decoders of the runs payloads: `meta`, `runs`, `keys`, `changes` and
 * `runs/{id}`.
 */
import {
  count,
  decodePage,
  fields,
  flag,
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
  text,
  textRecord,
  toNumber
} from '../shared/decode';
import {
  decodePoint,
  decodeRunSummary,
  decodeVersionRef
} from '../shared/decodeCommon';
import { decodeReproducibility } from '../shared/reproducibility';
import { decodeReportSummaries } from './reportDecode';
import { decodeCodeObjects } from './objectDecode';
import * as MM from './types';

/** Decode `GET meta`'s `backend` (absent from older servers). */
export const decodeBackend = fields<MM.IBackendInfo>('meta.backend', {
  backend: text,
  database: optStr,
  database_source: text,
  blobs: optStr,
  blobs_source: text,
  user: v => optStr(v) || null
});

/** Decode `GET meta`. */
export const decodeMeta = fields<MM.IMeta>('meta', {
  name: str,
  version: str,
  api_version: num,
  registry: v => {
    const reg = isObject(v) ? v : {};
    return { path: text(reg.path), source: text(reg.source) };
  },
  schema_version: count,
  backend: v => (isObject(v) ? decodeBackend(v) : null)
});

/** Decode `GET runs`. */
export function decodeRunList(v: unknown): MM.IRunList {
  const o = isObject(v) ? v : {};
  return {
    ...decodePage(v, 'runs', decodeRunSummary),
    next_cursor: optStr(o.next_cursor),
    prev_cursor: optStr(o.prev_cursor)
  };
}

/** Decode `GET keys`. */
export const decodeKeys = fields<MM.IKeys>('keys', {
  experiments: strList,
  metrics: strList,
  params: strList,
  // Issue 14's column statistics: absent from older servers.
  metric_counts: v => record(v, x => (typeof x === 'number' ? x : null)),
  varying_params: strList,
  tag_keys: strList,
  directions: v =>
    record(v, (x): MM.MetricDirection | null =>
      x === 'min' || x === 'max' ? x : null
    )
});

/** Decode one entry of a run's change history; null without a time or an action. */
export function decodeRunEvent(v: unknown): MM.IRunEvent | null {
  if (!isObject(v) || typeof v.action !== 'string') {
    return null;
  }
  const at = optStr(v.at) ?? (typeof v.at === 'number' ? String(v.at) : null);
  if (at === null) {
    return null;
  }
  return {
    at,
    user: optStr(v.user),
    action: v.action,
    detail: jsonRecord(v.detail)
  };
}

/** Decode `GET changes`. */
export const decodeChanges = fields<MM.IChanges>('changes', {
  cursor: num,
  changed: flag,
  firing: v => (typeof v === 'number' ? v : null)
});

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

/** Every metric's points, by key, in step order; malformed points are dropped. */
function decodeMetricSeries(v: unknown): Record<string, MM.IMetricPoint[]> {
  const metrics: Record<string, MM.IMetricPoint[]> = {};
  if (isObject(v)) {
    for (const [k, series] of Object.entries(v)) {
      if (Array.isArray(series)) {
        metrics[k] = series
          .map(decodePoint)
          .filter((p): p is MM.IMetricPoint => p !== null)
          .sort((a, b) => a.step - b.step);
      }
    }
  }
  return metrics;
}

/** Decode a run detail's `parent` (null for a top-level run). */
function decodeParent(v: unknown, what: string): MM.IRunParent | null {
  return v === null || v === undefined
    ? null
    : fields<MM.IRunParent>(what, { id: str, name: optStr })(v);
}

const decodeCandidate = fields<MM.ICandidate>('candidate', {
  id: str,
  name: text,
  status: v => optStr(v) ?? 'unknown',
  params: jsonRecord,
  score: optNum,
  std: optNum,
  rank: optNum
});

const decodeCandidateScore = fields<MM.ICandidateScore>('candidates.score', {
  rank: optStr,
  mean: optStr,
  std: optStr
});

/** Decode a search run's `candidates` (null for a run without children). */
function decodeCandidates(v: unknown, what: string): MM.ICandidates | null {
  return v === null || v === undefined
    ? null
    : fields<MM.ICandidates>(what, {
        total: count,
        score: decodeCandidateScore,
        params: strList,
        runs: x => list(x, decodeCandidate)
      })(v);
}

/** Decode the version `POST runs/{id}/register-model` made (the fields shown). */
export const decodeRegisteredVersion = fields<MM.IRegisteredVersion>(
  'registered version',
  {
    name: str,
    version: num,
    ref: str,
    stage: v => optStr(v) ?? 'none',
    aliases: strList
  }
);

/** The fields of `GET runs/{id}`, each from the wire field of its name. */
const decodeRunDetailFields = fields<MM.IRunDetail>('run detail', {
  run: decodeRunSummary,
  param_sources: v => record(v, optStr),
  metrics: decodeMetricSeries,
  outputs: v => (Array.isArray(v) ? v.map(decodeOutput) : []),
  code: decodeCode,
  environment: decodeEnvironment,
  error: optStr,
  artifacts: decodeRunArtifacts,
  objects: decodeCodeObjects,
  reports: decodeReportSummaries,
  parent: decodeParent,
  candidates: decodeCandidates,
  // Issue 14's housekeeping: absent from older servers. The full note may sit
  // next to the summary (whose `note` is cut at 200 characters) or only in it.
  note: text,
  deleted_at: optStr,
  events: v => list(v, decodeRunEvent),
  starred: flag,
  archived_at: optStr,
  cell_id: optStr,
  // Issue 15: null for older runs and servers.
  reproducibility: decodeReproducibility
});

/**
 * Decode `GET runs/{id}`: {@link decodeRunDetailFields}, then the note, the
 * deletion time, the star, the archive time, the cell id and the
 * hidden-state analysis taken from the
 * summary when the detail does not repeat them.
 */
export function decodeRunDetail(v: unknown): MM.IRunDetail {
  const detail = decodeRunDetailFields(v);
  const run = isObject(v) && isObject(v.run) ? v.run : {};
  return {
    ...detail,
    note: detail.note || detail.run.note,
    deleted_at: detail.deleted_at ?? optStr(run.deleted_at),
    starred: detail.starred || detail.run.starred,
    archived_at: detail.archived_at ?? detail.run.archived_at,
    cell_id: detail.cell_id ?? detail.run.cell_id,
    reproducibility: detail.reproducibility ?? detail.run.reproducibility
  };
}
