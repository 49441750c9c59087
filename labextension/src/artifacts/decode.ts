/**
 * Decoders of the artifacts payloads: versions, `artifacts`,
 * `artifacts/{name}/versions` and `lineage` (version and run references are
 * decoded by `../shared/decodeCommon.ts`).
 */
import {
  count,
  DecodeError,
  decodePage,
  fields,
  flag,
  isObject,
  jsonRecord,
  list,
  newestFirst,
  numberRecord,
  Readers,
  obj,
  optStr,
  record,
  str,
  strList,
  text,
  toNumber
} from '../shared/decode';
import { decodeRunRef, decodeVersionRef } from '../shared/decodeCommon';
import * as MM from './types';

function decodeFile(v: unknown): MM.IArtifactFile | null {
  if (!isObject(v) || typeof v.path !== 'string') {
    return null;
  }
  return {
    path: v.path,
    digest: optStr(v.digest) ?? '',
    size: toNumber(v.size) ?? 0
  };
}

/** Decode an `ArtifactVersion`; null when it is not even a `VersionRef`. */
export function decodeArtifactVersion(v: unknown): MM.IArtifactVersion | null {
  const ref = decodeVersionRef(v);
  if (!ref || !isObject(v)) {
    return null;
  }
  return {
    ...ref,
    media_type: optStr(v.media_type) ?? '',
    format: optStr(v.format) ?? '',
    is_dir: v.is_dir === true,
    file_name: optStr(v.file_name) ?? '',
    metadata: jsonRecord(v.metadata),
    created_at: optStr(v.created_at),
    aliases: strList(v.aliases),
    producer: decodeRunRef(v.producer),
    consumers: list(v.consumers, decodeRunRef),
    files: Array.isArray(v.files) ? list(v.files, decodeFile) : null,
    // Absent from servers older than fingerprint-only versions: those stored everything.
    stored: v.stored !== false
  };
}

/** The readers of an artifact's own fields. */
const ARTIFACT_INFO: Readers<MM.IArtifactInfo> = {
  name: str,
  kind: text,
  description: text,
  tags: jsonRecord,
  created_at: optStr,
  n_versions: count,
  aliases: numberRecord
};

const decodeArtifactInfo = fields<MM.IArtifactInfo>('artifact', ARTIFACT_INFO);

/** Decode one artifact of `GET artifacts`. */
export const decodeArtifactSummary = fields<MM.IArtifactSummary>('artifact', {
  ...ARTIFACT_INFO,
  latest: decodeArtifactVersion
});

/** Decode `GET artifacts`. */
export function decodeArtifactList(v: unknown): MM.IArtifactList {
  return decodePage(v, 'artifacts', decodeArtifactSummary);
}

function decodeAliasChange(v: unknown): MM.IAliasChange | null {
  if (!isObject(v) || typeof v.alias !== 'string') {
    return null;
  }
  return {
    alias: v.alias,
    from_version: toNumber(v.from_version),
    to_version: toNumber(v.to_version),
    changed_at: optStr(v.changed_at),
    user: optStr(v.user)
  };
}

/** Decode `GET artifacts/{name}/versions`; versions come newest first. */
export const decodeArtifactDetail = fields<MM.IArtifactDetail>(
  'artifact versions',
  {
    artifact: decodeArtifactInfo,
    versions: newestFirst(decodeArtifactVersion),
    alias_history: v => list(v, decodeAliasChange)
  }
);

function decodeLineageNode(v: unknown): MM.LineageNode | null {
  if (!isObject(v) || typeof v.id !== 'string') {
    return null;
  }
  if (v.type === 'run') {
    const run = decodeRunRef(v.run);
    if (!run) {
      return null;
    }
    const experiment = isObject(v.run) ? optStr(v.run.experiment) : null;
    return {
      id: v.id,
      type: 'run',
      run: { ...run, experiment: experiment ?? '' }
    };
  }
  if (v.type === 'version') {
    const version = decodeVersionRef(v.version);
    return version ? { id: v.id, type: 'version', version } : null;
  }
  return null;
}

/**
 * Decode `GET lineage`. Nodes of unknown types, duplicate nodes and edges whose
 * ends are not among the nodes are dropped.
 */
export function decodeLineage(v: unknown): MM.ILineage {
  const o = obj(v, 'lineage');
  const nodes: MM.LineageNode[] = [];
  const ids = new Set<string>();
  for (const node of list(o.nodes, decodeLineageNode)) {
    if (!ids.has(node.id)) {
      ids.add(node.id);
      nodes.push(node);
    }
  }
  const seen = new Set<string>();
  const edges: MM.ILineageEdge[] = [];
  for (const e of list(o.edges, x => (isObject(x) ? x : null))) {
    const source = optStr(e.source);
    const target = optStr(e.target);
    if (!source || !target || !ids.has(source) || !ids.has(target)) {
      continue;
    }
    const key = `${source}->${target}`;
    if (!seen.has(key)) {
      seen.add(key);
      edges.push({
        source,
        target,
        kind: optStr(e.kind) ?? '',
        via: optStr(e.via)
      });
    }
  }
  return {
    root: optStr(o.root) ?? '',
    nodes,
    edges,
    truncated: o.truncated === true
  };
}

/** A number, or a string (datetime statistics), else null. */
function numberOrText(v: unknown): number | string | null {
  return typeof v === 'string' ? v : toNumber(v);
}

function decodeTopValue(v: unknown): MM.ITopValue | null {
  if (!isObject(v) || typeof v.value !== 'string') {
    return null;
  }
  return { value: v.value, count: toNumber(v.count) ?? 0 };
}

function decodeColumnProfile(v: unknown): MM.IColumnProfile | null {
  if (!isObject(v) || typeof v.name !== 'string') {
    return null;
  }
  return {
    name: v.name,
    dtype: text(v.dtype),
    kind: text(v.kind),
    nulls: toNumber(v.nulls),
    min: numberOrText(v.min),
    max: numberOrText(v.max),
    mean: toNumber(v.mean),
    std: toNumber(v.std),
    distinct: toNumber(v.distinct),
    top: list(v.top, decodeTopValue)
  };
}

/**
 * The profile a dataset version keeps in its metadata (`metadata.profile`), or null
 * when it has none. Metadata is free-form JSON: anything unexpected is dropped.
 */
export function profileOf(
  metadata: Record<string, MM.JSONValue>
): MM.IDatasetProfile | null {
  const p = metadata.profile;
  if (!isObject(p) || !Array.isArray(p.columns)) {
    return null;
  }
  return {
    rows: toNumber(p.rows),
    sample_rows: toNumber(p.sample_rows),
    columns_total: toNumber(p.columns_total),
    columns: list(p.columns, decodeColumnProfile),
    nnz: toNumber(p.nnz)
  };
}

const decodeDiffSide = (v: unknown, what: string): MM.IDatasetDiffSide => {
  const ref = decodeVersionRef(v);
  if (!ref || !isObject(v)) {
    throw new DecodeError(`${what}: expected a version`);
  }
  return {
    ...ref,
    stored: v.stored !== false,
    fingerprint: optStr(v.fingerprint),
    profiled: flag(v.profiled)
  };
};

function decodeColumnDtype(v: unknown): MM.IColumnDtype | null {
  if (!isObject(v) || typeof v.name !== 'string') {
    return null;
  }
  return { name: v.name, dtype: optStr(v.dtype) };
}

function decodeStatChange(v: unknown): MM.IStatChange | null {
  if (!isObject(v)) {
    return null;
  }
  return {
    a: numberOrText(v.a),
    b: numberOrText(v.b),
    delta: toNumber(v.delta)
  };
}

function decodeColumnDiff(v: unknown): MM.IColumnDiff | null {
  if (!isObject(v) || typeof v.name !== 'string') {
    return null;
  }
  const dtype = isObject(v.dtype) ? v.dtype : {};
  const top = isObject(v.top) ? v.top : {};
  return {
    name: v.name,
    kind: optStr(v.kind),
    dtype: { a: optStr(dtype.a), b: optStr(dtype.b) },
    stats: record(v.stats, decodeStatChange),
    top: { a: list(top.a, decodeTopValue), b: list(top.b, decodeTopValue) },
    changed: flag(v.changed)
  };
}

function decodeSchemaChange(
  v: unknown
): { name: string; a: string | null; b: string | null } | null {
  if (!isObject(v) || typeof v.name !== 'string') {
    return null;
  }
  return { name: v.name, a: optStr(v.a), b: optStr(v.b) };
}

/** Decode `GET artifacts/diff`: the schema and profile changes of two versions. */
export const decodeDatasetDiff = fields<MM.IDatasetDiff>('dataset diff', {
  a: decodeDiffSide,
  b: decodeDiffSide,
  same_content: flag,
  rows: v => {
    const o = isObject(v) ? v : {};
    return { a: toNumber(o.a), b: toNumber(o.b), delta: toNumber(o.delta) };
  },
  schema: v => {
    const o = isObject(v) ? v : {};
    return {
      added: list(o.added, decodeColumnDtype),
      removed: list(o.removed, decodeColumnDtype),
      changed: list(o.changed, decodeSchemaChange),
      unchanged: strList(o.unchanged)
    };
  },
  columns: v => list(v, decodeColumnDiff),
  summary: v => {
    const o = isObject(v) ? v : {};
    return {
      columns_added: count(o.columns_added),
      columns_removed: count(o.columns_removed),
      dtypes_changed: count(o.dtypes_changed),
      columns_changed: count(o.columns_changed),
      rows_changed: flag(o.rows_changed),
      same_content: flag(o.same_content)
    };
  }
});
