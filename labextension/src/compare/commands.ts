/**
 * The command that opens the comparison of 2 to 50 runs in the main area
 * (`mm-jupyter:compare-runs`, args `{ids}`), and the restoring of its tabs.
 */
import { ILayoutRestorer, JupyterFrontEnd } from '@jupyterlab/application';
import { MainAreaWidget, WidgetTracker } from '@jupyterlab/apputils';
import { ReadonlyPartialJSONObject } from '@lumino/coreutils';

import { CommandIDs, commandActions } from '../shared/actions';
import { mmIcon } from '../shared/icons';
import { openView } from '../shared/mainArea';
import type { IServerModel } from '../shared/serverModel';
import type { ICompareApi } from './api';
import { CompareWidget, compareWidgetId } from './CompareWidget';

/** The fewest and most runs a comparison takes (the server's limits). */
export const MIN_COMPARE = 2;
export const MAX_COMPARE = 50;

/**
 * The run ids of command args `{ids}`: 2 to 50 distinct non-empty strings, else
 * an error saying what is wrong.
 */
export function compareIdsOfArgs(args: ReadonlyPartialJSONObject): string[] {
  const ids = args.ids;
  if (!Array.isArray(ids) || !ids.every(x => typeof x === 'string' && x)) {
    throw new Error(`${CommandIDs.compareRuns} needs "ids": a list of run ids`);
  }
  const list = ids as string[];
  if (list.length < MIN_COMPARE || list.length > MAX_COMPARE) {
    throw new Error(
      `${CommandIDs.compareRuns} takes ${MIN_COMPARE} to ${MAX_COMPARE} runs, not ${list.length}`
    );
  }
  if (new Set(list).size !== list.length) {
    throw new Error(`${CommandIDs.compareRuns}: a run is listed twice`);
  }
  return list;
}

/** Everything the compare command needs. */
export interface ICompareCommandContext {
  app: JupyterFrontEnd;
  /** The shared model (API client and change signal). */
  model: IServerModel<ICompareApi>;
  /** Reopens the comparisons of the saved layout, when there is one. */
  restorer: ILayoutRestorer | null;
}

/**
 * Register {@link CommandIDs.compareRuns} and restore its open tabs.
 */
export function addCompareCommands(context: ICompareCommandContext): void {
  const { app, model, restorer } = context;
  const actions = commandActions(app);
  const tracker = new WidgetTracker<MainAreaWidget<CompareWidget>>({
    namespace: 'mm-jupyter-compare'
  });
  app.commands.addCommand(CommandIDs.compareRuns, {
    label: args =>
      Array.isArray(args.ids)
        ? `Compare ${args.ids.length} Runs`
        : 'Compare Runs',
    caption:
      'Compare 2 to 50 runs: overlaid metrics, params, parallel coordinates, scatter, group-by',
    icon: mmIcon,
    describedBy: {
      args: {
        type: 'object',
        properties: {
          ids: {
            type: 'array',
            items: { type: 'string' },
            minItems: MIN_COMPARE,
            maxItems: MAX_COMPARE,
            description: 'Run ids, in the order to show them'
          }
        },
        required: ['ids']
      }
    },
    execute: (args: ReadonlyPartialJSONObject) => {
      const ids = compareIdsOfArgs(args);
      return openView({
        app,
        tracker,
        id: compareWidgetId(ids),
        create: () =>
          new CompareWidget({
            ids,
            model,
            openRun: r => actions.openRun({ id: r.id, name: r.name })
          })
      });
    }
  });
  if (restorer) {
    void restorer.restore(tracker, {
      command: CommandIDs.compareRuns,
      args: widget => ({ ids: widget.content.ids }),
      name: widget => widget.content.ids.join(',')
    });
  }
}
