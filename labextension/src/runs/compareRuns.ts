/**
 * Comparing the runs checked in the table: the N-run compare view when the
 * application has it, the two-run diff otherwise.
 */
import type { JupyterFrontEnd } from '@jupyterlab/application';

import { CommandIDs } from '../shared/actions';
import * as MM from './types';

/** The N-run compare command (its view is another module's; it may be absent). */
export const COMPARE_RUNS_COMMAND = 'mm-jupyter:compare-runs';

/**
 * Open a comparison of `runs` (2..50): `mm-jupyter:compare-runs` with
 * `{ids}`, or the two-run diff (older run as side A) when that command is not
 * there. Rejects with what to do when neither can show them.
 */
export async function compareRuns(
  commands: JupyterFrontEnd['commands'],
  runs: ReadonlyArray<MM.IRunSummary>
): Promise<void> {
  if (runs.length < 2 || runs.length > 50) {
    throw new Error(
      `Select 2 to 50 runs to compare (${runs.length} selected).`
    );
  }
  if (commands.hasCommand(COMPARE_RUNS_COMMAND)) {
    await commands.execute(COMPARE_RUNS_COMMAND, { ids: runs.map(r => r.id) });
    return;
  }
  if (runs.length === 2) {
    const [a, b] = [...runs].sort((x, y) =>
      (x.started_at ?? '') < (y.started_at ?? '') ? -1 : 1
    );
    await commands.execute(CommandIDs.openDiff, { a: a.id, b: b.id });
    return;
  }
  throw new Error(
    'Comparing more than two runs needs the compare view, which this installation does not have; select two runs.'
  );
}
