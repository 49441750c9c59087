import * as React from 'react';

import { MMApiError } from '../shared/errors';
import { mmIcon } from '../shared/icons';
import * as MM from '../shared/types';
import { DetailWidget } from '../shared/DetailWidget';
import type { IServerModel } from '../shared/serverModel';
import type { ICompareApi } from './api';
import { CompareView } from './CompareView';
import { Cmp } from './types';

/** Main-area widget id of the comparison of these runs (in this order). */
export function compareWidgetId(ids: ReadonlyArray<string>): string {
  return `mm-jupyter-compare-${ids.join('-')}`;
}

/**
 * Options of {@link CompareWidget}.
 */
export interface ICompareWidgetOptions {
  /** Run ids, 2 to 50. */
  ids: string[];
  /** The shared model (API client and change signal). */
  model: IServerModel<ICompareApi>;
  /** Open a run's detail view. */
  openRun: (run: MM.IRunSummary) => void;
}

/**
 * Content of a comparison's main-area tab.
 */
export class CompareWidget extends DetailWidget<Cmp.IComparison, ICompareApi> {
  constructor(options: ICompareWidgetOptions) {
    super({
      model: options.model,
      className: 'jp-mm-CompareWidget',
      label: `Compare ${options.ids.length} runs`,
      caption: `Comparison of runs ${options.ids.join(', ')}`,
      icon: mmIcon
    });
    this.ids = options.ids.slice();
    this._openRun = options.openRun;
  }

  /** The compared run ids, in order. */
  readonly ids: string[];

  protected get consumer(): string {
    return `compare:${this.ids.join(',')}`;
  }

  protected get failedText(): string {
    return 'Cannot load the comparison';
  }

  protected get loadingText(): string {
    return `Comparing ${this.ids.length} runs…`;
  }

  protected fetch(): Promise<Cmp.IComparison> {
    return this.model.api.compare(this.ids);
  }

  protected notFoundText(err: MMApiError): string {
    return `Cannot compare: ${err.message}`;
  }

  protected renderDetail(comparison: Cmp.IComparison): JSX.Element {
    return <CompareView comparison={comparison} onOpenRun={this._openRun} />;
  }

  private _openRun: (run: MM.IRunSummary) => void;
}
