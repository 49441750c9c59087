/**
 * Types of the runs payloads (`GET runs`, `GET keys`, `GET runs/{id}`), as the
 * frontend sees them after decoding (`src/contract.ts` checks them against the
 * JSON Schemas).
 *
 * It re-exports the shared types (`../shared/types`), so that a module of this
 * feature names every type it uses through one import: `import * as MM from
 * './types'`.
 */
import type {
  IBlobRef,
  IReproducibility,
  IMetricPoint,
  IRunSummary,
  IVersionRef,
  JSONValue,
  SortOrder
} from '../shared/types';
import type { ICodeObject } from './objectTypes';
import type { IReportSummary } from './reportTypes';

export * from '../shared/types';
export * from './objectTypes';
export * from './reportTypes';
export * from './reproTypes';

/**
 * Query parameters of `GET runs`.
 */
export interface IRunQuery {
  /** Free text (run name, id prefix, experiment, tag values). */
  q: string;
  /** Experiment name, or empty for all. */
  experiment: string;
  /** Status, or empty for all. */
  status: string;
  /** Who recorded the run (exact name), or empty for everyone's. */
  user: string;
  /** Sort key: a column name, `metric:KEY` or `param:KEY`. */
  sort: string;
  /** Sort order. */
  order: SortOrder;
  /** Page size (1..500). */
  limit: number;
  /** Index of the first run of the page. */
  offset: number;
  /** Also list child runs (the candidates of a search); top-level runs only if false. */
  children: boolean;
  /** Archived runs: left out (the default), listed too, or listed alone. */
  archived: ArchivedFilter;
}

/**
 * Which archived runs a listing shows (`GET runs?archived=`).
 */
export type ArchivedFilter = 'exclude' | 'include' | 'only';

/**
 * The direction in which a metric gets better.
 */
export type MetricDirection = 'min' | 'max';

/**
 * Response of `GET runs`: one page of runs.
 */
export interface IRunList {
  /** Number of runs matching the filters. */
  total: number;
  /** Index of the first run returned. */
  offset: number;
  /** Page size used. */
  limit: number;
  /** Change cursor at the time of the query. */
  cursor: number;
  /**
   * Keyset cursor of the next page (`GET runs?cursor=`), null on the last page
   * (and from servers before keyset paging).
   */
  next_cursor: string | null;
  /** Keyset cursor of the previous page, null on the first page. */
  prev_cursor: string | null;
  /** The runs of the page. */
  runs: IRunSummary[];
}

/**
 * Response of `GET keys`: choices for columns and filters.
 */
export interface IKeys {
  /** Experiment names. */
  experiments: string[];
  /** Metric keys. */
  metrics: string[];
  /** Param keys. */
  params: string[];
  /** How many runs logged each metric (empty from older servers). */
  metric_counts: Record<string, number>;
  /** The param keys whose values differ between runs (empty from older servers). */
  varying_params: string[];
  /** Tag keys (empty from older servers). */
  tag_keys: string[];
  /** Each metric's direction, known or inferred (empty from older servers). */
  directions: Record<string, MetricDirection>;
}

/**
 * One recorded output of a run, in cell order.
 */
export interface IOutput {
  /** Position in the cell's output, from 0. */
  seq: number;
  /** `stream`, `display_data`, `execute_result` or `figure`. */
  output_type: string;
  /** Stream name (`stdout`/`stderr`) for streams, else null. */
  name: string | null;
  /** Stream text, else null. */
  text: string | null;
  /** MIME bundle of rich outputs, else null. Untrusted. */
  data: Record<string, JSONValue> | null;
  /** Output metadata. */
  metadata: Record<string, JSONValue>;
  /** MIME types kept out of `data`, stored as blobs. */
  blobs: Record<string, IBlobRef>;
  /** Bytes cut off because the output was too large. */
  truncated_bytes: number;
}

/**
 * One entry of the kernel's execution history.
 */
export interface IHistoryEntry {
  /** Execution count. */
  n: number;
  /** Source of the executed cell. */
  source: string;
}

/**
 * Snapshot of the notebook file a run came from.
 */
export interface INotebookRef {
  /** Absolute path of the notebook. */
  path: string;
  /** SHA-256 of the snapshot. */
  digest: string;
  /** Size in bytes. */
  size: number;
}

/**
 * Code recorded with a run.
 */
export interface ICode {
  /** Source of the tracked cell. */
  cell: string;
  /** Execution history of the kernel up to the run. */
  history: IHistoryEntry[];
  /** Notebook snapshot, when the notebook was known. */
  notebook: INotebookRef | null;
}

/**
 * Git state of the working directory.
 */
export interface IGitInfo {
  /** Commit hash. */
  commit: string;
  /** Whether the work tree had uncommitted changes. */
  dirty: boolean;
}

/**
 * Environment the run executed in.
 */
export interface IEnvironment {
  /** SHA-256 of the environment record, empty from servers that do not send it. */
  digest: string;
  /** Python version. */
  python: string;
  /** Platform string. */
  platform: string;
  /** Installed packages and their versions. */
  packages: Record<string, string>;
  /** Git state, when the working directory is in a repository. */
  git: IGitInfo | null;
}

/**
 * Artifact versions used (`inputs`) and logged (`outputs`) by a run.
 */
export interface IRunArtifacts {
  /** Versions the run used. */
  inputs: IVersionRef[];
  /** Versions the run logged. */
  outputs: IVersionRef[];
}

/**
 * Response of `GET runs/{id}`.
 */
export interface IRunDetail {
  /** The run's summary. */
  run: IRunSummary;
  /** How each param was found (`auto`, `explicit`, `namespace`). */
  param_sources: Record<string, string>;
  /** Step series of each metric. */
  metrics: Record<string, IMetricPoint[]>;
  /** Outputs in cell order. */
  outputs: IOutput[];
  /** Recorded code. */
  code: ICode;
  /** Environment, when recorded. */
  environment: IEnvironment | null;
  /** Traceback of a failed run. */
  error: string | null;
  /** Artifact versions the run used and logged (empty on older servers). */
  artifacts: IRunArtifacts;
  /** Custom functions and classes the run used (empty on older servers). */
  objects: ICodeObject[];
  /** Evaluation reports of `mm.evaluate`, by name (empty on older servers). */
  reports: IReportSummary[];
  /** The search run this run is a candidate of, or null. */
  parent: IRunParent | null;
  /** A search run's candidates, best first, or null for a run without children. */
  candidates: ICandidates | null;
  /** The run's whole markdown note (the summary holds its first 200 characters). */
  note: string;
  /** When the run was deleted (soft), or null. */
  deleted_at: string | null;
  /** Whether the run is starred (as in its summary). */
  starred: boolean;
  /** When the run was archived, or null (as in its summary). */
  archived_at: string | null;
  /** The notebook cell the run was tracked in, or null (as in its summary). */
  cell_id: string | null;
  /** The run's change history, oldest first (empty from older servers). */
  events: IRunEvent[];
  /** Its hidden-state analysis (as in its summary); null for older runs. */
  reproducibility: IReproducibility | null;
}

/**
 * One recorded change of a run (rename, note, tags, star, archive, delete, move).
 */
export interface IRunEvent {
  /** ISO-8601 UTC time of the change. */
  at: string;
  /** Who made it, when known. */
  user: string | null;
  /** What was done (`rename`, `note`, `tags`, `star`, `archive`, ...). */
  action: string;
  /** The change's details (old and new values). Untrusted: render as text. */
  detail: Record<string, JSONValue>;
}

/**
 * Body of `POST runs/{id}/update`: only the fields given change; a tag set to
 * null is removed.
 */
export interface IRunUpdate {
  /** New name. */
  name?: string;
  /** New markdown note (empty removes it). */
  note?: string;
  /** Tags to set (a text value) or remove (null). */
  tags?: Record<string, string | null>;
  /** Starred or not. */
  starred?: boolean;
}

/**
 * The run a child run belongs to.
 */
export interface IRunParent {
  /** Its id. */
  id: string;
  /** Its name; null when that run is not in this registry. */
  name: string | null;
}

/**
 * The metric keys candidates are compared by.
 */
export interface ICandidateScore {
  /** The rank metric (`rank_test_score`), or null. */
  rank: string | null;
  /** The mean score metric (`mean_test_score`), or null. */
  mean: string | null;
  /** Its standard deviation metric, or null. */
  std: string | null;
}

/**
 * One candidate of a search (a child run).
 */
export interface ICandidate {
  /** Run id. */
  id: string;
  /** Run name (`search/candidate-3`). */
  name: string;
  /** Run status. */
  status: string;
  /** The values of the params that vary between candidates. */
  params: Record<string, JSONValue>;
  /** Mean cross-validated score, or null. */
  score: number | null;
  /** Its standard deviation, or null. */
  std: number | null;
  /** Rank in the search (1 is best), or null. */
  rank: number | null;
}

/**
 * A search run's candidates.
 */
export interface ICandidates {
  /** How many the run has (`runs` holds at most 500). */
  total: number;
  /** What the score and rank columns are. */
  score: ICandidateScore;
  /** The param keys whose values vary between candidates. */
  params: string[];
  /** The candidates, best first. */
  runs: ICandidate[];
}

/**
 * Body of `POST runs/{id}/register-model`.
 */
export interface IRegisterModelRequest {
  /** The model to add a version to. */
  name: string;
  /** An alias for the new version, or empty. */
  alias: string;
  /** The new version's stage, or empty for none. */
  stage: string;
  /** Registering from a run with hidden-state warnings was confirmed. */
  confirm_reproducibility?: boolean;
}

/**
 * What the runs view shows of a version it registered (the reply is a whole
 * `ModelVersion`; the model's own view shows the rest).
 */
export interface IRegisteredVersion {
  /** Model name. */
  name: string;
  /** Version number. */
  version: number;
  /** `name:N`. */
  ref: string;
  /** Its stage. */
  stage: string;
  /** Its aliases. */
  aliases: string[];
}
