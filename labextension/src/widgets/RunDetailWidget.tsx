import { IRenderMimeRegistry } from '@jupyterlab/rendermime';
import { ReactWidget } from '@jupyterlab/ui-components';
import { Message } from '@lumino/messaging';
import * as React from 'react';

import { IActions } from '../actions';
import { MMApiError } from '../errors';
import { RunDetail } from '../components/RunDetail';
import { mmIcon } from '../icons';
import { RunsModel } from '../model';
import { MM } from '../tokens';

/**
 * Options of {@link RunDetailWidget}.
 */
export interface IRunDetailWidgetOptions {
  /** Id of the run to show. */
  runId: string;
  /** Label to show until the run is loaded. */
  label?: string;
  /** The shared model (API client and change signal). */
  model: RunsModel;
  /** JupyterLab's renderers, or null. */
  rendermime: IRenderMimeRegistry | null;
  /** Navigation to artifacts and lineage. */
  actions?: IActions;
}

/**
 * Content of a run's main-area tab. Loads `runs/{id}` when first shown and again
 * whenever the registry changes while it is visible.
 */
export class RunDetailWidget extends ReactWidget {
  constructor(options: IRunDetailWidgetOptions) {
    super();
    this.runId = options.runId;
    this._model = options.model;
    this._rendermime = options.rendermime;
    this._actions = options.actions;
    this.addClass('jp-mm-RunDetailWidget');
    this.title.label = options.label || options.runId;
    this.title.caption = `Run ${options.runId}`;
    this.title.icon = mmIcon;
    this.title.closable = true;
    this._model.registryChanged.connect(this._onRegistryChanged, this);
  }

  /** Id of the run shown. */
  readonly runId: string;

  /** The loaded run, or null before the first answer. */
  get detail(): MM.IRunDetail | null {
    return this._detail;
  }

  /** Fetch the run again. */
  async load(): Promise<void> {
    this._stale = false;
    try {
      const detail = await this._model.api.run(this.runId);
      const snapshot = JSON.stringify(detail);
      this._error = null;
      if (snapshot !== this._snapshot) {
        this._snapshot = snapshot;
        this._detail = detail;
        this.title.label = detail.run.name || detail.run.id;
      }
    } catch (err) {
      this._error =
        err instanceof MMApiError && err.status === 404
          ? `Run ${this.runId} does not exist (any more) in this registry.`
          : `Cannot load run ${this.runId}: ${err instanceof Error ? err.message : String(err)}`;
    }
    this.update();
  }

  dispose(): void {
    if (this.isDisposed) {
      return;
    }
    this._model.registryChanged.disconnect(this._onRegistryChanged, this);
    this._model.setVisible(this._consumer, false);
    super.dispose();
  }

  // A tab added as the current one is attached visible and never gets
  // after-show; a tab switched to gets after-show. Handle both.
  protected onAfterAttach(msg: Message): void {
    super.onAfterAttach(msg);
    if (this.isVisible) {
      this._becameVisible();
    }
  }

  protected onAfterShow(msg: Message): void {
    super.onAfterShow(msg);
    this._becameVisible();
  }

  protected onAfterHide(msg: Message): void {
    super.onAfterHide(msg);
    this._model.setVisible(this._consumer, false);
  }

  protected onBeforeDetach(msg: Message): void {
    this._model.setVisible(this._consumer, false);
    super.onBeforeDetach(msg);
  }

  protected render(): JSX.Element {
    if (this._error && !this._detail) {
      return (
        <div className="jp-mm-Notice jp-mm-Notice-error" role="alert">
          {this._error}
        </div>
      );
    }
    if (!this._detail) {
      return <div className="jp-mm-Empty">{`Loading run ${this.runId}…`}</div>;
    }
    return (
      <>
        {this._error && (
          <div className="jp-mm-Notice jp-mm-Notice-error" role="alert">
            {this._error}
          </div>
        )}
        <RunDetail
          detail={this._detail}
          rendermime={this._rendermime}
          loadBlob={this._loadBlob}
          actions={this._actions}
        />
      </>
    );
  }

  private _becameVisible(): void {
    this._model.setVisible(this._consumer, true);
    if (this._stale || (!this._detail && !this._error)) {
      void this.load();
    }
  }

  private _onRegistryChanged(): void {
    if (this.isVisible) {
      void this.load();
    } else {
      this._stale = true;
    }
  }

  private get _consumer(): string {
    return `run:${this.runId}`;
  }

  private _actions: IActions | undefined;
  private _detail: MM.IRunDetail | null = null;
  private _error: string | null = null;
  private _loadBlob = (digest: string): Promise<Blob> =>
    this._model.api.blob(digest);
  private _model: RunsModel;
  private _rendermime: IRenderMimeRegistry | null;
  private _snapshot = '';
  private _stale = true;
}
