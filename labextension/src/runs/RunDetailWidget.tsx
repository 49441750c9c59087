import { IRenderMimeRegistry } from '@jupyterlab/rendermime';
import * as React from 'react';

import { IActions } from '../shared/actions';
import { RunDetail } from './RunDetail';
import { askRegistration, confirmHiddenState } from './RegisterDialog';
import type { IRegistration } from './RegisterModel';
import { mmIcon } from '../shared/icons';
import * as MM from './types';
import { DetailWidget } from '../shared/DetailWidget';
import type { IBlobApi } from '../shared/rest';
import type { IServerModel } from '../shared/serverModel';
import type { IRunHousekeepingApi, IRunReproApi, IRunsApi } from './api';
import { ICheckoutTarget, saveCheckout } from './checkoutNotebook';
import type { IReproduction } from './RunReproducibility';
import type { IHousekeeping } from './RunActions';
import { editDialogs } from './editDialogs';

/**
 * Options of {@link RunDetailWidget}.
 */
export interface IRunDetailWidgetOptions {
  /** Id of the run to show. */
  runId: string;
  /** Label to show until the run is loaded. */
  label?: string;
  /** The shared model (API client and change signal). */
  model: IServerModel<RunViewApi>;
  /** JupyterLab's renderers, or null. */
  rendermime: IRenderMimeRegistry | null;
  /** Navigation to artifacts and lineage. */
  actions?: IActions;
  /** Where Open as notebook saves and how it opens; without it no such button. */
  checkoutTarget?: ICheckoutTarget;
}

/** The endpoints a run view calls. */
export type RunViewApi = IRunsApi &
  IBlobApi &
  IRunHousekeepingApi &
  IRunReproApi;

/**
 * Content of a run's main-area tab. Loads `runs/{id}` when first shown and again
 * whenever the registry changes while it is visible.
 */
export class RunDetailWidget extends DetailWidget<MM.IRunDetail, RunViewApi> {
  constructor(options: IRunDetailWidgetOptions) {
    super({
      model: options.model,
      label: options.label || options.runId,
      caption: `Run ${options.runId}`,
      icon: mmIcon
    });
    this.runId = options.runId;
    this._rendermime = options.rendermime;
    this._actions = options.actions;
    const target = options.checkoutTarget;
    this._reproduction = target && {
      rerun: async () => {
        const report = await this.model.api.rerun(this.runId);
        // The re-run is a new run: the lists catch up.
        this.model.checkChanges();
        return report;
      },
      openAsNotebook: async () =>
        saveCheckout(target, await this.model.api.checkout(this.runId))
    };
  }

  /** Id of the run shown. */
  readonly runId: string;

  protected get consumer(): string {
    return `run:${this.runId}`;
  }

  protected get failedText(): string {
    return `Cannot load run ${this.runId}`;
  }

  protected get loadingText(): string {
    return `Loading run ${this.runId}…`;
  }

  protected fetch(): Promise<MM.IRunDetail> {
    return this.model.api.run(this.runId);
  }

  protected notFoundText(): string {
    return `Run ${this.runId} does not exist (any more) in this registry.`;
  }

  protected onDetail(detail: MM.IRunDetail): void {
    this.title.label = detail.run.name || detail.run.id;
  }

  protected renderDetail(detail: MM.IRunDetail): JSX.Element {
    return (
      <RunDetail
        detail={detail}
        rendermime={this._rendermime}
        loadBlob={this._loadBlob}
        loadReport={this._loadReport}
        registration={this._registration}
        actions={this._actions}
        housekeeping={this._housekeeping}
        reproduction={this._reproduction}
      />
    );
  }

  private _actions: IActions | undefined;
  private _reproduction: IReproduction | undefined;
  private _loadBlob = (digest: string): Promise<Blob> =>
    this.model.api.blob(digest);
  private _loadReport = (name: string): Promise<MM.IReport> =>
    this.model.api.report(this.runId, name);
  private _registration: IRegistration = {
    ask: askRegistration,
    confirm: confirmHiddenState,
    register: request => this.model.api.registerModel(this.runId, request)
  };
  private _rendermime: IRenderMimeRegistry | null;
  private _housekeeping: IHousekeeping = {
    api: this.model.api,
    experiments: async () => (await this.model.api.keys()).experiments,
    changed: () => {
      this.model.checkChanges();
      void this.load();
    },
    dialogs: editDialogs()
  };
}
