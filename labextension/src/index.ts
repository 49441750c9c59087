/**
 * The mm-jupyter JupyterLab plugin: sidebar, run detail views and commands.
 */
import {
  ILayoutRestorer,
  JupyterFrontEnd,
  JupyterFrontEndPlugin
} from '@jupyterlab/application';
import {
  ICommandPalette,
  MainAreaWidget,
  WidgetTracker
} from '@jupyterlab/apputils';
import { IRenderMimeRegistry } from '@jupyterlab/rendermime';

import { MMApi } from './api';
import { addCommands, CommandIDs } from './commands';
import { RunsModel } from './model';
import { MMSidebar, SIDEBAR_ID } from './widgets/Sidebar';
import { RunDetailWidget } from './widgets/RunDetailWidget';

/**
 * The main plugin.
 */
const plugin: JupyterFrontEndPlugin<void> = {
  id: 'mm-jupyter:plugin',
  description:
    'Model management: tracked runs of notebook cells, in a sidebar.',
  autoStart: true,
  optional: [IRenderMimeRegistry, ICommandPalette, ILayoutRestorer],
  activate: (
    app: JupyterFrontEnd,
    rendermime: IRenderMimeRegistry | null,
    palette: ICommandPalette | null,
    restorer: ILayoutRestorer | null
  ) => {
    const model = new RunsModel(new MMApi(app.serviceManager.serverSettings));
    const tracker = new WidgetTracker<MainAreaWidget<RunDetailWidget>>({
      namespace: 'mm-jupyter-run'
    });
    addCommands({ app, model, rendermime, tracker });

    const sidebar = new MMSidebar({
      model,
      openRun: run => {
        sidebar.activeId = run.id;
        void app.commands.execute(CommandIDs.openRun, {
          id: run.id,
          name: run.name
        });
      }
    });
    app.shell.add(sidebar, 'left', { rank: 900 });
    if (restorer) {
      restorer.add(sidebar, SIDEBAR_ID);
      // Reopen the run tabs of the saved layout.
      void restorer.restore(tracker, {
        command: CommandIDs.openRun,
        args: widget => ({
          id: widget.content.runId,
          name: widget.content.title.label
        }),
        name: widget => widget.content.runId
      });
    }
    if (palette) {
      palette.addItem({
        command: CommandIDs.refresh,
        category: 'Model Management'
      });
    }

    void model.connect();
  }
};

export default plugin;
