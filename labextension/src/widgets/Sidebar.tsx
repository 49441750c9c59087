import { ReactWidget, refreshIcon } from '@jupyterlab/ui-components';
import { Message } from '@lumino/messaging';
import * as React from 'react';

import { ColumnPicker } from '../components/ColumnPicker';
import { MetaNotice } from '../components/MetaNotice';
import { Pager } from '../components/Pager';
import { RunFilters } from '../components/RunFilters';
import { RunsTable } from '../components/RunsTable';
import { mmIcon } from '../icons';
import { RunsModel } from '../model';
import { MM } from '../tokens';

/** Id of the sidebar panel (and of its tab, `li[data-id=...]`). */
export const SIDEBAR_ID = 'mm-jupyter-sidebar';

/** How often relative times are redrawn while the panel is visible. */
const CLOCK_MS = 15 * 1000;

/**
 * Options of {@link MMSidebar}.
 */
export interface ISidebarOptions {
  /** The shared model. */
  model: RunsModel;
  /** Open a run's detail view. */
  openRun: (run: MM.IRunSummary) => void;
}

/**
 * The "Model management" panel in the left area: a Lumino shell around React
 * components, re-rendered on `model.stateChanged`. It tells the model when it is
 * visible, so polling stands by while it is hidden.
 */
export class MMSidebar extends ReactWidget {
  constructor(options: ISidebarOptions) {
    super();
    this._model = options.model;
    this._openRun = options.openRun;
    this.id = SIDEBAR_ID;
    this.title.icon = mmIcon;
    this.title.caption = 'Model management';
    this.addClass('jp-mm-Sidebar');
    this._model.stateChanged.connect(this._onStateChanged, this);
  }

  /** Highlight a run (the one whose detail view was opened last). */
  set activeId(id: string | null) {
    this._activeId = id;
    this.update();
  }

  dispose(): void {
    if (this.isDisposed) {
      return;
    }
    this._stopClock();
    this._model.stateChanged.disconnect(this._onStateChanged, this);
    this._model.setVisible('sidebar', false);
    super.dispose();
  }

  // Restored as the open panel, the sidebar is attached visible without an
  // after-show message.
  protected onAfterAttach(msg: Message): void {
    super.onAfterAttach(msg);
    if (this.isVisible) {
      this._model.setVisible('sidebar', true);
      this._startClock();
    }
  }

  protected onBeforeDetach(msg: Message): void {
    this._model.setVisible('sidebar', false);
    this._stopClock();
    super.onBeforeDetach(msg);
  }

  protected onAfterShow(msg: Message): void {
    super.onAfterShow(msg);
    this._model.setVisible('sidebar', true);
    this._startClock();
    this.update();
  }

  protected onAfterHide(msg: Message): void {
    super.onAfterHide(msg);
    this._model.setVisible('sidebar', false);
    this._stopClock();
  }

  protected render(): JSX.Element {
    const model = this._model;
    const { connection } = model;
    return (
      <div className="jp-mm-SidebarContent">
        <div className="jp-mm-Sidebar-header">
          <h2 className="jp-mm-Sidebar-title">Model management</h2>
          <button
            className="jp-mm-IconButton"
            title="Refresh runs"
            aria-label="Refresh runs"
            onClick={() => void model.refresh()}
          >
            <refreshIcon.react tag="span" className="jp-mm-IconButton-icon" />
          </button>
        </div>
        {connection.kind === 'ready' && (
          <div className="jp-mm-Registry" title={connection.meta.registry.path}>
            <span className="jp-mm-Registry-label">Registry</span>
            <span className="jp-mm-Registry-path">
              {/* LRM marks keep slashes in place inside the right-to-left ellipsis box */}
              {`\u200e${connection.meta.registry.path}\u200e`}
            </span>
            {connection.meta.registry.source && (
              <span className="jp-mm-Registry-source">
                {connection.meta.registry.source}
              </span>
            )}
          </div>
        )}
        <MetaNotice
          connection={connection}
          onRetry={() => void model.connect()}
        />
        {connection.kind === 'ready' && this._renderRuns()}
      </div>
    );
  }

  private _renderRuns(): JSX.Element {
    const model = this._model;
    const { page, query } = model;
    const runs = page?.runs ?? [];
    const filtered = Boolean(
      query.q.trim() || query.experiment || query.status
    );
    return (
      <div className="jp-mm-Runs">
        <RunFilters
          query={query}
          experiments={model.keys.experiments}
          onChange={patch => model.setQuery(patch)}
        />
        <ColumnPicker
          available={model.keys.metrics}
          selected={model.metricColumns}
          onChange={keys => model.setMetricColumns(keys)}
        />
        {model.error && (
          <div className="jp-mm-Notice jp-mm-Notice-error" role="alert">
            {`Cannot load runs: ${model.error}`}
          </div>
        )}
        <div
          className={
            'jp-mm-RunsScroll' + (model.loading ? ' jp-mm-mod-loading' : '')
          }
        >
          <RunsTable
            runs={runs}
            metricColumns={model.metricColumns}
            sort={query.sort}
            order={query.order}
            onSort={key => model.sortBy(key)}
            onOpen={run => this._openRun(run)}
            activeId={this._activeId}
          />
          {page && runs.length === 0 && (
            <div className="jp-mm-Empty">
              {filtered ? (
                'No runs match these filters.'
              ) : (
                <>
                  No runs yet. Track a cell with{' '}
                  <code>%load_ext mm_jupyter</code> and{' '}
                  <code>%%mm_track --name my-run</code>.
                </>
              )}
            </div>
          )}
          {!page && !model.error && (
            <div className="jp-mm-Empty">Loading runs…</div>
          )}
        </div>
        {page && (
          <Pager
            offset={page.offset}
            count={runs.length}
            limit={query.limit}
            total={page.total}
            onTurn={direction => model.turnPage(direction)}
          />
        )}
      </div>
    );
  }

  private _onStateChanged(): void {
    this.update();
  }

  /** Re-render now and then, so "5 min ago" and running durations stay true. */
  private _startClock(): void {
    if (this._clock === null) {
      this._clock = window.setInterval(() => this.update(), CLOCK_MS);
    }
  }

  private _stopClock(): void {
    if (this._clock !== null) {
      window.clearInterval(this._clock);
      this._clock = null;
    }
  }

  private _clock: number | null = null;
  private _activeId: string | null = null;
  private _model: RunsModel;
  private _openRun: (run: MM.IRunSummary) => void;
}
