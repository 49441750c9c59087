/**
 * References between the features: an artifact version as `name:vN`, a model
 * version as `name:N` (the one spelling of each, as the server, the CLI and the
 * notebook write them), and the root of a lineage view (a run or a version) as a
 * lineage node id (`run:{id}`, `version:{name}:v{n}`). Pure functions, no DOM.
 */
import type { LineageRoot } from './types';

/** Format an artifact version reference as the server does: `name:vN`. */
export function versionRef(name: string, version: number): string {
  return `${name}:v${version}`;
}

/** Format a model version reference as the server does: `name:N`. */
export function modelVersionRef(name: string, version: number): string {
  return `${name}:${version}`;
}

/** Whose version a label is of: artifacts say `v3`, models `:3`. */
export type VersionSpelling = 'artifact' | 'model';

/**
 * A version without its name: `v3` of an artifact, `:3` of a model (read with
 * the model's name in front, as `churn-clf:3`).
 */
export function versionLabel(
  version: number | string,
  spelling: VersionSpelling
): string {
  return spelling === 'model' ? `:${version}` : `v${version}`;
}

/**
 * Split a `name:vN` reference; null if it does not end in `:v` and digits.
 */
export function parseVersionRef(
  ref: string
): { name: string; version: number } | null {
  const match = /^(.+):v(\d+)$/.exec(ref);
  return match ? { name: match[1], version: Number(match[2]) } : null;
}

/**
 * The lineage node id of a root: `run:{id}` or `version:{name}:v{n}`.
 */
export function rootNodeId(root: LineageRoot): string {
  return root.kind === 'run' ? `run:${root.id}` : `version:${root.ref}`;
}

/**
 * The root a lineage node id stands for, or null for anything else.
 */
export function rootOfNodeId(id: string): LineageRoot | null {
  if (id.startsWith('run:') && id.length > 4) {
    return { kind: 'run', id: id.slice(4) };
  }
  if (id.startsWith('version:') && parseVersionRef(id.slice(8))) {
    return { kind: 'version', ref: id.slice(8) };
  }
  return null;
}
