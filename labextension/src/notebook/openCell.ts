/**
 * "Open notebook at this cell": open the run's notebook with the document manager,
 * then scroll to and select the run's cell (by id, else by the recorded source).
 */
import { JupyterFrontEnd } from '@jupyterlab/application';
import { Notification, showErrorMessage } from '@jupyterlab/apputils';
import { PageConfig } from '@jupyterlab/coreutils';

import { errorMessage } from '../shared/errors';
import { findCell, relativeToRoot } from './cells';

/** What this module needs of a notebook cell widget (typed loosely on purpose:
 * the extension does not depend on @jupyterlab/notebook for four members). */
interface ICellLike {
  model: { id: string; sharedModel: { getSource(): string } };
}

/** What this module needs of a notebook panel. */
interface INotebookPanelLike {
  id: string;
  context: { ready: Promise<void> };
  content: {
    widgets: readonly ICellLike[];
    activeCellIndex: number;
    deselectAll(): void;
    scrollToItem?(index: number, behavior?: string): Promise<void>;
  };
}

function isNotebookPanel(w: unknown): w is INotebookPanelLike {
  const panel = w as INotebookPanelLike | null;
  return (
    !!panel &&
    typeof panel === 'object' &&
    !!panel.context &&
    !!panel.content &&
    Array.isArray(panel.content.widgets)
  );
}

/** The arguments of the command. */
export interface IOpenCellArgs {
  /** The notebook's path as the run recorded it (absolute, on the server). */
  path: string;
  /** The cell's id, when the run knows it. */
  cellId: string | null;
  /** The run, whose recorded cell source finds the cell when the id does not. */
  runId: string | null;
}

/**
 * Open the notebook at the run's cell; say so (as a notification) when the notebook
 * cannot be opened or the cell is not found.
 *
 * @param app - The application (document manager command, shell).
 * @param args - Which notebook and cell.
 * @param cellSource - The run's recorded cell source (`GET runs/{id}`), asked for
 *   only when no cell has the id.
 */
export async function openNotebookCell(
  app: JupyterFrontEnd,
  args: IOpenCellArgs,
  cellSource: (runId: string) => Promise<string | null>
): Promise<void> {
  const root = PageConfig.getOption('serverRoot');
  const relative = relativeToRoot(args.path, root);
  if (relative === null) {
    await showErrorMessage(
      'Notebook outside the server root',
      `The run's notebook ${args.path} is not under the folder this Jupyter server` +
        ` serves (${root || 'unknown'}), so it cannot be opened here.`
    );
    return;
  }
  let widget: unknown;
  try {
    widget = await app.commands.execute('docmanager:open', {
      path: relative,
      factory: 'Notebook'
    });
  } catch (err) {
    await showErrorMessage(
      'Notebook not opened',
      `${relative} could not be opened: ${errorMessage(err)}`
    );
    return;
  }
  if (!isNotebookPanel(widget)) {
    return; // opened elsewhere (Notebook 7 opens a new browser tab)
  }
  await widget.context.ready;
  const notebook = widget.content;
  const cells = () =>
    notebook.widgets.map(cell => ({
      id: cell.model.id,
      source: cell.model.sharedModel.getSource()
    }));
  let found = findCell(cells(), args.cellId, null);
  if (found === null && args.runId) {
    const source = await cellSource(args.runId).catch(() => null);
    found = findCell(cells(), null, source);
  }
  app.shell.activateById(widget.id);
  if (found === null) {
    Notification.warning(
      `Opened ${relative}, but no cell there has this run's cell id or source` +
        ' (the cell was deleted or edited since).',
      { autoClose: 8000 }
    );
    return;
  }
  notebook.deselectAll();
  notebook.activeCellIndex = found.index;
  if (notebook.scrollToItem) {
    await notebook.scrollToItem(found.index, 'center');
  }
  if (found.by === 'source') {
    Notification.info(
      `No cell of ${relative} has this run's cell id: selected the cell with its source.`,
      { autoClose: 6000 }
    );
  }
}
