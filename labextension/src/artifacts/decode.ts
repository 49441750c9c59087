/**
 * Decoders of the artifacts payloads: versions, `artifacts`,
 * `artifacts/{name}/versions` and `lineage` (version and run references are
 * decoded by `../shared/decodeCommon.ts`).
 */
import {
  count,
  decodePage,
  fields,
  isObject,
  jsonRecord,
  list,
  newestFirst,
  numberRecord,
  Readers,
  obj,
  optStr,
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
    files: Array.isArray(v.files) ? list(v.files, decodeFile) : null
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
      edges.push({ source, target, kind: optStr(e.kind) ?? '' });
    }
  }
  return {
    root: optStr(o.root) ?? '',
    nodes,
    edges,
    truncated: o.truncated === true
  };
}
