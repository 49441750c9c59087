import * as React from 'react';

import { IActions } from '../actions';
import { ArtifactDetail } from '../components/ArtifactDetail';
import { MMApiError } from '../errors';
import { artifactIcon } from '../icons';
import { RunsModel } from '../model';
import { MM } from '../tokens';
import { LiveWidget } from './LiveWidget';

/**
 * Options of {@link ArtifactWidget}.
 */
export interface IArtifactWidgetOptions {
  /** Name of the artifact. */
  name: string;
  /** Version to highlight, if any. */
  version?: number | null;
  /** The shared model (API client and change signal). */
  model: RunsModel;
  /** Navigation to runs, artifacts and lineage. */
  actions: IActions;
}

/**
 * Content of an artifact's main-area tab: its versions, newest first.
 */
export class ArtifactWidget extends LiveWidget {
  constructor(options: IArtifactWidgetOptions) {
    super(options.model);
    this.artifactName = options.name;
    this._actions = options.actions;
    this._focusVersion = options.version ?? null;
    this.addClass('jp-mm-RunDetailWidget');
    this.addClass('jp-mm-ArtifactWidget');
    this.title.label = options.name;
    this.title.caption = `Artifact ${options.name}`;
    this.title.icon = artifactIcon;
    this.title.closable = true;
  }

  /** Name of the artifact shown. */
  readonly artifactName: string;

  /** The loaded artifact, or null before the first answer. */
  get detail(): MM.IArtifactDetail | null {
    return this._detail;
  }

  /** Highlight a version (and scroll to it). */
  focusVersion(version: number | null): void {
    this._focusVersion = version;
    this.update();
  }

  async load(): Promise<void> {
    this.markFresh();
    try {
      const detail = await this.model.api.artifactVersions(this.artifactName);
      const snapshot = JSON.stringify(detail);
      this._error = null;
      if (snapshot !== this._snapshot) {
        this._snapshot = snapshot;
        this._detail = detail;
      }
    } catch (err) {
      this._error =
        err instanceof MMApiError && err.status === 404
          ? `Artifact ${this.artifactName} does not exist (any more) in this registry.`
          : `Cannot load artifact ${this.artifactName}: ${err instanceof Error ? err.message : String(err)}`;
    }
    this.update();
  }

  protected get consumer(): string {
    return `artifact:${this.artifactName}`;
  }

  protected get hasContent(): boolean {
    return this._detail !== null || this._error !== null;
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
      return (
        <div className="jp-mm-Empty">{`Loading artifact ${this.artifactName}…`}</div>
      );
    }
    return (
      <>
        {this._error && (
          <div className="jp-mm-Notice jp-mm-Notice-error" role="alert">
            {this._error}
          </div>
        )}
        <ArtifactDetail
          detail={this._detail}
          loadBlob={this._loadBlob}
          actions={this._actions}
          focusVersion={this._focusVersion}
        />
      </>
    );
  }

  private _actions: IActions;
  private _detail: MM.IArtifactDetail | null = null;
  private _error: string | null = null;
  private _focusVersion: number | null;
  private _loadBlob = (digest: string): Promise<Blob> =>
    this.model.api.blob(digest);
  private _snapshot = '';
}
