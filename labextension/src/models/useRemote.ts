/**
 * A React hook for a payload loaded from the server by a view's own section
 * (approvals, policies, card): loading, loaded or failed, with a reload and a
 * way to take a newer answer (e.g. a POST's reply).
 */
import * as React from 'react';

import { errorMessage } from '../shared/errors';

/** Where a section's payload is. */
export type Remote<T> =
  | { kind: 'loading' }
  | { kind: 'loaded'; value: T }
  | { kind: 'failed'; message: string };

/** The payload and what a section may do with it. */
export interface IRemote<T> {
  /** The state. */
  state: Remote<T>;
  /** Fetch it again. */
  reload: () => void;
  /** Take a newer answer. */
  set: (value: T) => void;
}

/**
 * Load with `load` when mounted and whenever `key` changes; an answer that
 * arrives after a newer request (or after unmounting) is dropped.
 */
export function useRemote<T>(load: () => Promise<T>, key: string): IRemote<T> {
  const [state, setState] = React.useState<Remote<T>>({ kind: 'loading' });
  const [round, setRound] = React.useState(0);
  const loadRef = React.useRef(load);
  loadRef.current = load;
  React.useEffect(() => {
    let live = true;
    loadRef.current().then(
      value => live && setState({ kind: 'loaded', value }),
      (err: unknown) =>
        live && setState({ kind: 'failed', message: errorMessage(err) })
    );
    return () => {
      live = false;
    };
  }, [key, round]);
  return {
    state,
    reload: () => setRound(r => r + 1),
    set: value => setState({ kind: 'loaded', value })
  };
}
