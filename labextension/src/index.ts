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
import { IStateDB } from '@jupyterlab/statedb';

import { createApi } from './api';
import { ArtifactsModel } from './artifacts/state';
import { addCommands, ITrackers } from './commands';
import { addCompareCommands } from './compare/commands';
import { CommandIDs } from './shared/actions';
import { lineageArgs } from './shared/ids';
import { RunsModel } from './runs/state';
import { ModelsModel } from './models/state';
import { addMonitoringCommands, MonitorTracker } from './monitoring/commands';
import { AlertBadgeModel, MonitorsModel } from './monitoring/state';
import { ArtifactWidget } from './artifacts/ArtifactWidget';
import { LineageWidget } from './artifacts/LineageWidget';
import { DiffWidget } from './diff/DiffWidget';
import { ModelWidget } from './models/ModelWidget';
import { MMSidebar, SIDEBAR_ID } from './Sidebar';
import { RunDetailWidget } from './runs/RunDetailWidget';
import { notebookPlugin } from './notebookPlugin';
import { RunsTableWidget, RUNS_TABLE_ID } from './runs/RunsTableWidget';

/**
 * The main plugin.
 */
const plugin: JupyterFrontEndPlugin<void> = {
  id: 'mm-jupyter:plugin',
  description:
    'Model management: tracked runs of notebook cells, versioned artifacts with lineage, and a model registry.',
  autoStart: true,
  optional: [IRenderMimeRegistry, ICommandPalette, ILayoutRestorer, IStateDB],
  activate: (
    app: JupyterFrontEnd,
    rendermime: IRenderMimeRegistry | null,
    palette: ICommandPalette | null,
    restorer: ILayoutRestorer | null,
    state: IStateDB | null
  ) => {
    const api = createApi(app.serviceManager.serverSettings);
    const model = new RunsModel(api);
    const artifacts = new ArtifactsModel(model);
    const models = new ModelsModel(model);
    const badge = new AlertBadgeModel(model, api);
    const monitors = new MonitorsModel(model, api, badge);
    const monitorTracker: MonitorTracker = new WidgetTracker({
      namespace: 'mm-jupyter-monitor'
    });
    const trackers: ITrackers = {
      runs: new WidgetTracker<MainAreaWidget<RunDetailWidget>>({
        namespace: 'mm-jupyter-run'
      }),
      artifacts: new WidgetTracker<MainAreaWidget<ArtifactWidget>>({
        namespace: 'mm-jupyter-artifact'
      }),
      lineage: new WidgetTracker<MainAreaWidget<LineageWidget>>({
        namespace: 'mm-jupyter-lineage'
      }),
      models: new WidgetTracker<MainAreaWidget<ModelWidget>>({
        namespace: 'mm-jupyter-model'
      }),
      diffs: new WidgetTracker<MainAreaWidget<DiffWidget>>({
        namespace: 'mm-jupyter-diff'
      }),
      table: new WidgetTracker<MainAreaWidget<RunsTableWidget>>({
        namespace: 'mm-jupyter-runs-table'
      })
    };
    addCommands({ app, model, rendermime, trackers, state });
    addMonitoringCommands({
      app,
      model,
      api,
      tracker: monitorTracker,
      onFiring: n => badge.note(n)
    });
    addCompareCommands({ app, model, restorer });

    const sidebar = new MMSidebar({
      model,
      artifacts,
      models,
      openRun: run => {
        sidebar.activeId = run.id;
        void app.commands.execute(CommandIDs.openRun, {
          id: run.id,
          name: run.name
        });
      },
      openArtifact: artifact => {
        sidebar.activeArtifact = artifact.name;
        void app.commands.execute(CommandIDs.openArtifact, {
          name: artifact.name
        });
      },
      openDiff: (a, b) => {
        void app.commands.execute(CommandIDs.openDiff, { a, b });
      },
      openCompare: ids => {
        void app.commands.execute(CommandIDs.compareRuns, { ids });
      },
      openModel: registered => {
        sidebar.activeModel = registered.name;
        void app.commands.execute(CommandIDs.openModel, {
          name: registered.name
        });
      },
      monitors,
      badge,
      openMonitor: monitor => {
        sidebar.activeMonitor = monitor.ref;
        void app.commands.execute(CommandIDs.openMonitor, { ref: monitor.ref });
      }
    });
    app.shell.add(sidebar, 'left', { rank: 900 });
    if (restorer) {
      restorer.add(sidebar, SIDEBAR_ID);
      // Reopen the tabs of the saved layout.
      void restorer.restore(trackers.runs, {
        command: CommandIDs.openRun,
        args: widget => ({
          id: widget.content.runId,
          name: widget.content.title.label
        }),
        name: widget => widget.content.runId
      });
      void restorer.restore(trackers.artifacts, {
        command: CommandIDs.openArtifact,
        args: widget => ({ name: widget.content.artifactName }),
        name: widget => widget.content.artifactName
      });
      void restorer.restore(trackers.models, {
        command: CommandIDs.openModel,
        args: widget => ({ name: widget.content.modelName }),
        name: widget => widget.content.modelName
      });
      void restorer.restore(monitorTracker, {
        command: CommandIDs.openMonitor,
        args: widget => ({ ref: widget.content.ref }),
        name: widget => widget.content.ref
      });
      void restorer.restore(trackers.lineage, {
        command: CommandIDs.openLineage,
        args: widget => lineageArgs(widget.content.root),
        name: widget => widget.id
      });
      void restorer.restore(trackers.table, {
        command: CommandIDs.openRunsTable,
        args: () => ({}),
        name: () => RUNS_TABLE_ID
      });
      void restorer.restore(trackers.diffs, {
        command: CommandIDs.openDiff,
        args: widget => ({ a: widget.content.a, b: widget.content.b }),
        name: widget => widget.id
      });
    }
    if (palette) {
      palette.addItem({
        command: CommandIDs.refresh,
        category: 'Model Management'
      });
      palette.addItem({
        command: CommandIDs.openRunsTable,
        category: 'Model Management'
      });
    }

    void model.connect();
  }
};

export default [plugin, notebookPlugin];
