/**
 * The notebook side of the extension: the run output renderer and the command
 * that opens a run's notebook at its cell (part of the composition root: it
 * gives the notebook feature the runs feature's decoders).
 *
 * A plugin rather than a `mimeExtension`: the card opens views and registers
 * models through the application's commands and the server, which a mime extension
 * cannot reach. The factory is added to the application's rendermime at start;
 * every notebook opened afterwards clones that registry, so it has the renderer.
 */
import {
  JupyterFrontEnd,
  JupyterFrontEndPlugin
} from '@jupyterlab/application';
import { IRenderMimeRegistry } from '@jupyterlab/rendermime';

import {
  decodeMeta,
  decodeRegisteredVersion,
  decodeRunDetail
} from './runs/decode';
import { CommandIDs, describeArgs, stringArg } from './shared/actions';
import { RestClient } from './shared/rest';
import { openNotebookCell } from './notebook/openCell';
import { IArtifactRegistration } from './notebook/runOutput';
import { runOutputFactory } from './notebook/RunOutputRenderer';

/**
 * The run output renderer and "Open notebook at this cell".
 */
export const notebookPlugin: JupyterFrontEndPlugin<void> = {
  id: 'mm-jupyter:notebook',
  description:
    'Renders the run output of tracked cells and opens a run’s notebook at its cell.',
  autoStart: true,
  requires: [IRenderMimeRegistry],
  activate: (app: JupyterFrontEnd, rendermime: IRenderMimeRegistry) => {
    const client = new RestClient(app.serviceManager.serverSettings);
    let meta: Promise<string | null> | null = null;
    const run = (id: string, args: Record<string, string | number>) =>
      void app.commands.execute(id, args).catch(err => {
        console.error(`mm-jupyter: ${id} failed`, err);
      });

    app.commands.addCommand(CommandIDs.openNotebookCell, {
      label: 'Open Notebook at This Cell',
      caption: 'Open the notebook a run was tracked in, at its cell',
      describedBy: describeArgs(
        {
          path: 'The notebook path the run recorded',
          cellId: 'The id of the cell (optional)',
          runId: 'The run, whose cell source finds the cell without an id'
        },
        ['path']
      ),
      execute: args =>
        openNotebookCell(
          app,
          {
            path: stringArg(args, 'path'),
            cellId: stringArg(args, 'cellId') || null,
            runId: stringArg(args, 'runId') || null
          },
          async runId =>
            (await client.get(['runs', runId], decodeRunDetail)).code.cell
        )
    });

    rendermime.addFactory(
      runOutputFactory({
        actions: {
          openRun: (id, name) =>
            run(CommandIDs.openRun, name ? { id, name } : { id }),
          openModel: (name, version) =>
            run(CommandIDs.openModel, { name, version }),
          openCell: (path, cellId, runId) =>
            run(CommandIDs.openNotebookCell, {
              path,
              cellId: cellId ?? '',
              runId: runId ?? ''
            }),
          register: (body: IArtifactRegistration) =>
            client.post(['models'], body, decodeRegisteredVersion)
        },
        serverRegistry: () =>
          (meta ??= client
            .get(['meta'], decodeMeta)
            .then(m => m.registry.path)
            .catch(() => null))
      }),
      0
    );
  }
};
