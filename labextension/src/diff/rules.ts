/**
 * Pure rules of the run diff view: line rows, collapsed cells, run order, image
 * sources, output text. No React: unit-tested on their own.
 */
import { Diff } from './types';

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
