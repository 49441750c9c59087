/**
 * Types of the model registry payloads (`GET models`, `GET models/{name}`,
 * `GET models/{name}/versions/{v}`, the transition request), as the frontend sees
 * them after decoding (`src/contract.ts` checks them against the JSON Schemas).
 *
 * It re-exports the shared types (`../shared/types`), so that a module of this
 * feature names every type it uses through one import: `import * as MM from
 * './types'`.
 */
import type { RestPayloads } from '../shared/contract.generated';
import type { IApproval } from './gateTypes';
import type {
  IRunRef,
  IVersionRef,
  JSONValue,
  ModelStage,
  ReproStatus
} from '../shared/types';

export * from '../shared/types';
export * from './gateTypes';

/**
 * One input column of a model's signature.
 */
export interface ISignatureField {
  /** Feature name. */
  name: string;
  /** Data type (`int64`, `float64`, ...), empty when unknown. */
  dtype: string;
}

/**
 * What a model takes: feature names and dtypes.
 */
export interface IModelSignature {
  /** Input features, in order. */
  inputs: ISignatureField[];
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
  /** The producing run's hidden-state verdict at registration, or null. */
  reproducibility: IVersionReproducibility | null;
}

/**
 * A model version's record of its run's hidden-state verdict when registered.
 */
export interface IVersionReproducibility {
  /** The run's verdict. */
  status: ReproStatus;
  /** How many warnings it had. */
  warnings: number;
  /** Who confirmed registering despite them, or null. */
  confirmed_by: string | null;
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
  /** Whether the move was forced past failing policy rules (the comment says why). */
  forced: boolean;
  /** The rules a forced move went past. */
  overridden: string[];
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
  /** Its approvals, when the server lists them here (null when it does not). */
  approvals: IApproval[] | null;
}

/** The request body of a stage change, as its schema has it. */
type StageRequest = Extract<
  RestPayloads['model_transition_request'],
  { stage: unknown }
>;

/**
 * Body of `POST models/{name}/versions/{v}/transition`: the generated type of its
 * schema, which the frontend sends as it is, or a stage change forced past a
 * failing policy (`force` with its `reason`, issue 17).
 */
export type TransitionRequest =
  | RestPayloads['model_transition_request']
  | (StageRequest & { force: true; reason: string });
