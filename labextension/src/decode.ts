/**
 * Decoders from untyped JSON (`unknown`) to the types in `tokens.ts`.
 *
 * They are lenient about missing optional fields (a newer server may omit or add
 * some) but never let a wrongly typed value through: a string stays a string, so
 * nothing the server sends can reach the DOM as anything but text.
 */
import { MM } from './tokens';

/**
 * Raised when a response does not have the documented shape.
 */
export class DecodeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DecodeError';
  }
}

type Obj = Record<string, unknown>;

/** Whether `v` is a plain JSON object. */
export function isObject(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function obj(v: unknown, what: string): Obj {
  if (!isObject(v)) {
    throw new DecodeError(`${what}: expected an object`);
  }
  return v;
}

function str(v: unknown, what: string): string {
  if (typeof v !== 'string') {
    throw new DecodeError(`${what}: expected a string`);
  }
  return v;
}

function optStr(v: unknown): string | null {
  return typeof v === 'string' ? v : null;
}

/**
 * Decode a JSON number, accepting the strings the server uses for non-finite floats.
 */
export function toNumber(v: unknown): number | null {
  if (typeof v === 'number') {
    return v;
  }
  switch (v) {
    case 'NaN':
      return NaN;
    case 'Infinity':
      return Infinity;
    case '-Infinity':
      return -Infinity;
    default:
      return null;
  }
}

function num(v: unknown, what: string): number {
  const n = toNumber(v);
  if (n === null) {
    throw new DecodeError(`${what}: expected a number`);
  }
  return n;
}

function optNum(v: unknown): number | null {
  return toNumber(v);
}

function strList(v: unknown): string[] {
  return Array.isArray(v)
    ? v.filter((x): x is string => typeof x === 'string')
    : [];
}

export function json(v: unknown): MM.JSONValue {
  if (
    v === null ||
    typeof v === 'string' ||
    typeof v === 'number' ||
    typeof v === 'boolean'
  ) {
    return v;
  }
  if (Array.isArray(v)) {
    return v.map(json);
  }
  if (isObject(v)) {
    return jsonRecord(v);
  }
  return null;
}

export function jsonRecord(v: unknown): Record<string, MM.JSONValue> {
  const out: Record<string, MM.JSONValue> = {};
  if (isObject(v)) {
    for (const [k, x] of Object.entries(v)) {
      out[k] = json(x);
    }
  }
  return out;
}

export function record<T>(
  v: unknown,
  each: (x: unknown) => T | null
): Record<string, T> {
  const out: Record<string, T> = {};
  if (isObject(v)) {
    for (const [k, x] of Object.entries(v)) {
      const d = each(x);
      if (d !== null) {
        out[k] = d;
      }
    }
  }
  return out;
}

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

/** Decode a `RunSummary`. */
export function decodeRunSummary(v: unknown): MM.IRunSummary {
  const o = obj(v, 'run');
  return {
    id: str(o.id, 'run.id'),
    name: optStr(o.name) ?? '',
    experiment: optStr(o.experiment) ?? '',
    status: optStr(o.status) ?? 'unknown',
    started_at: optStr(o.started_at),
    finished_at: optStr(o.finished_at),
    duration_s: optNum(o.duration_s),
    user: optStr(o.user),
    host: optStr(o.host),
    notebook_path: optStr(o.notebook_path),
    tags: jsonRecord(o.tags),
    params: jsonRecord(o.params),
    metrics: record(o.metrics, toNumber),
    n_outputs: optNum(o.n_outputs) ?? 0,
    n_figures: optNum(o.n_figures) ?? 0
  };
}

/** Decode `GET runs`. */
export function decodeRunList(v: unknown): MM.IRunList {
  const o = obj(v, 'runs');
  if (!Array.isArray(o.runs)) {
    throw new DecodeError('runs.runs: expected a list');
  }
  return {
    total: num(o.total, 'runs.total'),
    offset: optNum(o.offset) ?? 0,
    limit: optNum(o.limit) ?? o.runs.length,
    cursor: optNum(o.cursor) ?? 0,
    runs: o.runs.map(decodeRunSummary)
  };
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
    python: optStr(v.python) ?? '',
    platform: optStr(v.platform) ?? '',
    packages: record(v.packages, x =>
      typeof x === 'string' ? x : x === null ? null : String(x)
    ),
    git: git
      ? { commit: optStr(git.commit) ?? '', dirty: git.dirty === true }
      : null
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

export function list<T>(v: unknown, each: (x: unknown) => T | null): T[] {
  if (!Array.isArray(v)) {
    return [];
  }
  const out: T[] = [];
  for (const x of v) {
    const d = each(x);
    if (d !== null) {
      out.push(d);
    }
  }
  return out;
}

/** Format a version reference as the server does: `name:vN`. */
export function versionRef(name: string, version: number): string {
  return `${name}:v${version}`;
}

/**
 * Decode a `VersionRef`; null when it lacks a name or a version number.
 */
export function decodeVersionRef(v: unknown): MM.IVersionRef | null {
  if (!isObject(v) || typeof v.name !== 'string') {
    return null;
  }
  const version = toNumber(v.version);
  if (version === null || !Number.isFinite(version)) {
    return null;
  }
  return {
    name: v.name,
    version,
    ref: optStr(v.ref) ?? versionRef(v.name, version),
    kind: optStr(v.kind) ?? '',
    digest: optStr(v.digest) ?? '',
    size: toNumber(v.size) ?? 0
  };
}

function decodeRunRef(v: unknown): MM.IRunRef | null {
  if (!isObject(v) || typeof v.id !== 'string') {
    return null;
  }
  return {
    id: v.id,
    name: optStr(v.name) ?? '',
    status: optStr(v.status) ?? 'unknown'
  };
}

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

function decodeArtifactInfo(v: unknown, what: string): MM.IArtifactInfo {
  const o = obj(v, what);
  return {
    name: str(o.name, `${what}.name`),
    kind: optStr(o.kind) ?? '',
    description: optStr(o.description) ?? '',
    tags: jsonRecord(o.tags),
    created_at: optStr(o.created_at),
    n_versions: optNum(o.n_versions) ?? 0,
    aliases: record(o.aliases, toNumber)
  };
}

/** Decode one artifact of `GET artifacts`. */
export function decodeArtifactSummary(v: unknown): MM.IArtifactSummary {
  const info = decodeArtifactInfo(v, 'artifact');
  return {
    ...info,
    latest: decodeArtifactVersion((v as Record<string, unknown>).latest)
  };
}

/** Decode `GET artifacts`. */
export function decodeArtifactList(v: unknown): MM.IArtifactList {
  const o = obj(v, 'artifacts');
  if (!Array.isArray(o.artifacts)) {
    throw new DecodeError('artifacts.artifacts: expected a list');
  }
  return {
    total: num(o.total, 'artifacts.total'),
    offset: optNum(o.offset) ?? 0,
    limit: optNum(o.limit) ?? o.artifacts.length,
    cursor: optNum(o.cursor) ?? 0,
    artifacts: o.artifacts.map(decodeArtifactSummary)
  };
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
export function decodeArtifactDetail(v: unknown): MM.IArtifactDetail {
  const o = obj(v, 'artifact versions');
  return {
    artifact: decodeArtifactInfo(o.artifact, 'artifact'),
    versions: list(o.versions, decodeArtifactVersion).sort(
      (a, b) => b.version - a.version
    ),
    alias_history: list(o.alias_history, decodeAliasChange)
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
    inputs: decodeSignatureFields(v.inputs),
    outputs: decodeSignatureFields(v.outputs)
  };
}

function decodeRequirements(v: unknown): MM.IModelRequirements {
  const o = isObject(v) ? v : {};
  return {
    python: optStr(o.python) ?? '',
    packages: record(o.packages, x =>
      typeof x === 'string' ? x : x === null ? null : String(x)
    )
  };
}

function decodeModelRunRef(v: unknown): MM.IModelRunRef | null {
  const run = decodeRunRef(v);
  if (!run || !isObject(v)) {
    return null;
  }
  return { ...run, experiment: optStr(v.experiment) ?? '' };
}

/**
 * Decode a `ModelVersion`; null when it lacks a name or a version number.
 */
export function decodeModelVersion(v: unknown): MM.IModelVersion | null {
  if (!isObject(v) || typeof v.name !== 'string') {
    return null;
  }
  const version = toNumber(v.version);
  if (version === null || !Number.isFinite(version)) {
    return null;
  }
  return {
    name: v.name,
    version,
    ref: optStr(v.ref) ?? `${v.name}:${version}`,
    stage: optStr(v.stage) ?? 'none',
    aliases: strList(v.aliases),
    description: optStr(v.description) ?? '',
    created_at: optStr(v.created_at),
    created_by: optStr(v.created_by),
    flavor: optStr(v.flavor) ?? '',
    artifact: decodeVersionRef(v.artifact),
    run: decodeModelRunRef(v.run),
    metrics: record(v.metrics, toNumber),
    config: jsonRecord(v.config),
    signature: decodeSignature(v.signature),
    requirements: decodeRequirements(v.requirements),
    inputs: list(v.inputs, decodeVersionRef),
    has_reference_profile: v.has_reference_profile === true
  };
}

function versionNumbers(v: unknown): number[] | null {
  if (!Array.isArray(v)) {
    const n = toNumber(v);
    return n !== null && Number.isFinite(n) ? [n] : null;
  }
  return list(v, x => {
    const n = toNumber(x);
    return n !== null && Number.isFinite(n) ? n : null;
  }).sort((a, b) => b - a);
}

/** Decode a model of `GET models` (or the `model` of `GET models/{name}`). */
export function decodeModelSummary(v: unknown): MM.IModelSummary {
  const o = obj(v, 'model');
  return {
    name: str(o.name, 'model.name'),
    description: optStr(o.description) ?? '',
    owner: optStr(o.owner) ?? '',
    tags: jsonRecord(o.tags),
    created_at: optStr(o.created_at),
    updated_at: optStr(o.updated_at),
    n_versions: optNum(o.n_versions) ?? 0,
    latest: decodeModelVersion(o.latest),
    stages: record(o.stages, versionNumbers),
    aliases: record(o.aliases, toNumber)
  };
}

/** Decode `GET models`. */
export function decodeModelList(v: unknown): MM.IModelList {
  const o = obj(v, 'models');
  if (!Array.isArray(o.models)) {
    throw new DecodeError('models.models: expected a list');
  }
  return {
    total: num(o.total, 'models.total'),
    offset: optNum(o.offset) ?? 0,
    limit: optNum(o.limit) ?? o.models.length,
    cursor: optNum(o.cursor) ?? 0,
    models: o.models.map(decodeModelSummary)
  };
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
  const version = toNumber(v.version);
  if (version === null || !Number.isFinite(version)) {
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
    at: optStr(v.at)
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
      const version = toNumber(p.version);
      const value = toNumber(p.value);
      return version === null || value === null || !Number.isFinite(version)
        ? null
        : { version, value };
    }).sort((a, b) => a.version - b.version);
    if (points.length) {
      out[key] = points;
    }
  }
  return out;
}

/** Decode `GET models/{name}`; versions come newest first. */
export function decodeModelDetail(v: unknown): MM.IModelDetail {
  const o = obj(v, 'model detail');
  return {
    model: decodeModelSummary(o.model),
    versions: list(o.versions, decodeModelVersion).sort(
      (a, b) => b.version - a.version
    ),
    history: list(o.history, decodeModelTransition),
    metric_trend: decodeTrend(o.metric_trend)
  };
}

/** Decode `GET models/{name}/versions/{v}` (and the reply of a transition). */
export function decodeModelVersionDetail(v: unknown): MM.IModelVersionDetail {
  const version = decodeModelVersion(v);
  if (!version || !isObject(v)) {
    throw new DecodeError('model version: expected a name and a version');
  }
  return { ...version, history: list(v.history, decodeModelTransition) };
}
