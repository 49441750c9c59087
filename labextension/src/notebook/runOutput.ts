/**
 * The run output a tracked cell leaves below itself
 * (`application/vnd.mm-jupyter.run+json`, written by
 * mm_jupyter/display/run_output.py): its decoded form, and the pure parts of the
 * card (what Register posts, what it says afterwards, where the notebook is).
 */
import {
  fields,
  isObject,
  list,
  num,
  optNum,
  optStr,
  str,
  text,
  textRecord
} from '../shared/decode';
import {
  decodeReproducibility,
  IReproducibility
} from '../shared/reproducibility';

/** A registered model version, as far as the card shows it (`POST models`). */
export interface IRegisteredVersion {
  /** Model name. */
  name: string;
  /** Version number. */
  version: number;
  /** `name:N`. */
  ref: string;
  /** Its aliases. */
  aliases: string[];
}

/** The MIME type of the run output. */
export const RUN_MIME = 'application/vnd.mm-jupyter.run+json';

/** The newest version of the output this renderer understands. */
export const RUN_OUTPUT_VERSION = 1;

/** The run the output is about. */
export interface IOutputRun {
  /** Run id. */
  id: string;
  /** Run name. */
  name: string;
  /** Experiment name. */
  experiment: string;
  /** Status when the cell ended. */
  status: string;
  /** Duration in seconds, when known. */
  duration_s: number | null;
  /** When it started (ISO 8601). */
  started_at: string;
  /** Absolute path of the notebook the run was tracked in, when known. */
  notebook_path: string | null;
  /** Id of the notebook cell, when known. */
  cell_id: string | null;
}

/** A model the run stored that Register offers. */
export interface IOutputModel {
  /** The model artifact version, `name:vN`. */
  artifact: string;
  /** The variable the cell bound it to (the default model name). */
  variable: string;
  /** Its class name. */
  class: string;
}

/** The decoded run output. */
export interface IRunOutput {
  /** Format version. */
  version: number;
  /** The run. */
  run: IOutputRun;
  /** A few params, as display text. */
  params: Record<string, string>;
  /** A few metrics, as display text. */
  metrics: Record<string, string>;
  /** How many params the run has. */
  n_params: number;
  /** How many metrics the run has. */
  n_metrics: number;
  /** How many outputs the run captured. */
  n_outputs: number;
  /** How many figures the run captured. */
  n_figures: number;
  /** The models Register offers (predictors the run stored). */
  models: IOutputModel[];
  /** The registry path the kernel wrote to (`registry.path` on the wire), or null. */
  registry: string | null;
  /** The cell's hidden-state analysis; null in outputs saved before it existed. */
  reproducibility: IReproducibility | null;
}

const decodeRun = fields<IOutputRun>('run output run', {
  id: str,
  name: text,
  experiment: text,
  status: text,
  duration_s: optNum,
  started_at: text,
  notebook_path: optStr,
  cell_id: optStr
});

function decodeModel(v: unknown): IOutputModel | null {
  if (!isObject(v) || typeof v.artifact !== 'string' || !v.artifact) {
    return null;
  }
  return {
    artifact: v.artifact,
    variable: text(v.variable),
    class: text(v.class)
  };
}

/**
 * Decode the output's JSON; a {@link DecodeError} when it has no run id (the card
 * then shows the text fallback).
 */
export function decodeRunOutput(v: unknown): IRunOutput {
  const o = isObject(v) ? v : {};
  return {
    version: num(o.version ?? RUN_OUTPUT_VERSION, 'run output.version'),
    run: decodeRun(o.run),
    params: textRecord(o.params),
    metrics: textRecord(o.metrics),
    n_params: optNum(o.n_params) ?? 0,
    n_metrics: optNum(o.n_metrics) ?? 0,
    n_outputs: optNum(o.n_outputs) ?? 0,
    n_figures: optNum(o.n_figures) ?? 0,
    models: list(o.models, decodeModel),
    registry: isObject(o.registry) ? optStr(o.registry.path) : null,
    reproducibility: decodeReproducibility(o.reproducibility)
  };
}

/** `k=v, k=v` of the shown entries, with `… (+N)` when the run has more. */
export function pairsText(
  shown: Record<string, string>,
  total: number
): string {
  const entries = Object.entries(shown);
  const body = entries.map(([k, v]) => `${k}=${v}`).join(', ');
  const more = total > entries.length ? ` … (+${total - entries.length})` : '';
  return body ? body + more : 'none';
}

/** What the Register form posts to `POST models`. */
export interface IArtifactRegistration {
  /** The run's id. */
  run: string;
  /** The model artifact version, `name:vN`. */
  artifact: string;
  /** The model to add a version to. */
  name: string;
  /** An alias for the new version, or none. */
  alias: string | null;
  /** Registering from a run with hidden-state warnings was confirmed. */
  confirm_reproducibility?: boolean;
}

/**
 * The body of `POST models` from the form's values (trimmed; a blank alias is
 * none), with `confirm_reproducibility` once the user confirmed registering from
 * a run with hidden-state warnings.
 */
export function registrationBody(
  runId: string,
  model: IOutputModel,
  name: string,
  alias: string,
  confirmed = false
): IArtifactRegistration {
  const body: IArtifactRegistration = {
    run: runId,
    artifact: model.artifact,
    name: name.trim(),
    alias: alias.trim() || null
  };
  return confirmed ? { ...body, confirm_reproducibility: true } : body;
}

/** `registered NAME:N (alias a)`: what the form says once it registered. */
export function confirmationText(version: IRegisteredVersion): string {
  const aliases = version.aliases.length
    ? ` (alias ${version.aliases.join(', ')})`
    : '';
  return `registered ${version.ref}${aliases}`;
}

/**
 * Whether the server reads the registry the run was written to: `null` when either
 * side does not say (the card then assumes it does).
 */
export function sameRegistry(
  output: string | null,
  server: string | null
): boolean | null {
  if (output === null || server === null) {
    return null;
  }
  const trim = (p: string) => p.replace(/[\\/]+$/, '');
  return trim(output) === trim(server);
}
