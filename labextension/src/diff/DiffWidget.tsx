import * as React from 'react';

import { DiffView } from './DiffView';
import { Diff } from './types';
import { MMApiError } from '../shared/errors';
import { mmIcon } from '../shared/icons';
import * as MM from '../shared/types';
import { DetailWidget } from '../shared/DetailWidget';
import type { IServerModel } from '../shared/serverModel';
import type { IDiffApi } from './api';

/**
 * Options of {@link DiffWidget}.
 */
export interface IDiffWidgetOptions {
  /** Run id of side A. */
  a: string;
  /** Run id of side B. */
  b: string;
  /** The shared model (API client and change signal). */
  model: IServerModel<IDiffApi>;
  /** Open a run's detail view. */
  openRun: (run: MM.IRunSummary) => void;
  /** Open the diff with the sides swapped. */
  swap: () => void;
}

/**
 * Content of a run diff's main-area tab.
 */
export class DiffWidget extends DetailWidget<Diff.IRunDiff, IDiffApi> {
  constructor(options: IDiffWidgetOptions) {
    super({
      model: options.model,
      className: 'jp-mm-DiffWidget',
      label: `${options.a} ↔ ${options.b}`,
      caption: `Diff of runs ${options.a} and ${options.b}`,
      icon: mmIcon
    });
    this.a = options.a;
    this.b = options.b;
    this._openRun = options.openRun;
    this._swap = options.swap;
  }

  /** Run id of side A. */
  readonly a: string;
  /** Run id of side B. */
  readonly b: string;

  /** The loaded diff, or null before the first answer. */
  get diff(): Diff.IRunDiff | null {
    return this.detail;
  }

  protected get consumer(): string {
    return `diff:${this.a}:${this.b}`;
  }

  protected get failedText(): string {
    return 'Cannot load the diff';
  }

  protected get loadingText(): string {
    return `Comparing ${this.a} and ${this.b}…`;
  }

  protected fetch(): Promise<Diff.IRunDiff> {
    return this.model.api.diff(this.a, this.b);
  }

  protected notFoundText(err: MMApiError): string {
    return `Cannot compare: ${err.message}`;
  }

  protected onDetail(diff: Diff.IRunDiff): void {
    this.title.label = `${diff.a.name || diff.a.id} ↔ ${diff.b.name || diff.b.id}`;
  }

  protected renderDetail(diff: Diff.IRunDiff): JSX.Element {
    return (
      <DiffView diff={diff} onOpenRun={this._openRun} onSwap={this._swap} />
    );
  }

  private _openRun: (run: MM.IRunSummary) => void;
  private _swap: () => void;
}
