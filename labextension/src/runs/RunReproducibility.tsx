import * as React from 'react';

import { errorMessage } from '../shared/errors';
import { ReproBadge, ReproIssues } from '../shared/ReproBadge';
import { RerunReport } from './RerunReport';
import * as MM from './types';

/**
 * What the run view can do to reproduce its run; the widget supplies it (tests
 * fake it).
 */
export interface IReproduction {
  /** Re-run the run in a fresh kernel (`POST runs/{id}/rerun`). */
  rerun(): Promise<MM.IRerunReport>;
  /**
   * Save the run as a notebook (`GET runs/{id}/checkout`) into the file
   * browser's folder and open it; resolves to the saved path.
   */
  openAsNotebook(): Promise<string>;
}

/**
 * Props of {@link RunReproducibility}.
 */
export interface IRunReproducibilityProps {
  /** Its hidden-state analysis, or null (recorded before it existed). */
  reproducibility: MM.IReproducibility | null;
  /** Re-run and Open as notebook; without it those buttons are hidden. */
  reproduction?: IReproduction;
  /** Open the notebook at a cell; without it issues have no button. */
  onOpenCell?: (cellId: string) => void;
  /** Open a run (the re-run); without it its id is plain text. */
  onOpenRun?: (id: string) => void;
  /** Open the diff of two runs; without it the report has no Diff button. */
  onOpenDiff?: (a: string, b: string) => void;
}

type RerunState =
  | { kind: 'idle' }
  | { kind: 'busy' }
  | { kind: 'done'; report: MM.IRerunReport }
  | { kind: 'failed'; message: string };

type NotebookState =
  | { kind: 'idle' }
  | { kind: 'busy' }
  | { kind: 'done'; path: string }
  | { kind: 'failed'; message: string };

/** The sentence next to the badge (which already says the verdict). */
function verdictText(repro: MM.IReproducibility | null): string {
  if (!repro) {
    return 'Not analysed: this run was recorded before hidden-state checks.';
  }
  switch (repro.status) {
    case 'clean':
      return 'Every name the cell used was defined by an unchanged cell above it.';
    case 'warnings':
      return 'The cell used names a top-to-bottom run of the notebook would not define this way:';
    default:
      return 'Unknown: no notebook or execution history to check against.';
  }
}

/**
 * The run view's Reproducibility section: the hidden-state verdict and its
 * issues (each with "Open notebook at this cell" for its defining cell), the
 * Re-run button with its report, and Open as notebook.
 */
export function RunReproducibility(
  props: IRunReproducibilityProps
): JSX.Element {
  const { reproducibility: repro, reproduction } = props;
  const [rerun, setRerun] = React.useState<RerunState>({ kind: 'idle' });
  const [notebook, setNotebook] = React.useState<NotebookState>({
    kind: 'idle'
  });
  const startRerun = async () => {
    if (!reproduction) {
      return;
    }
    setRerun({ kind: 'busy' });
    try {
      setRerun({ kind: 'done', report: await reproduction.rerun() });
    } catch (err) {
      setRerun({ kind: 'failed', message: errorMessage(err) });
    }
  };
  const openNotebook = async () => {
    if (!reproduction) {
      return;
    }
    setNotebook({ kind: 'busy' });
    try {
      setNotebook({ kind: 'done', path: await reproduction.openAsNotebook() });
    } catch (err) {
      setNotebook({ kind: 'failed', message: errorMessage(err) });
    }
  };
  return (
    <div className="jp-mm-RunRepro">
      <p className="jp-mm-RunRepro-verdict">
        <ReproBadge reproducibility={repro} />{' '}
        <span className="jp-mm-RunRepro-text">{verdictText(repro)}</span>
      </p>
      {repro && repro.issues.length > 0 && (
        <ReproIssues
          issues={repro.issues}
          onOpenCell={
            props.onOpenCell ? cellId => props.onOpenCell?.(cellId) : undefined
          }
        />
      )}
      {reproduction && (
        <div
          className="jp-mm-RunRepro-tools"
          role="toolbar"
          aria-label="Reproduce this run"
        >
          <button
            className="jp-mm-Button jp-mm-RunRepro-rerun"
            disabled={rerun.kind === 'busy'}
            aria-busy={rerun.kind === 'busy'}
            title="Execute the cells this run depends on, then its cell, in a fresh kernel, and compare"
            onClick={() => void startRerun()}
          >
            {rerun.kind === 'busy'
              ? 'Re-running in a fresh kernel…'
              : rerun.kind === 'idle'
                ? 'Re-run'
                : 'Re-run again'}
          </button>
          <button
            className="jp-mm-Button jp-mm-RunRepro-checkout"
            disabled={notebook.kind === 'busy'}
            title="Save the cells this run depends on and its cell as a new notebook, and open it"
            onClick={() => void openNotebook()}
          >
            {notebook.kind === 'busy' ? 'Saving notebook…' : 'Open as notebook'}
          </button>
          {notebook.kind === 'done' && (
            <span className="jp-mm-RunRepro-saved" role="status">
              Saved as <code>{notebook.path}</code>
            </span>
          )}
          {notebook.kind === 'failed' && (
            <span className="jp-mm-RunRepro-error" role="alert">
              {notebook.message}
            </span>
          )}
        </div>
      )}
      {rerun.kind === 'failed' && (
        <p className="jp-mm-RunRepro-error" role="alert">
          Re-run failed: {rerun.message}
        </p>
      )}
      {rerun.kind === 'done' && (
        <RerunReport
          report={rerun.report}
          onOpenRun={props.onOpenRun}
          onOpenDiff={props.onOpenDiff}
        />
      )}
    </div>
  );
}
