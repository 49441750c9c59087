/**
 * Commands of the extension: the composition root of the main-area views (it
 * creates every feature's widgets, so it imports every feature).
 */
import { JupyterFrontEnd } from '@jupyterlab/application';
import { MainAreaWidget, WidgetTracker } from '@jupyterlab/apputils';
import { IRenderMimeRegistry } from '@jupyterlab/rendermime';
import { LabIcon, refreshIcon } from '@jupyterlab/ui-components';
import { ReadonlyPartialJSONObject } from '@lumino/coreutils';

import {
  CommandIDs,
  commandActions,
  describeArgs,
  stringArg
} from './shared/actions';
import { artifactIcon, lineageIcon, mmIcon, modelIcon } from './shared/icons';
import {
  artifactWidgetId,
  diffWidgetId,
  lineageRootOfArgs,
  lineageWidgetId,
  modelWidgetId,
  runWidgetId
} from './shared/ids';
import { LiveWidget } from './shared/LiveWidget';
import { openView } from './shared/mainArea';
import type { MMApi } from './api';
import { RunsModel } from './runs/state';
import * as MM from './mm';
import { ArtifactWidget } from './artifacts/ArtifactWidget';
import { DiffWidget } from './diff/DiffWidget';
import { LineageWidget } from './artifacts/LineageWidget';
import { ModelWidget } from './models/ModelWidget';
import { RunDetailWidget } from './runs/RunDetailWidget';
import { RunsTableWidget, RUNS_TABLE_ID } from './runs/RunsTableWidget';
import type { IStateStore } from './runs/tableModel';
import { compareRuns } from './runs/compareRuns';
import { fileBrowserFolder } from './runs/checkoutNotebook';

/**
 * Trackers of the main-area views.
 */
export interface ITrackers {
  /** Run detail views. */
  runs: WidgetTracker<MainAreaWidget<RunDetailWidget>>;
  /** Artifact views. */
  artifacts: WidgetTracker<MainAreaWidget<ArtifactWidget>>;
  /** Lineage views. */
  lineage: WidgetTracker<MainAreaWidget<LineageWidget>>;
  /** Registered model views. */
  models: WidgetTracker<MainAreaWidget<ModelWidget>>;
  /** Run diff views. */
  diffs: WidgetTracker<MainAreaWidget<DiffWidget>>;
  /** The runs table (one at most). */
  table: WidgetTracker<MainAreaWidget<RunsTableWidget>>;
}

/**
 * Everything the commands need.
 */
export interface ICommandContext {
  /** The application. */
  app: JupyterFrontEnd;
  /** The shared model. */
  model: RunsModel<MMApi>;
  /** JupyterLab's renderers, or null. */
  rendermime: IRenderMimeRegistry | null;
  /** Trackers of the open views. */
  trackers: ITrackers;
  /** Where the runs table remembers its state (JupyterLab's `IStateDB`), or null. */
  state?: IStateStore | null;
}

/**
 * Register the commands.
 */
export function addCommands(context: ICommandContext): void {
  const { app, model, rendermime, trackers } = context;
  const actions = commandActions(app);

  app.commands.addCommand(CommandIDs.refresh, {
    label: 'Refresh Model Management Runs',
    caption: 'Reload the runs list from the registry',
    describedBy: describeArgs({}),
    icon: refreshIcon,
    execute: () => model.refresh()
  });

  app.commands.addCommand(CommandIDs.openRun, {
    label: args => (args.id ? `Open Run ${String(args.id)}` : 'Open Run'),
    caption: 'Open the details of a tracked run',
    icon: mmIcon,
    describedBy: describeArgs(
      { id: 'Run id', name: 'Label until the run is loaded' },
      ['id']
    ),
    execute: (args: ReadonlyPartialJSONObject) => {
      const id = stringArg(args, 'id');
      if (!id) {
        throw new Error(`${CommandIDs.openRun} needs an "id" argument`);
      }
      return openView({
        app,
        tracker: trackers.runs,
        id: runWidgetId(id),
        create: () =>
          new RunDetailWidget({
            runId: id,
            label: stringArg(args, 'name') || undefined,
            model,
            rendermime,
            actions,
            checkoutTarget: {
              contents: app.serviceManager.contents,
              folder: () => fileBrowserFolder(app.shell),
              open: path =>
                app.commands.execute('docmanager:open', {
                  path,
                  factory: 'Notebook'
                })
            }
          })
      });
    }
  });

  model.openTable = () =>
    void app.commands.execute(CommandIDs.openRunsTable).catch(err => {
      console.error(`mm-jupyter: ${CommandIDs.openRunsTable} failed`, err);
    });
  app.commands.addCommand(CommandIDs.openRunsTable, {
    label: 'Open Runs Table',
    caption:
      'Every run of the registry in a table: chosen columns, filters, housekeeping, CSV export',
    icon: mmIcon,
    describedBy: describeArgs({}),
    execute: () =>
      openView({
        app,
        tracker: trackers.table,
        id: RUNS_TABLE_ID,
        create: () =>
          new RunsTableWidget({
            model,
            store: context.state ?? null,
            openRun: r => actions.openRun({ id: r.id, name: r.name }),
            compare: runs => compareRuns(app.commands, runs),
            reconnect: () => model.connect()
          })
      })
  });

  addOpenByNameCommand(app, {
    id: CommandIDs.openArtifact,
    what: 'Artifact',
    caption: 'Open the versions of an artifact',
    icon: artifactIcon,
    nameDescription: 'Artifact name',
    versionDescription: 'Version to highlight',
    tracker: trackers.artifacts,
    widgetId: artifactWidgetId,
    create: (name, version) =>
      new ArtifactWidget({ name, version, model, actions })
  });

  addOpenByNameCommand(app, {
    id: CommandIDs.openModel,
    what: 'Model',
    caption: 'Open a registered model: versions, stages, aliases and history',
    icon: modelIcon,
    nameDescription: 'Registered model name',
    versionDescription: 'Version to highlight and expand',
    tracker: trackers.models,
    widgetId: modelWidgetId,
    create: (name, version) =>
      new ModelWidget({ name, version, model, actions, rendermime })
  });

  app.commands.addCommand(CommandIDs.openDiff, {
    label: args =>
      args.a && args.b
        ? `Compare Runs ${String(args.a)} and ${String(args.b)}`
        : 'Compare Runs',
    caption: 'Show what changed between two runs',
    icon: mmIcon,
    describedBy: describeArgs(
      { a: 'Run id of side A', b: 'Run id of side B' },
      ['a', 'b']
    ),
    execute: (args: ReadonlyPartialJSONObject) => {
      const a = stringArg(args, 'a');
      const b = stringArg(args, 'b');
      if (!a || !b) {
        throw new Error(`${CommandIDs.openDiff} needs "a" and "b" (run ids)`);
      }
      return openView({
        app,
        tracker: trackers.diffs,
        id: diffWidgetId(a, b),
        create: () =>
          new DiffWidget({
            a,
            b,
            model,
            openRun: r => actions.openRun({ id: r.id, name: r.name }),
            swap: () =>
              void app.commands.execute(CommandIDs.openDiff, { a: b, b: a })
          })
      });
    }
  });

  // Re-rooting a view: activate another open view of that root, or re-root this
  // one and let its id follow.
  const reroot = (content: LineageWidget, root: MM.LineageRoot) => {
    const other = trackers.lineage.find(
      w => w.id === lineageWidgetId(root) && w.content !== content
    );
    if (other) {
      app.shell.activateById(other.id);
    } else {
      content.setRoot(root);
    }
  };

  app.commands.addCommand(CommandIDs.openLineage, {
    label: args =>
      args.run
        ? `Open Lineage of Run ${String(args.run)}`
        : args.version
          ? `Open Lineage of ${String(args.version)}`
          : 'Open Lineage',
    caption: 'Show where a run or an artifact version came from and went to',
    icon: lineageIcon,
    describedBy: describeArgs({
      run: 'Run id',
      version: 'Version, as name:vN'
    }),
    execute: (args: ReadonlyPartialJSONObject) => {
      const root = lineageRootOfArgs(args);
      if (!root) {
        throw new Error(
          `${CommandIDs.openLineage} needs either "run" (a run id) or "version" (name:vN)`
        );
      }
      return openView({
        app,
        tracker: trackers.lineage,
        id: lineageWidgetId(root),
        create: () => new LineageWidget({ root, model, actions, reroot }),
        setup: widget =>
          widget.content.rootChanged.connect((_, newRoot) => {
            widget.id = lineageWidgetId(newRoot);
            void trackers.lineage.save(widget);
          })
      });
    }
  });
}

/**
 * A view of a named thing that can highlight one of its versions.
 */
type VersionedView = LiveWidget & {
  focusVersion(version: number | null): void;
};

/**
 * Register a command that opens the view of a named thing (`name`, optionally the
 * `version` to highlight): "Open Artifact" and "Open Model". An open view of that
 * name is activated, highlights the version and reloads.
 */
function addOpenByNameCommand<T extends VersionedView>(
  app: JupyterFrontEnd,
  options: {
    id: string;
    what: string;
    caption: string;
    icon: LabIcon;
    nameDescription: string;
    versionDescription: string;
    tracker: WidgetTracker<MainAreaWidget<T>>;
    widgetId: (name: string) => string;
    create: (name: string, version: number | null) => T;
  }
): void {
  const { id, what } = options;
  app.commands.addCommand(id, {
    label: args =>
      args.name ? `Open ${what} ${String(args.name)}` : `Open ${what}`,
    caption: options.caption,
    icon: options.icon,
    describedBy: describeArgs(
      {
        name: options.nameDescription,
        version: options.versionDescription
      },
      ['name'],
      ['version']
    ),
    execute: (args: ReadonlyPartialJSONObject) => {
      const name = stringArg(args, 'name');
      if (!name) {
        throw new Error(`${id} needs a "name" argument`);
      }
      const version = typeof args.version === 'number' ? args.version : null;
      return openView({
        app,
        tracker: options.tracker,
        id: options.widgetId(name),
        create: () => options.create(name, version),
        reuse: open => open.focusVersion(version)
      });
    }
  });
}
