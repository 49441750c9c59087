import { ReactWidget } from '@jupyterlab/ui-components';
import { Message } from '@lumino/messaging';

import type { IServerModel } from './serverModel';

/**
 * A main-area view that loads when first shown and again whenever the registry
 * changes while it is visible (a change while hidden reloads on the next show).
 * It keeps the shared change poll awake while it is visible.
 */
export abstract class LiveWidget<A = unknown> extends ReactWidget {
  /**
   * @param model - The shared model: API client and change cursor.
   */
  constructor(protected readonly model: IServerModel<A>) {
    super();
    model.registryChanged.connect(this._onRegistryChanged, this);
  }

  /** Fetch the data again. */
  abstract load(): Promise<void>;

  /** A stable id of this view for {@link IServerModel.setVisible}. */
  protected abstract get consumer(): string;

  /** Whether the view has shown data or an error since its last (re)load request. */
  protected abstract get hasContent(): boolean;

  /** Load again on the next show, or now if visible. */
  protected invalidate(): void {
    if (this.isVisible) {
      void this.load();
    } else {
      this._stale = true;
    }
  }

  dispose(): void {
    if (this.isDisposed) {
      return;
    }
    this.model.registryChanged.disconnect(this._onRegistryChanged, this);
    this.model.setVisible(this._registered ?? this.consumer, false);
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
    this._unregister();
  }

  protected onBeforeDetach(msg: Message): void {
    this._unregister();
    super.onBeforeDetach(msg);
  }

  /** Mark loaded (call at the start of {@link load}). */
  protected markFresh(): void {
    this._stale = false;
  }

  private _becameVisible(): void {
    this._unregister();
    this._registered = this.consumer;
    this.model.setVisible(this._registered, true);
    if (this._stale || !this.hasContent) {
      void this.load();
    }
  }

  private _unregister(): void {
    if (this._registered !== null) {
      this.model.setVisible(this._registered, false);
      this._registered = null;
    }
  }

  private _onRegistryChanged(): void {
    this.invalidate();
  }

  private _registered: string | null = null;
  private _stale = true;
}
