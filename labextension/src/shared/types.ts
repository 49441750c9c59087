/**
 * Types every feature shares: JSON values, the version handshake (`GET meta`), the
 * change cursor (`GET changes`), blob references, the connection state, and the
 * parts of the payloads that more than one feature shows (like the schemas'
 * `common.json` and `run_summary.json`): run summaries and metric points, run and
 * version references, artifact kinds, model stages and lineage roots.
 *
 * Non-finite floats, which the server sends as the strings `"NaN"`, `"Infinity"` and
 * `"-Infinity"`, are decoded to the JavaScript numbers `NaN`, `Infinity` and
 * `-Infinity` wherever the contract says "number" (in every feature's types).
 */

import type { IReproducibility } from './reproducibility';

export type {
  ICellRef,
  IReproducibility,
  IReproIssue,
  ReproIssueKind,
  ReproStatus
} from './reproducibility';

/**
 * The REST API version this build of the lab extension speaks.
 */
export const API_VERSION = 1;

/**
 * A JSON value as received (params and tags may hold any JSON).
 */
export type JSONValue =
  string | number | boolean | null | JSONValue[] | { [key: string]: JSONValue };

/**
 * Where the registry the server reads lives.
 */
export interface IRegistryInfo {
  /** Absolute path of the registry folder. */
  path: string;
  /** How it was found: `env` (MM_JUPYTER_HOME), `project` (.mm folder) or `user`. */
  source: string;
}

/**
 * Which backend the registry uses and why (`GET meta`'s `backend`, docs/team.md).
 * Every string is server-sent text: render it as text only.
 */
export interface IBackendInfo {
  /** `sqlite` (the embedded default) or `postgresql` (a team registry). */
  backend: string;
  /** The PostgreSQL URL, password masked; null for the embedded SQLite file. */
  database: string | null;
  /** Where the database setting came from (`default`, `env …`, `config <path>`). */
  database_source: string;
  /** The S3 URL of the blobs; null for the registry's own blob folder. */
  blobs: string | null;
  /** Where the blobs setting came from. */
  blobs_source: string;
  /** Who is acting: the Jupyter user of the requests, null when unknown. */
  user: string | null;
}

/**
 * Response of `GET meta`: the version handshake.
 */
export interface IMeta {
  /** Name of the Python package (`mm-jupyter`). */
  name: string;
  /** Version of the Python package. */
  version: string;
  /** Version of the REST API; must equal {@link API_VERSION}. */
  api_version: number;
  /** The registry the server reads. */
  registry: IRegistryInfo;
  /** Schema version of the registry database. */
  schema_version: number;
  /** The backend in use and why; null from older servers, which do not say. */
  backend: IBackendInfo | null;
}

/**
 * Sort order of a run listing.
 */
export type SortOrder = 'asc' | 'desc';

/**
 * Reference to a content-addressed blob.
 */
export interface IBlobRef {
  /** SHA-256 hex digest. */
  digest: string;
  /** Size in bytes. */
  size: number;
}

/**
 * Response of `GET changes?since=N`.
 */
export interface IChanges {
  /** The current cursor. */
  cursor: number;
  /** Whether the registry changed since the given cursor. */
  changed: boolean;
  /** Firing monitoring alerts over every model (null from older servers). */
  firing: number | null;
}

/**
 * The state of the connection to the server extension.
 */
export type Connection =
  | { kind: 'connecting' }
  | { kind: 'ready'; meta: IMeta }
  | { kind: 'missing'; detail: string }
  | { kind: 'mismatch'; meta: IMeta }
  | { kind: 'error'; detail: string };

/**
 * The status of a run.
 */
export type RunStatus =
  'running' | 'finished' | 'failed' | 'interrupted' | 'killed';

/**
 * Every run status, in the order the filter offers them.
 */
export const RUN_STATUSES: ReadonlyArray<RunStatus> = [
  'running',
  'finished',
  'failed',
  'interrupted',
  'killed'
];

/**
 * One run as listed by `GET runs`.
 */
export interface IRunSummary {
  /** Run id (hex). */
  id: string;
  /** Run name. */
  name: string;
  /** Experiment name. */
  experiment: string;
  /** Run status. */
  status: RunStatus | string;
  /** ISO-8601 UTC start time. */
  started_at: string | null;
  /** ISO-8601 UTC end time, null while running. */
  finished_at: string | null;
  /** Duration in seconds, null while running. */
  duration_s: number | null;
  /** User that ran the cell. */
  user: string | null;
  /** Host the kernel ran on. */
  host: string | null;
  /** Absolute path of the notebook, when known. */
  notebook_path: string | null;
  /** Free-form tags. */
  tags: Record<string, JSONValue>;
  /** Parameters of the run. */
  params: Record<string, JSONValue>;
  /** Latest value of each metric. */
  metrics: Record<string, number>;
  /** Number of recorded outputs. */
  n_outputs: number;
  /** Number of recorded figures. */
  n_figures: number;
  /** The run this one is a candidate of (its hyper-parameter search), or null. */
  parent_run_id: string | null;
  /** How many child runs (search candidates) this run has. */
  n_children: number;
  /** Whether the run is starred (false from older servers). */
  starred: boolean;
  /** When the run was archived (hidden from lists by default), or null. */
  archived_at: string | null;
  /** When the run was deleted (soft; restorable until gc), or null. */
  deleted_at: string | null;
  /** The first 200 characters of the run's markdown note ('' for none). */
  note: string;
  /** Id of the notebook cell the run was tracked in, when known. */
  cell_id: string | null;
  /** Its hidden-state analysis; null for runs recorded before it existed. */
  reproducibility: IReproducibility | null;
}

/**
 * One point of a metric's step series.
 */
export interface IMetricPoint {
  /** Step number. */
  step: number;
  /** Value; may be NaN or infinite. */
  value: number;
  /** Epoch seconds when it was logged. */
  timestamp_ts: number | null;
}

/**
 * The kind of an artifact (a server may add others; they show as they come).
 */
export type ArtifactKind = 'dataset' | 'model' | 'file' | 'report' | 'figure';

/**
 * Every artifact kind, in the order the filter offers them.
 */
export const ARTIFACT_KINDS: ReadonlyArray<ArtifactKind> = [
  'dataset',
  'model',
  'file',
  'report',
  'figure'
];

/**
 * A reference to one version of an artifact.
 */
export interface IVersionRef {
  /** Artifact name. */
  name: string;
  /** Version number, from 1. */
  version: number;
  /** `name:vN`. */
  ref: string;
  /** Artifact kind. */
  kind: ArtifactKind | string;
  /** SHA-256 hex of the content (of the manifest for directories). */
  digest: string;
  /** Size in bytes. */
  size: number;
}

/**
 * A run as referenced by an artifact version (producer or consumer).
 */
export interface IRunRef {
  /** Run id. */
  id: string;
  /** Run name. */
  name: string;
  /** Run status. */
  status: RunStatus | string;
}

/**
 * The stage of a model version (a server may add others; they show as they come).
 */
export type ModelStage = 'none' | 'staging' | 'production' | 'archived';

/**
 * Every model stage, in lifecycle order.
 */
export const MODEL_STAGES: ReadonlyArray<ModelStage> = [
  'none',
  'staging',
  'production',
  'archived'
];

/**
 * What a lineage view is rooted at: a run id or a `name:vN` version ref.
 */
export type LineageRoot =
  { kind: 'run'; id: string } | { kind: 'version'; ref: string };
