/**
 * "Open as notebook": save a run's checkout (`GET runs/{id}/checkout`) through
 * JupyterLab's contents manager into the file browser's folder under a name no
 * file has yet, then open it. The server writes no file.
 *
 * What it needs of JupyterLab is typed loosely on purpose (the extension does not
 * depend on @jupyterlab/filebrowser or @jupyterlab/docmanager for three members).
 */
import * as MM from './types';

/** What this module needs of the contents manager. */
export interface IContentsLike {
  /** Metadata of a path; rejects when nothing is there. */
  get(path: string, options: { content: false }): Promise<unknown>;
  /** Save a file; resolves to its model. */
  save(
    path: string,
    options: { type: 'notebook'; format: 'json'; content: unknown }
  ): Promise<{ path: string }>;
}

/** Where and how the notebook is saved and opened. */
export interface ICheckoutTarget {
  /** The contents manager (`app.serviceManager.contents`). */
  contents: IContentsLike;
  /** The folder to save in (the file browser's, relative to the root; '' is the root). */
  folder(): string;
  /** Open a saved notebook (docmanager's open). */
  open(path: string): Promise<unknown>;
}

/** Names tried before giving up on a free one. */
export const MAX_TRIES = 100;

/**
 * The `n`-th candidate path of `name` in `folder`: `folder/name.ipynb`, then
 * `folder/name-1.ipynb`, `folder/name-2.ipynb`, ...
 */
export function candidatePath(folder: string, name: string, n: number): string {
  const dot = name.toLowerCase().endsWith('.ipynb') ? name.length - 6 : -1;
  const stem = dot >= 0 ? name.slice(0, dot) : name;
  const file = `${stem || 'run'}${n > 0 ? `-${n}` : ''}.ipynb`;
  const dir = folder.replace(/^\/+|\/+$/g, '');
  return dir ? `${dir}/${file}` : file;
}

/**
 * The checkout's name made safe for a file name: no folders, no leading dots
 * (the server sends a safe name; this only guards against one that is not).
 */
export function safeName(name: string): string {
  const base = name.split(/[\\/]/).pop() ?? '';
  return (
    base.replace(/^\.+/, '').replace(/[^A-Za-z0-9._-]/g, '_') || 'run.ipynb'
  );
}

/**
 * The first candidate path nothing is at (`exists` says whether something is).
 */
export async function freePath(
  folder: string,
  name: string,
  exists: (path: string) => Promise<boolean>
): Promise<string> {
  for (let n = 0; n < MAX_TRIES; n++) {
    const path = candidatePath(folder, name, n);
    if (!(await exists(path))) {
      return path;
    }
  }
  throw new Error(
    `No free name for ${name} in ${folder || 'the root folder'} (tried ${MAX_TRIES})`
  );
}

/**
 * Save the checkout's notebook next to the file browser's files under a free
 * name and open it; resolves to the path saved.
 */
export async function saveCheckout(
  target: ICheckoutTarget,
  checkout: MM.ICheckout
): Promise<string> {
  const { contents } = target;
  const exists = (path: string) =>
    contents.get(path, { content: false }).then(
      () => true,
      () => false
    );
  const path = await freePath(target.folder(), safeName(checkout.name), exists);
  const saved = await contents.save(path, {
    type: 'notebook',
    format: 'json',
    content: checkout.notebook
  });
  await target.open(saved.path || path);
  return saved.path || path;
}

/** What this module needs of the shell: its widgets in an area. */
interface IShellLike {
  widgets?(area: string): Iterable<unknown>;
}

/**
 * The folder the file browser shows (its `model.path`), or the root ('') when
 * there is no file browser in the left area (Notebook 7's tree, tests).
 */
export function fileBrowserFolder(shell: unknown): string {
  const areas = (shell as IShellLike).widgets?.('left');
  if (!areas) {
    return '';
  }
  for (const widget of areas) {
    const w = widget as { id?: string; model?: { path?: unknown } };
    if (w.id === 'filebrowser' && typeof w.model?.path === 'string') {
      return w.model.path;
    }
  }
  return '';
}
