import { LabIcon } from '@jupyterlab/ui-components';
import * as React from 'react';

import { ErrorNotice } from './ErrorNotice';
import { loadErrorText, MMApiError } from './errors';
import { LiveWidget } from './LiveWidget';
import type { IServerModel } from './serverModel';

/**
 * Options of {@link DetailWidget}.
 */
export interface IDetailWidgetOptions<A = unknown> {
  /** The shared model (API client and change signal). */
  model: IServerModel<A>;
  /** A class of this kind of view, next to `jp-mm-RunDetailWidget`. */
  className?: string;
  /** Tab label until the data is loaded. */
  label: string;
  /** Tab tooltip. */
  caption: string;
  /** Tab icon. */
  icon: LabIcon;
}

/**
 * A main-area tab that shows one thing loaded from the server (a run, an
 * artifact, a model, a diff, a monitored version): "Loading…" until the first
 * answer, an error notice when it fails, and the data with the last error
 * above it after that. It reloads on the change cursor like any
 * {@link LiveWidget}; an answer equal to the one shown is not rendered again.
 *
 * A subclass says how to fetch ({@link fetch}), how to draw
 * ({@link renderDetail}) and what to say while loading or on failure.
 */
export abstract class DetailWidget<T, A = unknown> extends LiveWidget<A> {
  constructor(options: IDetailWidgetOptions<A>) {
    super(options.model);
    this.addClass('jp-mm-RunDetailWidget');
    if (options.className) {
      this.addClass(options.className);
    }
    this.title.label = options.label;
    this.title.caption = options.caption;
    this.title.icon = options.icon;
    this.title.closable = true;
  }

  /** The loaded data, or null before the first answer. */
  get detail(): T | null {
    return this._detail;
  }

  /** Fetch the data again. */
  async load(): Promise<void> {
    this.markFresh();
    try {
      this.accept(await this.fetch());
    } catch (err) {
      this.reject(err);
    }
    this.update();
  }

  /** Ask the server for the data. */
  protected abstract fetch(): Promise<T>;

  /** The message when the server answers 404. */
  protected abstract notFoundText(err: MMApiError): string;

  /** What could not be done, before the error's message (`Cannot load run 3`). */
  protected abstract get failedText(): string;

  /** What is shown before the first answer. */
  protected abstract get loadingText(): string;

  /** Draw the loaded data. */
  protected abstract renderDetail(detail: T): JSX.Element;

  /** Called when data different from the data shown arrived (e.g. to retitle). */
  protected onDetail?(detail: T): void;

  /** Take an answer: clear the error, and keep the data if it changed. */
  protected accept(detail: T): void {
    const snapshot = JSON.stringify(detail);
    this._error = null;
    if (snapshot !== this._snapshot) {
      this._snapshot = snapshot;
      this._detail = detail;
      this.onDetail?.(detail);
    }
  }

  /** Take a failure: keep the data shown, and say why it is not fresh. */
  protected reject(err: unknown): void {
    this._error = loadErrorText(
      err,
      e => this.notFoundText(e),
      this.failedText
    );
  }

  protected get hasContent(): boolean {
    return this._detail !== null || this._error !== null;
  }

  protected render(): JSX.Element {
    const detail = this._detail;
    if (detail === null) {
      return this._error ? (
        <ErrorNotice text={this._error} />
      ) : (
        <div className="jp-mm-Empty">{this.loadingText}</div>
      );
    }
    return (
      <>
        {this._error && <ErrorNotice text={this._error} />}
        {this.renderDetail(detail)}
      </>
    );
  }

  private _detail: T | null = null;
  private _error: string | null = null;
  private _snapshot = '';
}
