import * as React from 'react';

import { DiffView } from '../components/DiffView';
import { Diff } from '../diff';
import { MMApiError } from '../errors';
import { mmIcon } from '../icons';
import { RunsModel } from '../model';
import { MM } from '../tokens';
import { LiveWidget } from './LiveWidget';

/**
 * Options of {@link DiffWidget}.
 */
export interface IDiffWidgetOptions {
  /** Run id of side A. */
  a: string;
  /** Run id of side B. */
  b: string;
  /** The shared model (API client and change signal). */
  model: RunsModel;
  /** Open a run's detail view. */
  openRun: (run: MM.IRunSummary) => void;
  /** Open the diff with the sides swapped. */
  swap: () => void;
}

/**
 * Content of a run diff's main-area tab.
 */
export class DiffWidget extends LiveWidget {
  constructor(options: IDiffWidgetOptions) {
    super(options.model);
    this.a = options.a;
    this.b = options.b;
    this._openRun = options.openRun;
    this._swap = options.swap;
    this.addClass('jp-mm-RunDetailWidget');
    this.addClass('jp-mm-DiffWidget');
    this.title.label = `${options.a} ↔ ${options.b}`;
    this.title.caption = `Diff of runs ${options.a} and ${options.b}`;
    this.title.icon = mmIcon;
    this.title.closable = true;
  }

  /** Run id of side A. */
  readonly a: string;
  /** Run id of side B. */
  readonly b: string;

  /** The loaded diff, or null before the first answer. */
  get diff(): Diff.IRunDiff | null {
    return this._diff;
  }

  async load(): Promise<void> {
    this.markFresh();
    try {
      const diff = await this.model.api.diff(this.a, this.b);
      const snapshot = JSON.stringify(diff);
      this._error = null;
      if (snapshot !== this._snapshot) {
        this._snapshot = snapshot;
        this._diff = diff;
        this.title.label = `${diff.a.name || diff.a.id} ↔ ${diff.b.name || diff.b.id}`;
      }
    } catch (err) {
      this._error =
        err instanceof MMApiError && err.status === 404
          ? `Cannot compare: ${err.message}`
          : `Cannot load the diff: ${err instanceof Error ? err.message : String(err)}`;
    }
    this.update();
  }

  protected get consumer(): string {
    return `diff:${this.a}:${this.b}`;
  }

  protected get hasContent(): boolean {
    return this._diff !== null || this._error !== null;
  }

  protected render(): JSX.Element {
    if (this._error && !this._diff) {
      return (
        <div className="jp-mm-Notice jp-mm-Notice-error" role="alert">
          {this._error}
        </div>
      );
    }
    if (!this._diff) {
      return (
        <div className="jp-mm-Empty">{`Comparing ${this.a} and ${this.b}…`}</div>
      );
    }
    return (
      <>
        {this._error && (
          <div className="jp-mm-Notice jp-mm-Notice-error" role="alert">
            {this._error}
          </div>
        )}
        <DiffView
          diff={this._diff}
          onOpenRun={this._openRun}
          onSwap={this._swap}
        />
      </>
    );
  }

  private _diff: Diff.IRunDiff | null = null;
  private _error: string | null = null;
  private _openRun: (run: MM.IRunSummary) => void;
  private _snapshot = '';
  private _swap: () => void;
}
