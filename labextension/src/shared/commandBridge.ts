/**
 * Running an application command from a view that has no handle on the application.
 *
 * The run view's header is rendered by components that do not pass the application's
 * actions down to it; JupyterLab's command linker (`data-commandlinker-*`) would
 * reach the command, but since JupyterLab 4.6 it asks "Run Command?" first, as it
 * does for links in untrusted documents. The plugin connects the application's
 * command registry here once, at activation (one application per page).
 */
import type { ReadonlyPartialJSONObject } from '@lumino/coreutils';

type Execute = (
  id: string,
  args: ReadonlyPartialJSONObject
) => Promise<unknown>;

let connected: Execute | null = null;

/** Connect the application's `commands.execute` (the plugin does, once). */
export function connectCommands(execute: Execute): void {
  connected = execute;
}

/** Whether a command runner is connected (views hide what they cannot run). */
export function commandsConnected(): boolean {
  return connected !== null;
}

/** Run command `id` with `args`; failures are logged, not thrown at the view. */
export function runCommand(id: string, args: ReadonlyPartialJSONObject): void {
  if (connected === null) {
    console.error(`mm-jupyter: ${id} is not available here`);
    return;
  }
  connected(id, args).catch(err => {
    console.error(`mm-jupyter: ${id} failed`, err);
  });
}
