/**
 * Commands of the extension.
 */
import { JupyterFrontEnd } from '@jupyterlab/application';
import { MainAreaWidget, WidgetTracker } from '@jupyterlab/apputils';
import { IRenderMimeRegistry } from '@jupyterlab/rendermime';
import { refreshIcon } from '@jupyterlab/ui-components';
import { ReadonlyPartialJSONObject } from '@lumino/coreutils';

import { mmIcon } from './icons';
import { RunsModel } from './model';
import { RunDetailWidget } from './widgets/RunDetailWidget';

/**
 * Command ids.
 */
export namespace CommandIDs {
  /** Reload the runs list (and reconnect if the handshake failed). */
  export const refresh = 'mm-jupyter:refresh';
  /** Open a run's detail view in the main area; args `{id, name?}`. */
  export const openRun = 'mm-jupyter:open-run';
}

/**
 * Everything the commands need.
 */
export interface ICommandContext {
  /** The application. */
  app: JupyterFrontEnd;
  /** The shared model. */
  model: RunsModel;
  /** JupyterLab's renderers, or null. */
  rendermime: IRenderMimeRegistry | null;
  /** Tracker of the open run detail views. */
  tracker: WidgetTracker<MainAreaWidget<RunDetailWidget>>;
}

/** Main-area widget id of a run's detail view. */
export function runWidgetId(runId: string): string {
  return `mm-jupyter-run-${runId}`;
}

/**
 * Register the commands.
 */
export function addCommands(context: ICommandContext): void {
  const { app, model, rendermime, tracker } = context;

  app.commands.addCommand(CommandIDs.refresh, {
    label: 'Refresh Model Management Runs',
    caption: 'Reload the runs list from the registry',
    icon: refreshIcon,
    execute: () => model.refresh()
  });

  app.commands.addCommand(CommandIDs.openRun, {
    label: args => (args.id ? `Open Run ${String(args.id)}` : 'Open Run'),
    caption: 'Open the details of a tracked run',
    icon: mmIcon,
    describedBy: {
      args: {
        type: 'object',
        properties: {
          id: { type: 'string', description: 'Run id' },
          name: { type: 'string', description: 'Label until the run is loaded' }
        },
        required: ['id']
      }
    },
    execute: (args: ReadonlyPartialJSONObject) => {
      const id = typeof args.id === 'string' ? args.id : '';
      if (!id) {
        throw new Error(`${CommandIDs.openRun} needs an "id" argument`);
      }
      const widgetId = runWidgetId(id);
      const open = tracker.find(w => w.id === widgetId);
      if (open) {
        app.shell.activateById(widgetId);
        void open.content.load();
        return open;
      }
      const content = new RunDetailWidget({
        runId: id,
        label: typeof args.name === 'string' ? args.name : undefined,
        model,
        rendermime
      });
      const widget = new MainAreaWidget({ content });
      widget.id = widgetId;
      widget.addClass('jp-mm-RunDetailPanel');
      void tracker.add(widget);
      app.shell.add(widget, 'main');
      app.shell.activateById(widgetId);
      return widget;
    }
  });
}
