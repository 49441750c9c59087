/**
 * Types of the artifacts payloads (`GET artifacts`, `GET artifacts/{name}/versions`,
 * `GET lineage`), as the frontend sees them after decoding (`src/contract.ts`
 * checks them against the JSON Schemas).
 *
 * It re-exports the shared types (`../shared/types`), so that a module of this
 * feature names every type it uses through one import: `import * as MM from
 * './types'`.
 */
import type {
  ArtifactKind,
  IRunRef,
  IVersionRef,
  JSONValue
} from '../shared/types';

export * from '../shared/types';

/**
 * One file of a directory version.
 */
export interface IArtifactFile {
  /** Path inside the directory (`/`-separated). */
  path: string;
  /** SHA-256 hex of the file. */
  digest: string;
  /** Size in bytes. */
  size: number;
}

/**
 * One version of an artifact, in full.
 */
export interface IArtifactVersion extends IVersionRef {
  /** Media type of the content. */
  media_type: string;
  /** Format (`parquet`, `csv`, `npy`, `bytes`, `text`, `png`, `file`, `directory`). */
  format: string;
  /** Whether the version is a directory. */
  is_dir: boolean;
  /** Suggested file name for downloads. */
  file_name: string;
  /** Format-specific facts (`rows`, `columns`, `shape`, ...). */
  metadata: Record<string, JSONValue>;
  /** ISO-8601 UTC creation time. */
  created_at: string | null;
  /** Aliases pointing at this version. */
  aliases: string[];
  /** The run that logged it, if any. */
  producer: IRunRef | null;
  /** Runs that used it. */
  consumers: IRunRef[];
  /** Files of a directory, null for files. */
  files: IArtifactFile[] | null;
  /**
   * False for a fingerprint-only dataset version (data passed to `fit()`): its
   * digest is the data's fingerprint, no bytes were stored, nothing to download.
   */
  stored: boolean;
}

/**
 * What `GET artifacts` and `GET artifacts/{name}/versions` say about an artifact.
 */
export interface IArtifactInfo {
  /** Artifact name. */
  name: string;
  /** Artifact kind. */
  kind: ArtifactKind | string;
  /** Free-text description. */
  description: string;
  /** Free-form tags. */
  tags: Record<string, JSONValue>;
  /** ISO-8601 UTC time of the first version. */
  created_at: string | null;
  /** Number of versions. */
  n_versions: number;
  /** Alias → version number. */
  aliases: Record<string, number>;
}

/**
 * One artifact as listed by `GET artifacts`.
 */
export interface IArtifactSummary extends IArtifactInfo {
  /** The newest version, if any. */
  latest: IArtifactVersion | null;
}

/**
 * Query parameters of `GET artifacts`.
 */
export interface IArtifactQuery {
  /** Free text (name, description). */
  q: string;
  /** Kind, or empty for all. */
  kind: string;
  /** Page size (1..500). */
  limit: number;
  /** Index of the first artifact of the page. */
  offset: number;
}

/**
 * Response of `GET artifacts`: one page of artifacts.
 */
export interface IArtifactList {
  /** Number of artifacts matching the filters. */
  total: number;
  /** Index of the first artifact returned. */
  offset: number;
  /** Page size used. */
  limit: number;
  /** Change cursor at the time of the query. */
  cursor: number;
  /** The artifacts of the page. */
  artifacts: IArtifactSummary[];
}

/**
 * One move of an alias.
 */
export interface IAliasChange {
  /** Alias name. */
  alias: string;
  /** Version it pointed at before, null when it was created. */
  from_version: number | null;
  /** Version it points at after, null when it was removed. */
  to_version: number | null;
  /** ISO-8601 UTC time of the change. */
  changed_at: string | null;
  /** Who moved it. */
  user: string | null;
}

/**
 * Response of `GET artifacts/{name}/versions`.
 */
export interface IArtifactDetail {
  /** The artifact. */
  artifact: IArtifactInfo;
  /** Its versions, newest first. */
  versions: IArtifactVersion[];
  /** Alias moves, as the server lists them. */
  alias_history: IAliasChange[];
}

/**
 * A run node of a lineage graph.
 */
export interface ILineageRunNode {
  /** `run:{id}`. */
  id: string;
  /** Node type. */
  type: 'run';
  /** The run. */
  run: IRunRef & { experiment: string };
}

/**
 * A version node of a lineage graph.
 */
export interface ILineageVersionNode {
  /** `version:{name}:v{n}`. */
  id: string;
  /** Node type. */
  type: 'version';
  /** The version. */
  version: IVersionRef;
}

/**
 * A node of a lineage graph.
 */
export type LineageNode = ILineageRunNode | ILineageVersionNode;

/**
 * An edge of a lineage graph, in the direction data flows.
 */
export interface ILineageEdge {
  /** Node id the data comes from. */
  source: string;
  /** Node id the data goes to. */
  target: string;
  /** `input` (version → run) or `output` (run → version). */
  kind: 'input' | 'output' | string;
  /** How an input was read: `fit` (data passed to `fit()`), null for `use_artifact`. */
  via: string | null;
}

/**
 * Response of `GET lineage`.
 */
export interface ILineage {
  /** Id of the node the walk started from. */
  root: string;
  /** Nodes of the graph. */
  nodes: LineageNode[];
  /** Edges of the graph. */
  edges: ILineageEdge[];
  /** Whether the walk stopped at `depth` with more to see. */
  truncated: boolean;
}

/**
 * One of the most frequent values of a column, with its count.
 */
export interface ITopValue {
  /** The value, as text. */
  value: string;
  /** How many (sampled) rows hold it. */
  count: number;
}

/**
 * The profile of one column (`metadata.profile.columns[]` of a dataset version).
 */
export interface IColumnProfile {
  /** Column name. */
  name: string;
  /** pandas or numpy dtype. */
  dtype: string;
  /** `numeric`, `categorical`, `datetime` or `other`. */
  kind: string;
  /** Missing values. */
  nulls: number | null;
  /** Smallest value (text for datetimes). */
  min: number | string | null;
  /** Largest value (text for datetimes). */
  max: number | string | null;
  /** Mean of a numeric column. */
  mean: number | null;
  /** Standard deviation of a numeric column. */
  std: number | null;
  /** Distinct values of a categorical column. */
  distinct: number | null;
  /** Most frequent values of a categorical column. */
  top: ITopValue[];
}

/**
 * A dataset profile, read from a version's metadata (capture/profile.py).
 */
export interface IDatasetProfile {
  /** Rows of the data. */
  rows: number | null;
  /** Rows the statistics come from, null when all. */
  sample_rows: number | null;
  /** Columns of the data (the profile may hold fewer). */
  columns_total: number | null;
  /** Profiled columns. */
  columns: IColumnProfile[];
  /** Stored values of a sparse matrix, else null. */
  nnz: number | null;
}

/**
 * One side of a dataset diff: a version reference with what the diff knows of it.
 */
export interface IDatasetDiffSide extends IVersionRef {
  /** False for a fingerprint-only version. */
  stored: boolean;
  /** The data's fingerprint, when recorded. */
  fingerprint: string | null;
  /** Whether the version has a profile. */
  profiled: boolean;
}

/**
 * A column and its dtype (null when unknown: a CSV header without types).
 */
export interface IColumnDtype {
  /** Column name. */
  name: string;
  /** Its dtype. */
  dtype: string | null;
}

/**
 * A value on both sides, with b - a when both are numbers.
 */
export interface IStatChange {
  /** Side a. */
  a: number | string | null;
  /** Side b. */
  b: number | string | null;
  /** b - a, or null. */
  delta: number | null;
}

/**
 * Row counts on both sides.
 */
export interface IRowCounts {
  /** Rows of a. */
  a: number | null;
  /** Rows of b. */
  b: number | null;
  /** b - a, or null. */
  delta: number | null;
}

/**
 * The profile change of one column found on both sides.
 */
export interface IColumnDiff {
  /** Column name. */
  name: string;
  /** Its kind (numeric, categorical, ...). */
  kind: string | null;
  /** Its dtype on each side. */
  dtype: { a: string | null; b: string | null };
  /** Statistic name → its two values. */
  stats: Record<string, IStatChange>;
  /** Most frequent values on each side. */
  top: { a: ITopValue[]; b: ITopValue[] };
  /** Whether anything of it changed. */
  changed: boolean;
}

/**
 * Response of `GET artifacts/diff?a=NAME:vN&b=NAME:vN`.
 */
export interface IDatasetDiff {
  /** The version compared from. */
  a: IDatasetDiffSide;
  /** The version compared to. */
  b: IDatasetDiffSide;
  /** Equal digests or fingerprints. */
  same_content: boolean;
  /** Row counts. */
  rows: IRowCounts;
  /** Columns added, removed, retyped and kept. */
  schema: {
    added: IColumnDtype[];
    removed: IColumnDtype[];
    changed: { name: string; a: string | null; b: string | null }[];
    unchanged: string[];
  };
  /** Columns profiled on both sides. */
  columns: IColumnDiff[];
  /** Counts of what changed. */
  summary: {
    columns_added: number;
    columns_removed: number;
    dtypes_changed: number;
    columns_changed: number;
    rows_changed: boolean;
    same_content: boolean;
  };
}
