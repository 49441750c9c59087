/**
 * Pure naming rules of the main-area views: DOM ids and command arguments.
 */
import * as MM from './types';
import { parseVersionRef, rootNodeId } from './refs';

/** Main-area widget id of a run's detail view. */
export function runWidgetId(runId: string): string {
  return `mm-jupyter-run-${runId}`;
}

/** Main-area widget id of an artifact's view (the name made safe for an id). */
export function artifactWidgetId(name: string): string {
  return `mm-jupyter-artifact-${encodeURIComponent(name)}`;
}

/** Main-area widget id of a registered model's view (the name made safe for an id). */
export function modelWidgetId(name: string): string {
  return `mm-jupyter-model-${encodeURIComponent(name)}`;
}

/** Main-area widget id of a lineage view (the root made safe for an id). */
export function lineageWidgetId(root: MM.LineageRoot): string {
  return `mm-jupyter-lineage-${encodeURIComponent(rootNodeId(root))}`;
}

/**
 * The lineage root named by command args `{run}` or `{version}` (exactly one;
 * a version must be `name:vN`), or null.
 */
export function lineageRootOfArgs(args: {
  readonly [key: string]: unknown;
}): MM.LineageRoot | null {
  const run = typeof args.run === 'string' ? args.run : '';
  const version = typeof args.version === 'string' ? args.version : '';
  if (run && !version) {
    return { kind: 'run', id: run };
  }
  if (version && !run && parseVersionRef(version)) {
    return { kind: 'version', ref: version };
  }
  return null;
}

/** Command args `{run}` or `{version}` of a lineage root. */
export function lineageArgs(root: MM.LineageRoot): {
  run?: string;
  version?: string;
} {
  return root.kind === 'run' ? { run: root.id } : { version: root.ref };
}

/** Main-area widget id of the diff of runs a and b. */
export function diffWidgetId(a: string, b: string): string {
  return `mm-jupyter-diff-${a}-${b}`;
}

/** Main-area widget id of a monitored version's view (the ref made safe for an id). */
export function monitorWidgetId(ref: string): string {
  return `mm-jupyter-monitor-${encodeURIComponent(ref)}`;
}
