/**
 * What every list and main-area view reads of the shared model: the REST client,
 * the connection to the server extension, and the change cursor. `RunsModel`
 * (runs/state.ts) is that model; the other features only know this interface.
 */
import type { ISignal } from '@lumino/signaling';

import type { Connection } from './types';

/**
 * The shared model, as a view or a list sees it.
 *
 * `A` is the part of the REST client the caller uses: each feature names the
 * endpoints it calls (its `api.ts`), and the plugin passes a model whose client
 * has them all.
 */
export interface IServerModel<A = unknown> {
  /** The REST client. */
  readonly api: A;
  /** Connection to the server extension. */
  readonly connection: Connection;
  /**
   * Firing monitoring alerts as of the last change poll (null before the first
   * poll answer, or from a server whose `changes` does not report them).
   */
  readonly firing: number | null;
  /** Emitted whenever the connection (or anything else the model holds) changed. */
  readonly stateChanged: ISignal<unknown, void>;
  /** Emitted with the new cursor when the registry changed on the server. */
  readonly registryChanged: ISignal<unknown, number>;
  /**
   * Tell the model whether a view that needs fresh data is visible: the change
   * poll stands by while none is.
   *
   * @param consumer - A stable id of the view (`sidebar`, `run:<id>`, ...).
   * @param visible - Whether that view is now visible.
   */
  setVisible(consumer: string, visible: boolean): void;
  /**
   * Keep the change poll going, at a slower pace, while no view is visible.
   *
   * @param consumer - A stable id of the consumer.
   * @param on - Whether it needs the poll.
   */
  setBackground(consumer: string, on: boolean): void;
  /** Check the change cursor now (after a write from this page). */
  checkChanges(): void;
}
