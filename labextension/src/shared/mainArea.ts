/**
 * Opening a view: one tab per thing shown, found again by id.
 *
 * JupyterLab shows views as tabs of its main area. Jupyter Notebook 7 has the same
 * `'main'` area name, but it holds one widget (the notebook, or the file browser on
 * the tree page) and silently ignores every other `shell.add(..., 'main')`; there the
 * views go to its `'down'` area instead: a tabbed panel under the page, full width
 * (the side panels are a fifth of the width, too narrow for a comparison).
 */
import { JupyterFrontEnd } from '@jupyterlab/application';
import { MainAreaWidget, WidgetTracker } from '@jupyterlab/apputils';
import { SplitPanel, TabPanel, Widget } from '@lumino/widgets';

import { LiveWidget } from './LiveWidget';

/** Where views open: JupyterLab's main area, or Notebook 7's down panel. */
export type ViewArea = 'main' | 'down';

/** `app.name` of Jupyter Notebook 7 (`NotebookApp`). */
export const NOTEBOOK_APP_NAME = 'Jupyter Notebook';

/**
 * The area views open in for this frontend.
 *
 * @param app - The application (JupyterLab, Notebook 7, or another shell).
 * @returns `'down'` in Notebook 7 (its main area holds a single widget), else
 *   `'main'`. {@link addView} also falls back to `'down'` when another shell ignores
 *   a view added to `'main'`.
 */
export function viewArea(app: Pick<JupyterFrontEnd, 'name'>): ViewArea {
  return app.name === NOTEBOOK_APP_NAME ? 'down' : 'main';
}

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
 * Add a view to the shell where this frontend shows views, and activate it.
 *
 * If the shell took no notice of it (a shell whose main area is already full and
 * which was not recognised), the view goes to the down area; if that fails too, the
 * error says so instead of nothing happening.
 *
 * @param app - The application.
 * @param widget - The view, with its id set.
 * @returns The area it went to.
 */
export function addView(
  app: JupyterFrontEnd,
  widget: MainAreaWidget
): ViewArea {
  let area = viewArea(app);
  // Whether the shell took the view is whether it gave it a parent: `isAttached`
  // is false until the shell itself is in the page, and the layout restorer opens
  // views before that (a command run right after the page loads does too).
  app.shell.add(widget, area);
  if (!widget.parent && area === 'main') {
    area = 'down';
    app.shell.add(widget, area);
  }
  if (!widget.parent) {
    widget.dispose();
    throw new Error(
      `mm-jupyter: cannot show "${widget.title.label}": this Jupyter frontend (${app.name}) has no area for views`
    );
  }
  revealView(app, widget);
  return area;
}

/**
 * Activate a view wherever it is. In Notebook 7's down panel (a tab panel)
 * `activateById` shows the panel and focuses the view but leaves another tab in
 * front, so the view's tab is made current and the panel given room as well.
 *
 * @param app - The application.
 * @param widget - An attached view.
 */
export function revealView(app: JupyterFrontEnd, widget: Widget): void {
  app.shell.activateById(widget.id);
  const tabs = widget.parent?.parent;
  if (viewArea(app) === 'down' && tabs instanceof TabPanel) {
    tabs.currentWidget = widget;
    growDownPanel(widget);
  }
}

/** The share of the page's height the down panel takes when a view opens in it. */
export const DOWN_PANEL_SHARE = 0.6;

/**
 * Give Notebook 7's down panel room: it opens at its last size, a few pixels when it
 * was hidden, which would show a view as a thin strip. The panel is the second child
 * of the vertical split panel above the view (Notebook 7's `#jp-main-vsplit-panel`);
 * a panel already taller than {@link DOWN_PANEL_SHARE} keeps its size.
 *
 * @param widget - A view just added to the down area.
 */
export function growDownPanel(widget: Widget): void {
  let child: Widget | null = widget;
  while (child && !(child.parent instanceof SplitPanel)) {
    child = child.parent;
  }
  const split = child?.parent;
  if (
    !child ||
    !(split instanceof SplitPanel) ||
    split.orientation !== 'vertical'
  ) {
    return;
  }
  const index = split.widgets.indexOf(child);
  const sizes = split.relativeSizes();
  if (index < 1 || sizes.length !== 2 || sizes[index] >= DOWN_PANEL_SHARE) {
    return;
  }
  split.setRelativeSizes(
    index === 1
      ? [1 - DOWN_PANEL_SHARE, DOWN_PANEL_SHARE]
      : [DOWN_PANEL_SHARE, 1 - DOWN_PANEL_SHARE]
  );
}

/**
 * Activate the open tab with the given id and reload it, or make a new tab,
 * track it and add it where this frontend shows views ({@link addView}).
 *
 * @returns The tab.
 */
export function openView<T extends LiveWidget>(
  options: IOpenViewOptions<T>
): MainAreaWidget<T> {
  const { app, tracker, id } = options;
  const open = tracker.find(w => w.id === id);
  if (open) {
    revealView(app, open);
    options.reuse?.(open.content);
    void open.content.load();
    return open;
  }
  const widget = new MainAreaWidget({ content: options.create() });
  widget.id = id;
  widget.addClass('jp-mm-RunDetailPanel');
  options.setup?.(widget);
  void tracker.add(widget);
  addView(app, widget);
  return widget;
}
