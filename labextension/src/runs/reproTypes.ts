/**
 * Types of the reproducibility endpoints of a run (docs/reproducibility.md):
 * the report of `POST runs/{id}/rerun` and the notebook of
 * `GET runs/{id}/checkout`, as the frontend sees them after decoding. The
 * hidden-state analysis itself is shared (`shared/reproducibility.ts`).
 *
 * Every string is untrusted user content: views render it as text.
 */
import type { JSONValue } from '../shared/types';

/** How a re-run ended (a server may add others). */
export type RerunStatus = 'finished' | 'failed' | 'timeout' | 'error';

/** Body of `POST runs/{id}/rerun`: both optional (the server's defaults). */
export interface IRerunRequest {
  /** Seconds a cell may run. */
  timeout?: number;
  /** Relative tolerance of the metric comparison. */
  rtol?: number;
}

/** One metric of either run, compared. */
export interface IMetricDelta {
  /** Metric key. */
  key: string;
  /** The original run's latest value, or null when it lacks the metric. */
  original: number | null;
  /** The re-run's latest value, or null when it lacks the metric. */
  rerun: number | null;
  /** `rerun - original`, or null when either is missing. */
  delta: number | null;
  /** Whether the two are equal within the tolerance. */
  within_tolerance: boolean;
  /** A wall-clock measurement (`fit_time_s`): shown, not deciding `reproduced`. */
  timing: boolean;
}

/** One text output that differs between the runs. */
export interface IOutputDifference {
  /** Its position among the run's text outputs, when the server says. */
  seq: number | null;
  /** `changed`, `missing` (in the re-run) or `added` (by the re-run). */
  kind: 'changed' | 'missing' | 'added' | string;
  /** The original's text, or null. */
  original: string | null;
  /** The re-run's text, or null. */
  rerun: string | null;
}

/** A package whose version differs between the original environment and now. */
export interface IPackageDifference {
  /** Package name. */
  name: string;
  /** Version in the original run's environment, null when not installed. */
  original: string | null;
  /** Version in the re-run's, null when not installed. */
  current: string | null;
}

/** One execution of the original kernel the program was made of. */
export interface IProgramCell {
  /** Its execution number, or null for a cell of the notebook snapshot. */
  execution_count: number | null;
  /** Its notebook cell, when known. */
  cell_id: string | null;
}

/** Response of `POST runs/{id}/rerun`. */
export interface IRerunReport {
  /** The original run's id. */
  run: string;
  /** The new run's id (tagged `rerun_of`), or null when none was recorded. */
  rerun: string | null;
  /** How the re-run ended. */
  status: RerunStatus | string;
  /** Finished, and every original metric equal within `rtol`. */
  reproduced: boolean;
  /** The relative tolerance used. */
  rtol: number;
  /** Every metric of either run, by key. */
  metrics: IMetricDelta[];
  /** The text outputs that differ. */
  outputs: IOutputDifference[];
  /** The packages whose versions differ. */
  packages: IPackageDifference[];
  /** The executions re-run, in order, the tracked cell last. */
  program: IProgramCell[];
  /** Why the re-run failed (a traceback's text), or null. */
  error: string | null;
  /** Wall time of the re-run in seconds, kernel start included. */
  duration_s: number;
}

/** An nbformat v4 notebook, as far as the frontend looks into it. */
export interface ICheckoutNotebook {
  /** Always 4. */
  nbformat: number;
  /** The minor version. */
  nbformat_minor: number;
  /** Notebook metadata (kernel spec, language). */
  metadata: Record<string, JSONValue>;
  /** The cells, saved as they come. */
  cells: Record<string, JSONValue>[];
}

/** An input artifact version the checked-out notebook expects. */
export interface ICheckoutInput {
  /** `NAME:vN`. */
  ref: string;
  /** Where the notebook restores it (relative), or null. */
  path: string | null;
  /** Its content digest. */
  digest: string;
  /** Whether the registry holds its bytes. */
  stored: boolean;
}

/** Response of `GET runs/{id}/checkout`: the run as a notebook. */
export interface ICheckout {
  /** A safe file name, `<run-name>.ipynb`. */
  name: string;
  /** The notebook. */
  notebook: ICheckoutNotebook;
  /** `requirements.txt` text pinned from the run's environment. */
  requirements: string;
  /** The input artifact versions. */
  inputs: ICheckoutInput[];
}
