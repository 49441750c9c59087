/**
 * A run's hidden-state analysis (`reproducibility` of run summaries, run details
 * and the run output of a tracked cell; docs/reproducibility.md): its types, its
 * decoder and the pure rules of how it shows (badges, issue lines, the
 * confirmation asked before registering a model from a run with warnings).
 *
 * Every string is untrusted (names and messages come from user code): render it
 * as text only.
 */
import { isObject, list, optStr, toNumber } from './decode';
import { MMApiError } from './errors';

/** The verdict: clean, warnings (see the issues), unknown (nothing to check). */
export type ReproStatus = 'clean' | 'warnings' | 'unknown';

/** What is wrong with where a name came from (a server may add others). */
export type ReproIssueKind =
  | 'deleted_cell'
  | 'edited_cell'
  | 'out_of_order'
  | 'not_in_notebook'
  | 'unknown_origin';

/** One executed cell of the kernel's history. */
export interface ICellRef {
  /** Its execution number (`In [12]`). */
  execution_count: number;
  /** The notebook cell it ran in (JupyterLab's cell id), when known. */
  cell_id: string | null;
}

/** One name whose definition is hidden state. */
export interface IReproIssue {
  /** The name the cell read. */
  name: string;
  /** What is wrong with its definition. */
  kind: ReproIssueKind | string;
  /** The executed cell that last defined it, or null (unknown origin). */
  defined_in: ICellRef | null;
  /** The cell that read it when it was not the tracked cell, else null. */
  read_by: ICellRef | null;
  /** One line explaining the issue. */
  message: string;
}

/** The hidden-state analysis of a run. */
export interface IReproducibility {
  /** The verdict. */
  status: ReproStatus;
  /** The names at fault (empty unless the status is `warnings`). */
  issues: IReproIssue[];
}

/** What each kind of issue means, after the name (as the server words it). */
const EXPLANATIONS: Record<string, string> = {
  deleted_cell: 'was defined by a cell that is no longer in the notebook',
  edited_cell: 'was defined by a cell that has been edited since it ran',
  out_of_order: 'was defined by a cell below the cell that used it',
  not_in_notebook:
    'was defined by code that is not in the notebook (console, %run)',
  unknown_origin:
    'was not defined by any code this kernel ran (exec, %run, startup)'
};

/** `In [12]`: how a notebook labels an executed cell. */
export function cellLabel(cell: ICellRef): string {
  return `In [${cell.execution_count}]`;
}

/** The one-line explanation of an issue the server did not explain. */
export function explainIssue(
  issue: Pick<IReproIssue, 'name' | 'kind' | 'defined_in'>
): string {
  const what = EXPLANATIONS[issue.kind] ?? 'is hidden state';
  const where = issue.defined_in ? ` (${cellLabel(issue.defined_in)})` : '';
  return `${issue.name} ${what}${where}`;
}

function decodeCellRef(v: unknown): ICellRef | null {
  if (!isObject(v)) {
    return null;
  }
  const n = toNumber(v.execution_count);
  return n === null || !Number.isFinite(n)
    ? null
    : { execution_count: n, cell_id: optStr(v.cell_id) || null };
}

/** Decode one issue; null when it names nothing. */
export function decodeReproIssue(v: unknown): IReproIssue | null {
  if (!isObject(v) || typeof v.name !== 'string') {
    return null;
  }
  const issue = {
    name: v.name,
    kind: optStr(v.kind) ?? 'unknown_origin',
    defined_in: decodeCellRef(v.defined_in),
    read_by: decodeCellRef(v.read_by)
  };
  return { ...issue, message: optStr(v.message) || explainIssue(issue) };
}

/** Decode a verdict: one of the three, else null. */
export function decodeReproStatus(v: unknown): ReproStatus | null {
  return v === 'clean' || v === 'warnings' || v === 'unknown' ? v : null;
}

/**
 * Decode a `reproducibility` value: null (runs recorded before the analysis) or
 * its status and issues. An unknown status reads as `unknown`; malformed issues
 * are dropped.
 */
export function decodeReproducibility(v: unknown): IReproducibility | null {
  if (!isObject(v)) {
    return null;
  }
  const status: ReproStatus =
    v.status === 'clean' || v.status === 'warnings' ? v.status : 'unknown';
  return { status, issues: list(v.issues, decodeReproIssue) };
}

/** How many warnings a run has (0 unless its status is `warnings`). */
export function warningCount(repro: IReproducibility | null): number {
  if (!repro || repro.status !== 'warnings') {
    return 0;
  }
  return Math.max(1, repro.issues.length);
}

/** `3 hidden-state warnings`. */
export function warningsText(n: number): string {
  return `${n} hidden-state warning${n === 1 ? '' : 's'}`;
}

/** What a badge shows: its look, its text and its tooltip. */
export interface IReproBadge {
  /** The look: a quiet check, a warning, a grey question mark, or nothing. */
  kind: 'clean' | 'warnings' | 'unknown' | 'none';
  /** The badge's text (compact: a symbol and the count). */
  text: string;
  /** Its tooltip and accessible name. */
  title: string;
}

/**
 * The badge of a run's analysis. `compact` is the table's: `✓`, `⚠ 2`, `?`.
 * A run recorded before the analysis (null) has no badge.
 */
export function reproBadge(
  repro: IReproducibility | null,
  compact = false
): IReproBadge {
  if (!repro) {
    return { kind: 'none', text: '', title: 'Not analysed (older run)' };
  }
  if (repro.status === 'clean') {
    return {
      kind: 'clean',
      text: compact ? '✓' : '✓ reproducible',
      title:
        'Reproducible: every name the cell used was defined by an unchanged cell above it'
    };
  }
  if (repro.status === 'warnings') {
    const n = warningCount(repro);
    const first = repro.issues[0]?.message;
    return {
      kind: 'warnings',
      text: compact ? `⚠ ${n}` : `⚠ ${warningsText(n)}`,
      title: first
        ? `${warningsText(n)}: ${first}${n > 1 ? ' …' : ''}`
        : warningsText(n)
    };
  }
  return {
    kind: 'unknown',
    text: '?',
    title:
      'Reproducibility unknown: no notebook or execution history to check against'
  };
}

/**
 * The cell an issue's "Open notebook at this cell" goes to, or null: the
 * defining cell when it has an id and is still in the notebook.
 */
export function issueCellId(issue: IReproIssue): string | null {
  if (issue.kind === 'deleted_cell' || issue.kind === 'not_in_notebook') {
    return null;
  }
  return issue.defined_in?.cell_id ?? null;
}

/**
 * The question asked before registering a model from a run with hidden-state
 * warnings, or null when there is nothing to confirm.
 */
export function registrationWarning(
  repro: IReproducibility | null
): string | null {
  const n = warningCount(repro);
  if (n === 0 || !repro) {
    return null;
  }
  const first = repro.issues[0]?.message;
  return (
    `This run has ${warningsText(n)}` +
    (first ? ` (${first}${n > 1 ? ', …' : ''})` : '') +
    ': re-running its notebook from the top may not give this model.' +
    ' Register anyway?'
  );
}

/**
 * The question to ask when the server refused a registration for hidden-state
 * warnings the view did not know of (409: an output saved before the analysis,
 * or a run analysed since the view loaded), or null for any other error. The
 * server's sentence is kept up to its advice to the API caller.
 */
export function refusalQuestion(err: unknown): string | null {
  if (
    !(err instanceof MMApiError) ||
    err.status !== 409 ||
    !/hidden-state warning/.test(err.message)
  ) {
    return null;
  }
  const reason = err.message.split(/:\s*send confirm_reproducibility/)[0];
  return `The server refused: ${reason}. Register anyway?`;
}
