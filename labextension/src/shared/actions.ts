/**
 * What views can ask the application to open, and the commands that do it:
 * components call {@link IActions}; {@link commandActions} implements it by
 * executing the plugin's commands ({@link CommandIDs}).
 */
import { JupyterFrontEnd } from '@jupyterlab/application';
import {
  ReadonlyJSONObject,
  ReadonlyPartialJSONObject
} from '@lumino/coreutils';

import { lineageArgs } from './ids';
import * as MM from './types';

/**
 * Command ids.
 */
export namespace CommandIDs {
  /** Reload the runs list (and reconnect if the handshake failed). */
  export const refresh = 'mm-jupyter:refresh';
  /** Open a run's detail view in the main area; args `{id, name?}`. */
  export const openRun = 'mm-jupyter:open-run';
  /** Open an artifact's versions in the main area; args `{name, version?}`. */
  export const openArtifact = 'mm-jupyter:open-artifact';
  /** Open a lineage view; args `{run}` (a run id) or `{version}` (`name:vN`). */
  export const openLineage = 'mm-jupyter:open-lineage';
  /** Open a registered model in the main area; args `{name, version?}`. */
  export const openModel = 'mm-jupyter:open-model';
  /** Open the diff of two runs in the main area; args `{a, b}` (run ids). */
  export const openDiff = 'mm-jupyter:open-diff';
  /** Compare 2 to 50 runs in the main area; args `{ids}` (run ids, in order). */
  export const compareRuns = 'mm-jupyter:compare-runs';
  /** Open a monitored version in the main area; args `{ref}` (`name:N`). */
  export const openMonitor = 'mm-jupyter:open-monitor';
  /** Open a run's notebook at its cell; args `{path, cellId?, runId?}`. */
  export const openNotebookCell = 'mm-jupyter:open-notebook-cell';
  /** Open the main-area runs table (every run, chosen columns, housekeeping). */
  export const openRunsTable = 'mm-jupyter:open-runs-table';
}
/**
 * Navigation between the views of the extension.
 */
export interface IActions {
  /** Open a run's detail view. */
  openRun(run: { id: string; name?: string }): void;
  /** Open an artifact's versions view, showing `version` if given. */
  openArtifact(name: string, version?: number): void;
  /** Open a registered model's view, showing `version` if given. */
  openModel(name: string, version?: number): void;
  /** Open the lineage view rooted at a run or a version. */
  openLineage(root: MM.LineageRoot): void;
  /** Open the diff of two runs (`a` the original, `b` the other). */
  openDiff(a: string, b: string): void;
  /**
   * Open a run's notebook at the cell it was tracked in; without the run's `id`
   * only the cell with `cell_id` is looked for (another cell of the notebook,
   * say the one that defined a name the run used).
   */
  openNotebookCell(run: {
    id?: string;
    notebook_path: string;
    cell_id?: string | null;
  }): void;
}

/**
 * Navigation through the commands, for the views.
 */
export function commandActions(app: JupyterFrontEnd): IActions {
  const run = (id: string, args: ReadonlyPartialJSONObject) =>
    void app.commands.execute(id, args).catch(err => {
      console.error(`mm-jupyter: ${id} failed`, err);
    });
  return {
    openRun: r =>
      run(
        CommandIDs.openRun,
        r.name ? { id: r.id, name: r.name } : { id: r.id }
      ),
    openArtifact: (name, version) =>
      run(
        CommandIDs.openArtifact,
        version === undefined ? { name } : { name, version }
      ),
    openLineage: root => run(CommandIDs.openLineage, lineageArgs(root)),
    openDiff: (a, b) => run(CommandIDs.openDiff, { a, b }),
    openNotebookCell: r =>
      run(CommandIDs.openNotebookCell, {
        path: r.notebook_path,
        cellId: r.cell_id ?? '',
        runId: r.id ?? ''
      }),
    openModel: (name, version) =>
      run(
        CommandIDs.openModel,
        version === undefined ? { name } : { name, version }
      )
  };
}

/**
 * The `describedBy` of a command: its args, an object of strings (and numbers)
 * named with what each is.
 *
 * @param descriptions - Each argument and what it is.
 * @param required - The arguments the command needs.
 * @param numbers - The arguments that are numbers (the others are strings).
 */
export function describeArgs(
  descriptions: Record<string, string>,
  required: string[] = [],
  numbers: string[] = []
): { args: ReadonlyJSONObject } {
  const properties: Record<string, ReadonlyJSONObject> = {};
  for (const [name, description] of Object.entries(descriptions)) {
    properties[name] = {
      type: numbers.includes(name) ? 'number' : 'string',
      description
    };
  }
  return {
    args: required.length
      ? { type: 'object', properties, required }
      : { type: 'object', properties }
  };
}

/** Command argument `key` if it is a string, else `''`. */
export function stringArg(
  args: ReadonlyPartialJSONObject,
  key: string
): string {
  const value = args[key];
  return typeof value === 'string' ? value : '';
}
