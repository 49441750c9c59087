import type { IRenderMimeRegistry } from '@jupyterlab/rendermime';
import * as React from 'react';

import { IActions } from '../shared/actions';
import { IModelNotice, ModelDetail } from './ModelDetail';
import { modelIcon } from '../shared/icons';
import {
  IConfirmRequest,
  IConfirmResult,
  performTransition,
  othersInStage,
  TransitionIntent
} from './transitions';
import * as MM from './types';
import { confirmTransition } from './ConfirmDialog';
import { DetailWidget } from '../shared/DetailWidget';
import type { IServerModel } from '../shared/serverModel';
import type { IModelsApi } from './api';
import { decodeDirections, Direction } from '../shared/deltas';
import type { IModelServices } from './services';

/** The keys endpoint, when the client has it: it answers each metric's direction. */
type DirectionsSource = { keys?: () => Promise<{ directions?: unknown }> };

/**
 * Options of {@link ModelWidget}.
 */
export interface IModelWidgetOptions {
  /** Name of the registered model. */
  name: string;
  /** Version to highlight (and expand), if any. */
  version?: number | null;
  /** The shared model (API client and change signal). */
  model: IServerModel<IModelsApi>;
  /** Navigation to runs, artifacts and lineage. */
  actions: IActions;
  /** Ask the user to confirm a transition (a JupyterLab dialog by default). */
  confirm?: (request: IConfirmRequest) => Promise<IConfirmResult | null>;
  /** JupyterLab's renderers, for the model card (plain text without them). */
  rendermime?: IRenderMimeRegistry | null;
}

/**
 * Content of a registered model's main-area tab: versions, stage and alias
 * actions, history and metric trend.
 */
export class ModelWidget extends DetailWidget<MM.IModelDetail, IModelsApi> {
  constructor(options: IModelWidgetOptions) {
    super({
      model: options.model,
      className: 'jp-mm-ModelWidget',
      label: options.name,
      caption: `Registered model ${options.name}`,
      icon: modelIcon
    });
    this.modelName = options.name;
    this._actions = options.actions;
    this._confirm = options.confirm ?? confirmTransition;
    this._focusVersion = options.version ?? null;
    this._services = {
      api: options.model.api,
      rendermime: options.rendermime ?? null
    };
  }

  /** Name of the model shown. */
  readonly modelName: string;

  /** Highlight (and expand) a version. */
  focusVersion(version: number | null): void {
    this._focusVersion = version;
    this.update();
  }

  /**
   * Confirm and send a transition of a version; on a 409 for an alias, offer to
   * move it. Reloads the model afterwards.
   */
  async transition(
    version: MM.IModelVersion,
    intent: TransitionIntent
  ): Promise<void> {
    if (this._pending !== null) {
      return;
    }
    const others =
      intent.kind === 'stage' && intent.stage !== 'archived'
        ? othersInStage(
            this.detail?.versions ?? [],
            version.version,
            intent.stage
          )
        : [];
    this._pending = version.version;
    this._notice = null;
    this.update();
    let outcome;
    try {
      outcome = await performTransition({
        version,
        intent,
        others,
        confirm: this._confirm,
        post: body =>
          this.model.api.transition(this.modelName, version.version, body),
        checks: stage =>
          this.model.api.checks(this.modelName, version.version, stage),
        aliasHolder: alias => this.detail?.model.aliases[alias] ?? null
      });
    } finally {
      this._pending = null;
    }
    switch (outcome.kind) {
      case 'done':
        this._notice = {
          kind: 'success',
          text: doneText(outcome.version, intent)
        };
        this.model.checkChanges(); // The sidebar and other views catch up.
        await this.load();
        return;
      case 'error':
        this._notice = {
          kind: 'error',
          text: `${failedText(version, intent)}: ${outcome.message}`
        };
        if (outcome.status === 404 || outcome.status === 409) {
          await this.load(); // Someone else changed it: show the current state.
          return;
        }
        break;
      case 'cancelled':
        break;
    }
    this.update();
  }

  protected get consumer(): string {
    return `model:${this.modelName}`;
  }

  protected get failedText(): string {
    return `Cannot load model ${this.modelName}`;
  }

  protected get loadingText(): string {
    return `Loading model ${this.modelName}…`;
  }

  protected fetch(): Promise<MM.IModelDetail> {
    return this.model.api.model(this.modelName);
  }

  protected onDetail(): void {
    void this._loadDirections();
  }

  /**
   * Fetch the metrics' directions (`GET keys`) for the trend's colours; without
   * them (an older server, a failure) the trend is drawn without colours.
   */
  private async _loadDirections(): Promise<void> {
    const api = this.model.api as IModelsApi & DirectionsSource;
    if (!api.keys) {
      return;
    }
    try {
      this._directions = decodeDirections((await api.keys()).directions);
      this.update();
    } catch {
      // Colours are a nicety: the trend itself is shown either way.
    }
  }

  protected notFoundText(): string {
    return `Model ${this.modelName} is not registered (any more) in this registry.`;
  }

  protected renderDetail(detail: MM.IModelDetail): JSX.Element {
    return (
      <ModelDetail
        detail={detail}
        actions={this._actions}
        onTransition={(version, intent) =>
          void this.transition(version, intent)
        }
        pending={this._pending}
        notice={this._notice}
        onDismissNotice={() => {
          this._notice = null;
          this.update();
        }}
        focusVersion={this._focusVersion}
        directions={this._directions}
        services={this._services}
      />
    );
  }

  private _actions: IActions;
  private _directions: Record<string, Direction> = {};
  private _confirm: (
    request: IConfirmRequest
  ) => Promise<IConfirmResult | null>;
  private _focusVersion: number | null;
  private _notice: IModelNotice | null = null;
  private _pending: number | null = null;
  private _services: IModelServices;
}

function doneText(version: MM.IModelVersion, intent: TransitionIntent): string {
  switch (intent.kind) {
    case 'stage':
      return intent.stage === 'archived'
        ? `${version.ref} is archived.`
        : `${version.ref} is now in ${version.stage || intent.stage}.`;
    case 'alias':
      return `Alias ${intent.alias} now points at ${version.ref}.`;
    case 'remove-alias':
      return `Alias ${intent.alias} was removed from ${version.ref}.`;
  }
}

function failedText(
  version: MM.IModelVersion,
  intent: TransitionIntent
): string {
  switch (intent.kind) {
    case 'stage':
      return intent.stage === 'archived'
        ? `Cannot archive ${version.ref}`
        : `Cannot move ${version.ref} to ${intent.stage}`;
    case 'alias':
      return `Cannot set alias ${intent.alias} on ${version.ref}`;
    case 'remove-alias':
      return `Cannot remove alias ${intent.alias} from ${version.ref}`;
  }
}
