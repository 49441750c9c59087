import { ReactWidget, refreshIcon } from '@jupyterlab/ui-components';
import { Message } from '@lumino/messaging';
import * as React from 'react';

import { ArtifactsPanel } from './artifacts/ArtifactsPanel';
import { ArtifactsModel } from './artifacts/state';
import * as MM from './mm';
import { ModelsPanel } from './models/ModelsPanel';
import { ModelsModel } from './models/state';
import { applyAlertIndicator } from './monitoring/format';
import { MonitoringPanel } from './monitoring/MonitoringPanel';
import { AlertBadgeModel, MonitorsModel } from './monitoring/state';
import { Mon } from './monitoring/types';
import { CompareBar } from './diff/CompareBar';
import { RunsPanel } from './runs/RunsPanel';
import { RunsModel } from './runs/state';
import { mmIcon } from './shared/icons';
import { MetaNotice } from './shared/MetaNotice';
import { RegistryLine } from './shared/RegistryLine';
import { SidebarTab, SidebarTabs } from './SidebarTabs';

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
  /** The artifacts list, riding on the shared model's change cursor. */
  artifacts: ArtifactsModel;
  /** The registered models list, riding on the shared model's change cursor. */
  models: ModelsModel;
  /** Open a run's detail view. */
  openRun: (run: MM.IRunSummary) => void;
  /** Open the diff of two runs (a is the older). */
  openDiff: (a: string, b: string) => void;
  /** Open the comparison of 2 to 50 runs. */
  openCompare: (ids: string[]) => void;
  /** Open an artifact's view. */
  openArtifact: (artifact: MM.IArtifactSummary) => void;
  /** Open a registered model's view. */
  openModel: (model: MM.IModelSummary) => void;
  /** The monitored versions list, riding on the shared model's change cursor. */
  monitors: MonitorsModel;
  /** The count of firing alerts, for the tab badges. */
  badge: AlertBadgeModel;
  /** Open a monitored version's view. */
  openMonitor: (monitor: Mon.IMonitorSummary) => void;
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
    this._artifacts = options.artifacts;
    this._models = options.models;
    this._openRun = options.openRun;
    this._openDiff = options.openDiff;
    this._openCompare = options.openCompare;
    this._openArtifact = options.openArtifact;
    this._openModel = options.openModel;
    this._monitors = options.monitors;
    this._badge = options.badge;
    this._openMonitor = options.openMonitor;
    this.id = SIDEBAR_ID;
    this.title.icon = mmIcon;
    this.title.caption = 'Model management';
    this.addClass('jp-mm-Sidebar');
    this._model.stateChanged.connect(this._onStateChanged, this);
    this._artifacts.stateChanged.connect(this._onStateChanged, this);
    this._models.stateChanged.connect(this._onStateChanged, this);
    this._monitors.stateChanged.connect(this._onStateChanged, this);
    this._badge.changed.connect(this._onBadgeChanged, this);
    this._onBadgeChanged();
  }

  /** Highlight a run (the one whose detail view was opened last). */
  set activeId(id: string | null) {
    this._activeId = id;
    this.update();
  }

  /** Highlight an artifact (the one whose view was opened last). */
  set activeArtifact(name: string | null) {
    this._activeArtifact = name;
    this.update();
  }

  /** Highlight a model (the one whose view was opened last). */
  set activeModel(name: string | null) {
    this._activeModel = name;
    this.update();
  }

  /** Highlight a monitored version (the one whose view was opened last). */
  set activeMonitor(ref: string | null) {
    this._activeMonitor = ref;
    this.update();
  }

  /** The view shown: runs, artifacts, models or monitoring. */
  get tab(): SidebarTab {
    return this._tab;
  }

  set tab(tab: SidebarTab) {
    if (tab === this._tab) {
      return;
    }
    this._tab = tab;
    this._syncVisibility();
    this.update();
  }

  dispose(): void {
    if (this.isDisposed) {
      return;
    }
    this._stopClock();
    this._model.stateChanged.disconnect(this._onStateChanged, this);
    this._artifacts.stateChanged.disconnect(this._onStateChanged, this);
    this._models.stateChanged.disconnect(this._onStateChanged, this);
    this._monitors.stateChanged.disconnect(this._onStateChanged, this);
    this._badge.changed.disconnect(this._onBadgeChanged, this);
    this._shown = false;
    this._syncVisibility();
    super.dispose();
  }

  // Restored as the open panel, the sidebar is attached visible without an
  // after-show message.
  protected onAfterAttach(msg: Message): void {
    super.onAfterAttach(msg);
    if (this.isVisible) {
      this._shown = true;
      this._syncVisibility();
      this._startClock();
    }
  }

  protected onBeforeDetach(msg: Message): void {
    this._shown = false;
    this._syncVisibility();
    this._stopClock();
    super.onBeforeDetach(msg);
  }

  protected onAfterShow(msg: Message): void {
    super.onAfterShow(msg);
    this._shown = true;
    this._syncVisibility();
    this._startClock();
    this.update();
  }

  protected onAfterHide(msg: Message): void {
    super.onAfterHide(msg);
    this._shown = false;
    this._syncVisibility();
    this._stopClock();
  }

  /** Only the list on screen counts as visible: the other one goes stale. */
  private _syncVisibility(): void {
    this._model.setVisible('sidebar', this._shown && this._tab === 'runs');
    this._artifacts.setVisible(this._shown && this._tab === 'artifacts');
    this._models.setVisible(this._shown && this._tab === 'models');
    this._monitors.setVisible(this._shown && this._tab === 'monitoring');
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
            title={`Refresh ${this._tab}`}
            aria-label={`Refresh ${this._tab}`}
            onClick={() =>
              void (this._tab === 'runs'
                ? model.refresh()
                : connection.kind !== 'ready'
                  ? model.connect()
                  : this._tab === 'artifacts'
                    ? this._artifacts.refresh()
                    : this._tab === 'models'
                      ? this._models.refresh()
                      : Promise.all([
                          this._monitors.refresh(),
                          this._badge.refresh()
                        ]))
            }
          >
            <refreshIcon.react tag="span" className="jp-mm-IconButton-icon" />
          </button>
        </div>
        {connection.kind === 'ready' && <RegistryLine meta={connection.meta} />}
        <MetaNotice
          connection={connection}
          onRetry={() => void model.connect()}
        />
        {connection.kind === 'ready' && this._renderTabs()}
        {connection.kind === 'ready' &&
          (this._tab === 'runs'
            ? this._renderRuns()
            : this._tab === 'artifacts'
              ? this._renderArtifacts()
              : this._tab === 'models'
                ? this._renderModels()
                : this._renderMonitoring())}
      </div>
    );
  }

  private _renderTabs(): JSX.Element {
    return (
      <SidebarTabs
        selected={this._tab}
        totals={{
          runs: this._model.page?.total,
          artifacts: this._artifacts.page?.total,
          models: this._models.page?.total,
          monitoring: this._monitors.page?.total
        }}
        firing={this._badge.firing}
        onSelect={tab => (this.tab = tab)}
      />
    );
  }

  private _renderArtifacts(): JSX.Element {
    return (
      <ArtifactsPanel
        artifacts={this._artifacts}
        onOpen={artifact => this._openArtifact(artifact)}
        activeName={this._activeArtifact}
        banner={null}
      />
    );
  }

  private _renderModels(): JSX.Element {
    return (
      <ModelsPanel
        models={this._models}
        onOpen={model => this._openModel(model)}
        activeName={this._activeModel}
        banner={null}
      />
    );
  }

  private _renderMonitoring(): JSX.Element {
    return (
      <MonitoringPanel
        monitors={this._monitors}
        onOpen={monitor => this._openMonitor(monitor)}
        activeRef={this._activeMonitor}
      />
    );
  }

  private _renderRuns(): JSX.Element {
    return (
      <RunsPanel
        model={this._model}
        onOpen={run => this._openRun(run)}
        selected={new Set(this._selected.keys())}
        onToggleSelect={run => this.toggleSelected(run)}
        activeId={this._activeId}
        banner={this._renderCompareBar()}
      />
    );
  }

  /** Check or uncheck a run for comparison. */
  toggleSelected(run: MM.IRunSummary): void {
    if (this._selected.has(run.id)) {
      this._selected.delete(run.id);
    } else {
      this._selected.set(run.id, run);
    }
    this.update();
  }

  /**
   * The bar to compare the checked runs (Runs tab only: the other tabs list
   * other things), or nothing while none is checked.
   */
  private _renderCompareBar(): JSX.Element | null {
    if (this._selected.size === 0) {
      return null;
    }
    return (
      <CompareBar
        picked={[...this._selected.values()]}
        onDiff={(a, b) => this._openDiff(a, b)}
        onCompare={ids => this._openCompare(ids)}
        onClear={() => {
          this._selected.clear();
          this.update();
        }}
      />
    );
  }

  private _onStateChanged(): void {
    this.update();
  }

  /** Firing alerts: the badge on the Monitoring tab and on the left-area tab. */
  private _onBadgeChanged(): void {
    applyAlertIndicator(this.title, this._badge.firing);
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

  private _activeArtifact: string | null = null;
  private _activeId: string | null = null;
  private _activeModel: string | null = null;
  private _activeMonitor: string | null = null;
  private _badge: AlertBadgeModel;
  private _artifacts: ArtifactsModel;
  private _clock: number | null = null;
  private _model: RunsModel;
  private _models: ModelsModel;
  private _monitors: MonitorsModel;
  private _openMonitor: (monitor: Mon.IMonitorSummary) => void;
  private _openArtifact: (artifact: MM.IArtifactSummary) => void;
  private _openModel: (model: MM.IModelSummary) => void;
  private _openRun: (run: MM.IRunSummary) => void;
  private _openDiff: (a: string, b: string) => void;
  private _openCompare: (ids: string[]) => void;
  private _selected = new Map<string, MM.IRunSummary>();
  private _shown = false;
  private _tab: SidebarTab = 'runs';
}
