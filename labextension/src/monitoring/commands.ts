/**
 * The command that opens a monitored model version in the main area.
 */
import { JupyterFrontEnd } from '@jupyterlab/application';
import { MainAreaWidget, WidgetTracker } from '@jupyterlab/apputils';
import { ReadonlyPartialJSONObject } from '@lumino/coreutils';

import {
  CommandIDs,
  commandActions,
  describeArgs,
  stringArg
} from '../shared/actions';
import { modelIcon } from '../shared/icons';
import { monitorWidgetId } from '../shared/ids';
import { openView } from '../shared/mainArea';
import type { IServerModel } from '../shared/serverModel';
import { MonitoringWidget } from './MonitoringWidget';
import { IMonitoringApi } from './api';

/** Tracker of the monitoring views. */
export type MonitorTracker = WidgetTracker<MainAreaWidget<MonitoringWidget>>;

/**
 * Everything the monitoring command needs.
 */
export interface IMonitoringCommandContext {
  /** The application. */
  app: JupyterFrontEnd;
  /** The shared model. */
  model: IServerModel;
  /** The monitoring REST client. */
  api: IMonitoringApi;
  /** Tracker of the open monitoring views. */
  tracker: MonitorTracker;
  /**
   * Take a new count of unacknowledged firing alerts (the sidebar's badge), as an
   * acknowledgement's reply gives it; optional.
   */
  onFiring?: (firing: number) => void;
}

/**
 * Register {@link CommandIDs.openMonitor}.
 */
export function addMonitoringCommands(
  context: IMonitoringCommandContext
): void {
  const { app, model, api, tracker, onFiring } = context;
  const actions = commandActions(app);
  app.commands.addCommand(CommandIDs.openMonitor, {
    label: args =>
      args.ref ? `Open Monitoring of ${String(args.ref)}` : 'Open Monitoring',
    caption:
      'Open the monitoring of a model version: drift, performance, alerts',
    icon: modelIcon,
    describedBy: describeArgs({ ref: 'Model version, as name:N' }, ['ref']),
    execute: (args: ReadonlyPartialJSONObject) => {
      const ref = stringArg(args, 'ref');
      if (!ref) {
        throw new Error(
          `${CommandIDs.openMonitor} needs a "ref" argument (name:N)`
        );
      }
      return openView({
        app,
        tracker,
        id: monitorWidgetId(ref),
        create: () =>
          new MonitoringWidget({ ref, model, api, actions, onFiring })
      });
    }
  });
}
