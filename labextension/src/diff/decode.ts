/**
 * The decoder of the run diff payload (`GET diff?a=&b=`, docs/rest.md "Run diff").
 *
 * Every string is untrusted user content and stays a string: the view renders it
 * as React text only.
 */
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
import { Diff } from './types';
import { decodeDirections } from '../shared/deltas';
import { decodeReproIssue, decodeReproStatus } from '../shared/reproducibility';
import {
  decodePoint,
  decodeRunSummary,
  decodeVersionRef
} from '../shared/decodeCommon';

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
    data: record(v.data, text),
    execution_count: finiteNumber(v.execution_count)
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

function decodeSummary(v: unknown): Diff.ISummary {
  const o = isObject(v) ? v : {};
  return {
    params_changed: finiteNumber(o.params_changed) ?? 0,
    metrics_changed: finiteNumber(o.metrics_changed) ?? 0,
    cells_changed: finiteNumber(o.cells_changed) ?? 0,
    packages_changed: finiteNumber(o.packages_changed) ?? 0,
    code_changed: o.code_changed === true,
    objects_changed: finiteNumber(o.objects_changed) ?? 0,
    reproducibility_changed: o.reproducibility_changed === true
  };
}

/** Decode the diff's `reproducibility`; null when absent. */
function decodeReproDiff(v: unknown): Diff.IReproDiff | null {
  if (!isObject(v)) {
    return null;
  }
  const rerun = isObject(v.rerun) ? v.rerun : null;
  return {
    a: decodeReproStatus(v.a),
    b: decodeReproStatus(v.b),
    changed: v.changed === true,
    added: list(v.added, decodeReproIssue),
    removed: list(v.removed, decodeReproIssue),
    rerun:
      rerun &&
      typeof rerun.original === 'string' &&
      typeof rerun.rerun === 'string'
        ? {
            original: rerun.original,
            rerun: rerun.rerun,
            reproduced: rerun.reproduced === true
          }
        : null
  };
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

function objectKind(v: unknown): Diff.ObjectKind {
  return v === 'class' ? 'class' : 'function';
}

function decodeObjectRef(v: unknown): Diff.IObjectRef | null {
  if (!isObject(v) || typeof v.name !== 'string') {
    return null;
  }
  return {
    name: v.name,
    kind: objectKind(v.kind),
    module: optText(v.module) ?? '',
    digest: optText(v.digest) ?? ''
  };
}

function decodeObjectSide(v: unknown): Diff.IObjectSide | null {
  const ref = decodeObjectRef(v);
  return ref && isObject(v)
    ? { ...ref, source: optText(v.source) ?? '' }
    : null;
}

function decodeObjectChange(v: unknown): Diff.IObjectChange | null {
  if (!isObject(v) || typeof v.name !== 'string') {
    return null;
  }
  return {
    name: v.name,
    kind: objectKind(v.kind),
    module: optText(v.module) ?? '',
    digest: pair(v.digest, x => optText(x) ?? ''),
    source: decodeLineDiff(v.source)
  };
}

function reportPair(v: unknown): Diff.IReportPair {
  const o = isObject(v) ? v : {};
  return {
    a: toNumber(o.a),
    b: toNumber(o.b),
    delta: finiteNumber(o.delta)
  };
}

function decodeReportDiff(v: unknown): Diff.IReportDiff | null {
  if (!isObject(v) || typeof v.name !== 'string') {
    return null;
  }
  return {
    name: v.name,
    status: optText(v.status) ?? 'both',
    task: pair(v.task, optText),
    artifact: pair(v.artifact, optText),
    metrics: list(v.metrics, (m): Diff.IReportMetric | null =>
      isObject(m) && typeof m.key === 'string'
        ? { key: m.key, ...reportPair(m) }
        : null
    ),
    classes: list(v.classes, (c): Diff.IReportClass | null =>
      isObject(c) && typeof c.class === 'string'
        ? {
            class: c.class,
            precision: reportPair(c.precision),
            recall: reportPair(c.recall),
            f1: reportPair(c.f1),
            support: reportPair(c.support)
          }
        : null
    )
  };
}

/** Decode the reports' diff; null when absent (a notebook on disk, older servers). */
export function decodeReportsDiff(v: unknown): Diff.IReportDiff[] | null {
  return Array.isArray(v) ? list(v, decodeReportDiff) : null;
}

/** Decode the custom objects' diff; null when absent (a notebook on disk, older servers). */
export function decodeObjectsDiff(v: unknown): Diff.IObjects | null {
  if (!isObject(v)) {
    return null;
  }
  return {
    added: list(v.added, decodeObjectSide),
    removed: list(v.removed, decodeObjectSide),
    changed: list(v.changed, decodeObjectChange),
    unchanged: list(v.unchanged, decodeObjectRef)
  };
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
    directions: decodeDirections(v.directions),
    code: decodeLineDiff(v.code),
    history: decodeLineDiff(v.history),
    notebook: decodeNotebook(v.notebook),
    notebook_missing: list(v.notebook_missing, x =>
      x === 'a' || x === 'b' ? x : null
    ),
    environment: decodeEnvironment(v.environment),
    artifacts: {
      inputs: decodeArtifactSide(artifacts.inputs),
      outputs: decodeArtifactSide(artifacts.outputs)
    },
    objects: decodeObjectsDiff(v.objects),
    reports: decodeReportsDiff(v.reports),
    reproducibility: decodeReproDiff(v.reproducibility),
    summary: decodeSummary(v.summary)
  };
}
