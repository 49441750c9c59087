/**
 * Run diff (`GET diff?a=&b=`, docs/rest.md "Run diff"): payload types, the decoder
 * and the pure rules of the diff view (line rows, collapsed cells, run order,
 * image sources).
 *
 * Every string is untrusted user content and stays a string: the view renders it
 * as React text only.
 */
import { decodeVersionRef } from '../artifacts/decode';
import {
  DecodeError,
  finiteNumber,
  isObject,
  json,
  jsonRecord,
  list,
  record,
  toNumber
} from '../shared/decode';
import { decodePoint, decodeRunSummary } from '../runs/decode';
import { MM } from '../tokens';

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

  /** `GET diff?a=&b=`. */
  export interface IRunDiff {
    a: MM.IRunSummary;
    b: MM.IRunSummary;
    params: IParams;
    /** Metrics sorted by key. */
    metrics: IMetric[];
    code: LineDiff;
    history: LineDiff;
    notebook: INotebook | null;
    environment: IEnvironment;
    artifacts: { inputs: IArtifactSide; outputs: IArtifactSide };
    summary: Record<string, number>;
  }
}

const OPS: ReadonlySet<string> = new Set([
  'equal',
  'insert',
  'delete',
  'replace'
]);

/** A string, or the lines of a string list (nbformat's multiline strings) joined. */
function text(v: unknown): string | null {
  if (typeof v === 'string') {
    return v;
  }
  if (Array.isArray(v) && v.every(x => typeof x === 'string')) {
    return v.join('');
  }
  return null;
}

function lines(v: unknown): string[] {
  return Array.isArray(v)
    ? v.map(x => (typeof x === 'string' ? x : String(x)))
    : [];
}

/** Decode a `LineDiff`; hunks with an unknown op are dropped. */
export function decodeLineDiff(v: unknown): Diff.LineDiff {
  return list(v, (h): Diff.IHunk | null =>
    isObject(h) && typeof h.op === 'string' && OPS.has(h.op)
      ? { op: h.op as Diff.Op, a: lines(h.a), b: lines(h.b) }
      : null
  );
}

function pair<T>(v: unknown, each: (x: unknown) => T): Diff.IPair<T> {
  const o = isObject(v) ? v : {};
  return { a: each(o.a), b: each(o.b) };
}

function optText(v: unknown): string | null {
  return typeof v === 'string' ? v : null;
}

/** Decode a reduced notebook output. */
export function decodeDiffOutput(v: unknown): Diff.IOutput | null {
  if (!isObject(v)) {
    return null;
  }
  return {
    output_type: optText(v.output_type) ?? 'display_data',
    name: optText(v.name),
    text: text(v.text),
    data: record(v.data, text)
  };
}

function decodeCell(v: unknown): Diff.ICell | null {
  if (!isObject(v)) {
    return null;
  }
  const outputs = isObject(v.outputs)
    ? {
        changed: v.outputs.changed === true,
        a: list(v.outputs.a, decodeDiffOutput),
        b: list(v.outputs.b, decodeDiffOutput)
      }
    : null;
  return {
    status: optText(v.status) ?? 'unchanged',
    a_index: toNumber(v.a_index),
    b_index: toNumber(v.b_index),
    cell_type: optText(v.cell_type) ?? 'code',
    source: decodeLineDiff(v.source),
    outputs,
    metadata_changed: v.metadata_changed === true
  };
}

function counts(v: unknown): Record<string, number> {
  return record(v, finiteNumber);
}

function decodeNotebook(v: unknown): Diff.INotebook | null {
  if (!isObject(v)) {
    return null;
  }
  return {
    a_path: optText(v.a_path) ?? '',
    b_path: optText(v.b_path) ?? '',
    summary: counts(v.summary),
    cells: list(v.cells, decodeCell)
  };
}

function decodeGit(v: unknown): Diff.IGit | null {
  return isObject(v) && typeof v.commit === 'string'
    ? { commit: v.commit, dirty: v.dirty === true }
    : null;
}

function scalarText(v: unknown): string | null {
  return typeof v === 'string'
    ? v
    : typeof v === 'number' || typeof v === 'boolean'
      ? String(v)
      : null;
}

function decodeEnvironment(v: unknown): Diff.IEnvironment {
  const o = isObject(v) ? v : {};
  const p = isObject(o.packages) ? o.packages : {};
  return {
    python: pair(o.python, optText),
    platform: pair(o.platform, optText),
    git: pair(o.git, decodeGit),
    packages: {
      added: record(p.added, scalarText),
      removed: record(p.removed, scalarText),
      changed: record(p.changed, x => {
        if (!isObject(x)) {
          return null;
        }
        return { a: scalarText(x.a) ?? '', b: scalarText(x.b) ?? '' };
      })
    }
  };
}

function decodeArtifactSide(v: unknown): Diff.IArtifactSide {
  const o = isObject(v) ? v : {};
  return {
    added: list(o.added, decodeVersionRef),
    removed: list(o.removed, decodeVersionRef),
    unchanged: list(o.unchanged, decodeVersionRef)
  };
}

function decodeMetrics(v: unknown): Diff.IMetric[] {
  if (!isObject(v)) {
    return [];
  }
  return Object.keys(v)
    .sort()
    .map((key): Diff.IMetric => {
      const m = isObject(v[key]) ? (v[key] as Record<string, unknown>) : {};
      return {
        key,
        a: toNumber(m.a),
        b: toNumber(m.b),
        delta: toNumber(m.delta),
        series_a: list(m.series_a, decodePoint),
        series_b: list(m.series_b, decodePoint)
      };
    });
}

/** Decode `GET diff?a=&b=`; throws {@link DecodeError} without both runs. */
export function decodeRunDiff(v: unknown): Diff.IRunDiff {
  if (!isObject(v)) {
    throw new DecodeError('diff: expected an object');
  }
  const params = isObject(v.params) ? v.params : {};
  const artifacts = isObject(v.artifacts) ? v.artifacts : {};
  return {
    a: decodeRunSummary(v.a),
    b: decodeRunSummary(v.b),
    params: {
      added: jsonRecord(params.added),
      removed: jsonRecord(params.removed),
      changed: record(params.changed, x =>
        isObject(x) ? { a: json(x.a), b: json(x.b) } : null
      ),
      unchanged: jsonRecord(params.unchanged)
    },
    metrics: decodeMetrics(v.metrics),
    code: decodeLineDiff(v.code),
    history: decodeLineDiff(v.history),
    notebook: decodeNotebook(v.notebook),
    environment: decodeEnvironment(v.environment),
    artifacts: {
      inputs: decodeArtifactSide(artifacts.inputs),
      outputs: decodeArtifactSide(artifacts.outputs)
    },
    summary: counts(v.summary)
  };
}

/** One displayed line of a line diff. */
export interface IDiffLine {
  op: 'equal' | 'insert' | 'delete';
  text: string;
  /** 1-based line number on side a (absent for inserts). */
  aLine: number | null;
  /** 1-based line number on side b (absent for deletes). */
  bLine: number | null;
}

/**
 * Flatten hunks into lines: a `replace` is its deleted lines then its inserted ones.
 * Trailing newlines of lines are dropped.
 */
export function diffLines(diff: Diff.LineDiff): IDiffLine[] {
  const out: IDiffLine[] = [];
  let a = 1;
  let b = 1;
  const strip = (s: string) => s.replace(/\r?\n$/, '');
  for (const h of diff) {
    if (h.op === 'equal') {
      for (const line of h.a) {
        out.push({ op: 'equal', text: strip(line), aLine: a++, bLine: b++ });
      }
      continue;
    }
    if (h.op === 'delete' || h.op === 'replace') {
      for (const line of h.a) {
        out.push({ op: 'delete', text: strip(line), aLine: a++, bLine: null });
      }
    }
    if (h.op === 'insert' || h.op === 'replace') {
      for (const line of h.b) {
        out.push({ op: 'insert', text: strip(line), aLine: null, bLine: b++ });
      }
    }
  }
  return out;
}

/** Whether a line diff changes anything. */
export function hasChanges(diff: Diff.LineDiff): boolean {
  return diff.some(h => h.op !== 'equal');
}

/** A displayed item of a notebook diff: a cell, or a run of unchanged cells. */
export type CellItem =
  | { kind: 'cell'; cell: Diff.ICell; index: number }
  | { kind: 'unchanged'; cells: Diff.ICell[]; first: number };

/** Group consecutive unchanged cells (they are collapsed by default). */
export function groupCells(cells: Diff.ICell[]): CellItem[] {
  const out: CellItem[] = [];
  cells.forEach((cell, index) => {
    if (cell.status === 'unchanged') {
      const last = out[out.length - 1];
      if (last && last.kind === 'unchanged') {
        last.cells.push(cell);
      } else {
        out.push({ kind: 'unchanged', cells: [cell], first: index });
      }
    } else {
      out.push({ kind: 'cell', cell, index });
    }
  });
  return out;
}

/**
 * Order two runs as (a, b): the older start first (ties and unknown start times
 * keep the given order).
 */
export function orderRuns<T extends { started_at: string | null }>(
  x: T,
  y: T
): [T, T] {
  const tx = x.started_at ? Date.parse(x.started_at) : NaN;
  const ty = y.started_at ? Date.parse(y.started_at) : NaN;
  return Number.isFinite(tx) && Number.isFinite(ty) && ty < tx
    ? [y, x]
    : [x, y];
}

const IMAGE_MIMES: ReadonlySet<string> = new Set(['image/png', 'image/jpeg']);

/**
 * A `data:` URL for a base64 PNG or JPEG, or null for any other mime type or
 * anything that is not plain base64 (SVG and others are never shown as images).
 */
export function imageDataUrl(mime: string, data: string): string | null {
  if (!IMAGE_MIMES.has(mime)) {
    return null;
  }
  const clean = data.replace(/\s+/g, '');
  if (!clean || !/^[A-Za-z0-9+/]+={0,2}$/.test(clean)) {
    return null;
  }
  return `data:${mime};base64,${clean}`;
}

/** Text of an output to show as `<pre>` (stream text, else text/plain), or null. */
export function outputText(output: Diff.IOutput): string | null {
  if (output.text !== null) {
    return output.text;
  }
  return output.data['text/plain'] ?? null;
}
