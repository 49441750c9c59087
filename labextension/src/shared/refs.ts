/**
 * References between the features: a version as `name:vN`, and the root of a
 * lineage view (a run or a version) as a lineage node id (`run:{id}`,
 * `version:{name}:v{n}`). Pure functions, no DOM.
 */
import type { LineageRoot } from './types';

/** Format a version reference as the server does: `name:vN`. */
export function versionRef(name: string, version: number): string {
  return `${name}:v${version}`;
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
