/**
 * Types of the mm-jupyter REST contract (`docs/rest.md`), as the frontend sees them
 * after decoding.
 *
 * Non-finite floats, which the server sends as the strings `"NaN"`, `"Infinity"` and
 * `"-Infinity"`, are decoded to the JavaScript numbers `NaN`, `Infinity` and
 * `-Infinity` wherever the contract says "number".
 */

/**
 * The REST API version this build of the lab extension speaks.
 */
export const API_VERSION = 1;

/**
 * Namespace of the mm-jupyter data types.
 */
export namespace MM {
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
   * A JSON value as received (params and tags may hold any JSON).
   */
  export type JSONValue =
    | string
    | number
    | boolean
    | null
    | JSONValue[]
    | { [key: string]: JSONValue };

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
  }

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
  }

  /**
   * Sort order of a run listing.
   */
  export type SortOrder = 'asc' | 'desc';

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
    /** Sort key: a column name, `metric:KEY` or `param:KEY`. */
    sort: string;
    /** Sort order. */
    order: SortOrder;
    /** Page size (1..500). */
    limit: number;
    /** Index of the first run of the page. */
    offset: number;
  }

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
   * Reference to a content-addressed blob.
   */
  export interface IBlobRef {
    /** SHA-256 hex digest. */
    digest: string;
    /** Size in bytes. */
    size: number;
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
   * Artifact versions used (`inputs`) and logged (`outputs`) by a run.
   */
  export interface IRunArtifacts {
    /** Versions the run used. */
    inputs: IVersionRef[];
    /** Versions the run logged. */
    outputs: IVersionRef[];
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
   * What a lineage view is rooted at: a run id or a `name:vN` version ref.
   */
  export type LineageRoot =
    { kind: 'run'; id: string } | { kind: 'version'; ref: string };

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
   * One input (or output) column of a model's signature.
   */
  export interface ISignatureField {
    /** Feature name. */
    name: string;
    /** Data type (`int64`, `float64`, ...), empty when unknown. */
    dtype: string;
  }

  /**
   * What a model takes (and gives): feature names and dtypes.
   */
  export interface IModelSignature {
    /** Input features, in order. */
    inputs: ISignatureField[];
    /** Outputs, when recorded. */
    outputs: ISignatureField[];
  }

  /**
   * What a model needs to load: Python and package versions.
   */
  export interface IModelRequirements {
    /** Python version, empty when unknown. */
    python: string;
    /** Package → version. */
    packages: Record<string, string>;
  }

  /**
   * The run a model version came from.
   */
  export interface IModelRunRef extends IRunRef {
    /** Experiment name. */
    experiment: string;
  }

  /**
   * One version of a registered model.
   */
  export interface IModelVersion {
    /** Model name. */
    name: string;
    /** Version number, from 1. */
    version: number;
    /** `name:N`. */
    ref: string;
    /** Stage (`none`, `staging`, `production`, `archived`). */
    stage: ModelStage | string;
    /** Aliases held by this version. */
    aliases: string[];
    /** Free-text description. */
    description: string;
    /** ISO-8601 UTC registration time. */
    created_at: string | null;
    /** Who registered it. */
    created_by: string | null;
    /** How it is serialized (`sklearn`, `joblib`, `torch_state_dict`, ...). */
    flavor: string;
    /** The model artifact version it points at. */
    artifact: IVersionRef | null;
    /** The producing run, if any. */
    run: IModelRunRef | null;
    /** The run's metrics at registration. */
    metrics: Record<string, number>;
    /** The model's configuration (e.g. scikit-learn `get_params()`). */
    config: Record<string, JSONValue>;
    /** Input (and output) features, if known. */
    signature: IModelSignature | null;
    /** Python and package versions. */
    requirements: IModelRequirements;
    /** The producing run's input datasets. */
    inputs: IVersionRef[];
    /** Whether a reference data profile was recorded. */
    has_reference_profile: boolean;
  }

  /**
   * A registered model, as listed by `GET models`.
   */
  export interface IModelSummary {
    /** Model name. */
    name: string;
    /** Free-text description. */
    description: string;
    /** Owner (a user or a team), empty when unknown. */
    owner: string;
    /** Free-form tags. */
    tags: Record<string, JSONValue>;
    /** ISO-8601 UTC time of registration. */
    created_at: string | null;
    /** ISO-8601 UTC time of the last version or transition. */
    updated_at: string | null;
    /** Number of versions. */
    n_versions: number;
    /** The newest version, if any. */
    latest: IModelVersion | null;
    /** Stage → version numbers in it (`none` usually left out). */
    stages: Record<string, number[]>;
    /** Alias → version number. */
    aliases: Record<string, number>;
  }

  /**
   * Query parameters of `GET models`.
   */
  export interface IModelQuery {
    /** Free text (name, description, ...). */
    q: string;
    /** Page size (1..500). */
    limit: number;
    /** Index of the first model of the page. */
    offset: number;
  }

  /**
   * Response of `GET models`: one page of models.
   */
  export interface IModelList {
    /** Number of models matching the filter. */
    total: number;
    /** Index of the first model returned. */
    offset: number;
    /** Page size used. */
    limit: number;
    /** Change cursor at the time of the query. */
    cursor: number;
    /** The models of the page. */
    models: IModelSummary[];
  }

  /**
   * One stage or alias transition of a model version.
   */
  export interface IModelTransition {
    /** The version it applied to. */
    version: number;
    /** `stage` or `alias`. */
    kind: 'stage' | 'alias' | string;
    /** The alias, for alias transitions. */
    alias: string | null;
    /** Stage before, or the version number (as text) the alias was on. */
    from: string | null;
    /** Stage after, or the version number (as text) the alias moved to. */
    to: string | null;
    /** Who made it. */
    user: string | null;
    /** Comment given with it. */
    comment: string;
    /** ISO-8601 UTC time. */
    at: string | null;
  }

  /**
   * One point of a metric across versions.
   */
  export interface ITrendPoint {
    /** Version number. */
    version: number;
    /** Metric value; may be NaN or infinite. */
    value: number;
  }

  /**
   * Response of `GET models/{name}`.
   */
  export interface IModelDetail {
    /** The model. */
    model: IModelSummary;
    /** Its versions, newest first. */
    versions: IModelVersion[];
    /** Transitions, as the server lists them. */
    history: IModelTransition[];
    /** Metric key → value per version, by version. */
    metric_trend: Record<string, ITrendPoint[]>;
  }

  /**
   * Response of `GET models/{name}/versions/{v}`.
   */
  export interface IModelVersionDetail extends IModelVersion {
    /** That version's transitions. */
    history: IModelTransition[];
  }

  /**
   * Body of `POST models/{name}/versions/{v}/transition`.
   */
  export type TransitionRequest =
    | { stage: ModelStage; comment?: string; archive_others?: boolean }
    | { alias: string; comment?: string; move?: boolean }
    | { remove_alias: string; comment?: string };

  /**
   * The state of the connection to the server extension.
   */
  export type Connection =
    | { kind: 'connecting' }
    | { kind: 'ready'; meta: IMeta }
    | { kind: 'missing'; detail: string }
    | { kind: 'mismatch'; meta: IMeta }
    | { kind: 'error'; detail: string };
}
