/**
 * Types every feature shares: JSON values, the version handshake (`GET meta`), the
 * change cursor (`GET changes`), blob references and the connection state.
 *
 * Non-finite floats, which the server sends as the strings `"NaN"`, `"Infinity"` and
 * `"-Infinity"`, are decoded to the JavaScript numbers `NaN`, `Infinity` and
 * `-Infinity` wherever the contract says "number" (in every feature's types).
 */

/**
 * The REST API version this build of the lab extension speaks.
 */
export const API_VERSION = 1;

/**
 * A JSON value as received (params and tags may hold any JSON).
 */
export type JSONValue =
  string | number | boolean | null | JSONValue[] | { [key: string]: JSONValue };

/**
 * Where the registry the server reads lives.
 */
export interface IRegistryInfo {
  /** Absolute path of the registry folder. */
  path: string;
  /** How it was found: `env` (MM_JUPYTER_HOME), `project` (.mm folder) or `user`. */
  source: string;
}

/**
 * Response of `GET meta`: the version handshake.
 */
export interface IMeta {
  /** Name of the Python package (`mm-jupyter`). */
  name: string;
  /** Version of the Python package. */
  version: string;
  /** Version of the REST API; must equal {@link API_VERSION}. */
  api_version: number;
  /** The registry the server reads. */
  registry: IRegistryInfo;
  /** Schema version of the registry database. */
  schema_version: number;
}

/**
 * Sort order of a run listing.
 */
export type SortOrder = 'asc' | 'desc';

/**
 * Reference to a content-addressed blob.
 */
export interface IBlobRef {
  /** SHA-256 hex digest. */
  digest: string;
  /** Size in bytes. */
  size: number;
}

/**
 * Response of `GET changes?since=N`.
 */
export interface IChanges {
  /** The current cursor. */
  cursor: number;
  /** Whether the registry changed since the given cursor. */
  changed: boolean;
  /** Firing monitoring alerts over every model (null from older servers). */
  firing: number | null;
}

/**
 * The state of the connection to the server extension.
 */
export type Connection =
  | { kind: 'connecting' }
  | { kind: 'ready'; meta: IMeta }
  | { kind: 'missing'; detail: string }
  | { kind: 'mismatch'; meta: IMeta }
  | { kind: 'error'; detail: string };
