/**
 * Opening a view in the main area: one tab per thing shown, found again by id.
 */
import { JupyterFrontEnd } from '@jupyterlab/application';
import { MainAreaWidget, WidgetTracker } from '@jupyterlab/apputils';

import { LiveWidget } from './LiveWidget';

/**
 * Options of {@link openView}.
 */
export interface IOpenViewOptions<T extends LiveWidget> {
  /** The application. */
  app: JupyterFrontEnd;
  /** Tracker of this kind of view. */
  tracker: WidgetTracker<MainAreaWidget<T>>;
  /** Id of the tab (see `ids.ts`). */
  id: string;
  /** Make the content of a new tab. */
  create: () => T;
  /** Adjust an open view before it reloads (e.g. highlight a version). */
  reuse?: (content: T) => void;
  /** Adjust a new tab before it is tracked and added. */
  setup?: (widget: MainAreaWidget<T>) => void;
}

/**
 * Activate the open tab with the given id and reload it, or make a new tab,
 * track it and add it to the main area.
 *
 * @returns The tab.
 */
export function openView<T extends LiveWidget>(
  options: IOpenViewOptions<T>
): MainAreaWidget<T> {
  const { app, tracker, id } = options;
  const open = tracker.find(w => w.id === id);
  if (open) {
    app.shell.activateById(id);
    options.reuse?.(open.content);
    void open.content.load();
    return open;
  }
  const widget = new MainAreaWidget({ content: options.create() });
  widget.id = id;
  widget.addClass('jp-mm-RunDetailPanel');
  options.setup?.(widget);
  void tracker.add(widget);
  app.shell.add(widget, 'main');
  app.shell.activateById(id);
  return widget;
}
