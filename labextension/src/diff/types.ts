/**
 * Types of the run diff payload (`GET diff?a=&b=`, docs/rest.md "Run diff"), as the
 * frontend sees them after decoding.
 *
 * Every string is untrusted user content and stays a string: the view renders it
 * as React text only.
 */
import type { Direction } from '../shared/deltas';
import * as MM from '../shared/types';

/**
 * Types of the run diff payload.
 */
export namespace Diff {
  /** Operation of a line-diff hunk. */
  export type Op = 'equal' | 'insert' | 'delete' | 'replace';

  /** One hunk: the lines of each side (`equal` hunks carry the same lines twice). */
  export interface IHunk {
    op: Op;
    a: string[];
    b: string[];
  }

  /** A line diff: hunks in order. */
  export type LineDiff = IHunk[];

  /** A value on each side. */
  export interface IPair<T> {
    a: T;
    b: T;
  }

  /** Params added, removed, changed and unchanged from a to b. */
  export interface IParams {
    added: Record<string, MM.JSONValue>;
    removed: Record<string, MM.JSONValue>;
    changed: Record<string, IPair<MM.JSONValue>>;
    unchanged: Record<string, MM.JSONValue>;
  }

  /** One metric on both sides. */
  export interface IMetric {
    key: string;
    a: number | null;
    b: number | null;
    delta: number | null;
    series_a: MM.IMetricPoint[];
    series_b: MM.IMetricPoint[];
  }

  /** A notebook output reduced to its type, stream text and mime bundle. */
  export interface IOutput {
    output_type: string;
    name: string | null;
    text: string | null;
    /** Mime type → content (images stay base64). */
    data: Record<string, string>;
    /** Execution count of an `execute_result`; sent only with `volatile=1`. */
    execution_count: number | null;
  }

  /** Status of a cell in a notebook diff. */
  export type CellStatus =
    'unchanged' | 'modified' | 'added' | 'removed' | 'moved';

  /** One cell of a notebook diff. */
  export interface ICell {
    status: CellStatus | string;
    a_index: number | null;
    b_index: number | null;
    cell_type: string;
    source: LineDiff;
    outputs: { changed: boolean; a: IOutput[]; b: IOutput[] } | null;
    metadata_changed: boolean;
  }

  /** The two notebooks' diff, cell by cell. */
  export interface INotebook {
    a_path: string;
    b_path: string;
    summary: Record<string, number>;
    cells: ICell[];
  }

  /** Git state of one side. */
  export interface IGit {
    commit: string;
    dirty: boolean;
  }

  /** Environments of both runs. */
  export interface IEnvironment {
    python: IPair<string | null>;
    platform: IPair<string | null>;
    git: IPair<IGit | null>;
    packages: {
      added: Record<string, string>;
      removed: Record<string, string>;
      changed: Record<string, IPair<string>>;
    };
  }

  /** Artifact versions of one direction (inputs or outputs). */
  export interface IArtifactSide {
    added: MM.IVersionRef[];
    removed: MM.IVersionRef[];
    unchanged: MM.IVersionRef[];
  }

  /** What a custom object is. */
  export type ObjectKind = 'function' | 'class';

  /** A custom object on both sides, unchanged. */
  export interface IObjectRef {
    name: string;
    kind: ObjectKind;
    module: string;
    digest: string;
  }

  /** A custom object on one side only, with its source (untrusted user code). */
  export interface IObjectSide extends IObjectRef {
    source: string;
  }

  /** A custom object whose source changed between the runs. */
  export interface IObjectChange {
    name: string;
    kind: ObjectKind;
    module: string;
    /** Its digest in run a and in run b. */
    digest: IPair<string>;
    /** Line diff of the source, a → b. */
    source: LineDiff;
  }

  /** Custom objects (docs/objects.md) from a to b, matched by module and name. */
  export interface IObjects {
    /** Only in b. */
    added: IObjectSide[];
    /** Only in a. */
    removed: IObjectSide[];
    changed: IObjectChange[];
    unchanged: IObjectRef[];
  }

  /** A number on each side of a report diff, and b − a when both are finite. */
  export interface IReportPair {
    a: number | null;
    b: number | null;
    delta: number | null;
  }

  /** One headline metric of a report on both sides. */
  export interface IReportMetric extends IReportPair {
    key: string;
  }

  /** One class of a classification report on both sides. */
  export interface IReportClass {
    class: string;
    precision: IReportPair;
    recall: IReportPair;
    f1: IReportPair;
    support: IReportPair;
  }

  /** Evaluation reports of one name (docs/evaluation.md) on both sides. */
  export interface IReportDiff {
    name: string;
    /** `both`, or `added` (only in b) / `removed` (only in a). */
    status: 'both' | 'added' | 'removed' | string;
    task: IPair<string | null>;
    /** The report versions (`name:vN`); equal when the reports are identical. */
    artifact: IPair<string | null>;
    metrics: IReportMetric[];
    classes: IReportClass[];
  }

  /** One run re-ran the other (tag `rerun_of`). */
  export interface IReproRerun {
    /** The original run's id. */
    original: string;
    /** The re-run's id. */
    rerun: string;
    /** Whether every metric of the original was reproduced. */
    reproduced: boolean;
  }

  /** The hidden-state verdicts of both runs, and a re-run between them. */
  export interface IReproDiff {
    /** Run a's verdict, null when not analysed. */
    a: MM.ReproStatus | null;
    /** Run b's verdict, null when not analysed. */
    b: MM.ReproStatus | null;
    /** Whether the verdicts or issues differ. */
    changed: boolean;
    /** Issues only b has. */
    added: MM.IReproIssue[];
    /** Issues only a has. */
    removed: MM.IReproIssue[];
    /** When one run re-ran the other, else null. */
    rerun: IReproRerun | null;
  }

  /** What changed, in counts (and whether the tracked code did). */
  export interface ISummary {
    params_changed: number;
    metrics_changed: number;
    cells_changed: number;
    packages_changed: number;
    code_changed: boolean;
    /** Custom objects added, removed or changed. */
    objects_changed: number;
    /** Whether the hidden-state verdicts differ (false from older servers). */
    reproducibility_changed: boolean;
  }

  /** `GET diff?a=&b=`. */
  export interface IRunDiff {
    a: MM.IRunSummary;
    b: MM.IRunSummary;
    params: IParams;
    /** Metrics sorted by key. */
    metrics: IMetric[];
    /** Per metric key: lower (`min`) or higher (`max`) is better. */
    directions: Record<string, Direction>;
    code: LineDiff;
    history: LineDiff;
    notebook: INotebook | null;
    /** The sides with no notebook snapshot (`notebook` is null unless empty). */
    notebook_missing: ('a' | 'b')[];
    environment: IEnvironment;
    artifacts: { inputs: IArtifactSide; outputs: IArtifactSide };
    /** Custom objects; null against a notebook on disk (or from older servers). */
    objects: IObjects | null;
    /** Evaluation reports by name; null against a notebook on disk (or older servers). */
    reports: IReportDiff[] | null;
    /** Hidden-state verdicts; null against a notebook on disk (or older servers). */
    reproducibility: IReproDiff | null;
    summary: ISummary;
  }
}
