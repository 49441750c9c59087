import * as React from 'react';

import { IActions } from '../shared/actions';
import { ArtifactDetail } from './ArtifactDetail';
import { artifactIcon } from '../shared/icons';
import * as MM from './types';
import { DetailWidget } from '../shared/DetailWidget';
import type { IBlobApi } from '../shared/rest';
import type { IServerModel } from '../shared/serverModel';
import type { IArtifactsApi } from './api';

/**
 * Options of {@link ArtifactWidget}.
 */
export interface IArtifactWidgetOptions {
  /** Name of the artifact. */
  name: string;
  /** Version to highlight, if any. */
  version?: number | null;
  /** The shared model (API client and change signal). */
  model: IServerModel<IArtifactsApi & IBlobApi>;
  /** Navigation to runs, artifacts and lineage. */
  actions: IActions;
}

/**
 * Content of an artifact's main-area tab: its versions, newest first.
 */
export class ArtifactWidget extends DetailWidget<
  MM.IArtifactDetail,
  IArtifactsApi & IBlobApi
> {
  constructor(options: IArtifactWidgetOptions) {
    super({
      model: options.model,
      className: 'jp-mm-ArtifactWidget',
      label: options.name,
      caption: `Artifact ${options.name}`,
      icon: artifactIcon
    });
    this.artifactName = options.name;
    this._actions = options.actions;
    this._focusVersion = options.version ?? null;
  }

  /** Name of the artifact shown. */
  readonly artifactName: string;

  /** Highlight a version (and scroll to it). */
  focusVersion(version: number | null): void {
    this._focusVersion = version;
    this.update();
  }

  protected get consumer(): string {
    return `artifact:${this.artifactName}`;
  }

  protected get failedText(): string {
    return `Cannot load artifact ${this.artifactName}`;
  }

  protected get loadingText(): string {
    return `Loading artifact ${this.artifactName}…`;
  }

  protected fetch(): Promise<MM.IArtifactDetail> {
    return this.model.api.artifactVersions(this.artifactName);
  }

  protected notFoundText(): string {
    return `Artifact ${this.artifactName} does not exist (any more) in this registry.`;
  }

  protected renderDetail(detail: MM.IArtifactDetail): JSX.Element {
    return (
      <ArtifactDetail
        detail={detail}
        loadBlob={this._loadBlob}
        actions={this._actions}
        focusVersion={this._focusVersion}
        loadDiff={this._loadDiff}
      />
    );
  }

  private _actions: IActions;
  private _focusVersion: number | null;
  private _loadBlob = (digest: string): Promise<Blob> =>
    this.model.api.blob(digest);
  private _loadDiff = (a: string, b: string): Promise<MM.IDatasetDiff> =>
    this.model.api.artifactDiff(a, b);
}
