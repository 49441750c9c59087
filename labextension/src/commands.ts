/**
 * Commands of the extension: the composition root of the main-area views (it
 * creates every feature's widgets, so it imports every feature).
 */
import { JupyterFrontEnd } from '@jupyterlab/application';
import { MainAreaWidget, WidgetTracker } from '@jupyterlab/apputils';
import { IRenderMimeRegistry } from '@jupyterlab/rendermime';
import { LabIcon, refreshIcon } from '@jupyterlab/ui-components';
import { ReadonlyPartialJSONObject } from '@lumino/coreutils';

import { CommandIDs, commandActions } from './shared/actions';
import { artifactIcon, lineageIcon, mmIcon, modelIcon } from './shared/icons';
import {
  artifactWidgetId,
  diffWidgetId,
  lineageRootOfArgs,
  lineageWidgetId,
  modelWidgetId,
  runWidgetId
} from './shared/ids';
import { openView } from './shared/mainArea';
import type { MMApi } from './api';
import { RunsModel } from './runs/state';
import * as MM from './mm';
import { ArtifactWidget } from './artifacts/ArtifactWidget';
import { DiffWidget } from './diff/DiffWidget';
import { LineageWidget } from './artifacts/LineageWidget';
import { ModelWidget } from './models/ModelWidget';
import { RunDetailWidget } from './runs/RunDetailWidget';

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
    describedBy: { args: { type: 'object', properties: {} } },
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
      return openView({
        app,
        tracker: trackers.runs,
        id: runWidgetId(id),
        create: () =>
          new RunDetailWidget({
            runId: id,
            label: typeof args.name === 'string' ? args.name : undefined,
            model,
            rendermime,
            actions
          })
      });
    }
  });

  addOpenByNameCommand(app, {
    id: CommandIDs.openArtifact,
    what: 'Artifact',
    caption: 'Open the versions of an artifact',
    icon: artifactIcon,
    nameDescription: 'Artifact name',
    versionDescription: 'Version to highlight',
    open: (name, version) =>
      openView({
        app,
        tracker: trackers.artifacts,
        id: artifactWidgetId(name),
        create: () => new ArtifactWidget({ name, version, model, actions }),
        reuse: open => open.focusVersion(version)
      })
  });

  addOpenByNameCommand(app, {
    id: CommandIDs.openModel,
    what: 'Model',
    caption: 'Open a registered model: versions, stages, aliases and history',
    icon: modelIcon,
    nameDescription: 'Registered model name',
    versionDescription: 'Version to highlight and expand',
    open: (name, version) =>
      openView({
        app,
        tracker: trackers.models,
        id: modelWidgetId(name),
        create: () => new ModelWidget({ name, version, model, actions }),
        reuse: open => open.focusVersion(version)
      })
  });

  app.commands.addCommand(CommandIDs.openDiff, {
    label: args =>
      args.a && args.b
        ? `Compare Runs ${String(args.a)} and ${String(args.b)}`
        : 'Compare Runs',
    caption: 'Show what changed between two runs',
    icon: mmIcon,
    describedBy: {
      args: {
        type: 'object',
        properties: {
          a: { type: 'string', description: 'Run id of side A' },
          b: { type: 'string', description: 'Run id of side B' }
        },
        required: ['a', 'b']
      }
    },
    execute: (args: ReadonlyPartialJSONObject) => {
      const a = typeof args.a === 'string' ? args.a : '';
      const b = typeof args.b === 'string' ? args.b : '';
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
    describedBy: {
      args: {
        type: 'object',
        properties: {
          run: { type: 'string', description: 'Run id' },
          version: { type: 'string', description: 'Version, as name:vN' }
        }
      }
    },
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
 * Register a command that opens the view of a named thing (`name`, optionally the
 * `version` to highlight): "Open Artifact" and "Open Model".
 */
function addOpenByNameCommand(
  app: JupyterFrontEnd,
  options: {
    id: string;
    what: string;
    caption: string;
    icon: LabIcon;
    nameDescription: string;
    versionDescription: string;
    open: (name: string, version: number | null) => unknown;
  }
): void {
  const { id, what } = options;
  app.commands.addCommand(id, {
    label: args =>
      args.name ? `Open ${what} ${String(args.name)}` : `Open ${what}`,
    caption: options.caption,
    icon: options.icon,
    describedBy: {
      args: {
        type: 'object',
        properties: {
          name: { type: 'string', description: options.nameDescription },
          version: {
            type: 'number',
            description: options.versionDescription
          }
        },
        required: ['name']
      }
    },
    execute: (args: ReadonlyPartialJSONObject) => {
      const name = typeof args.name === 'string' ? args.name : '';
      if (!name) {
        throw new Error(`${id} needs a "name" argument`);
      }
      const version = typeof args.version === 'number' ? args.version : null;
      return options.open(name, version);
    }
  });
}
