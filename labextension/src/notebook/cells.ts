/**
 * Pure parts of "Open notebook at this cell": the notebook's path as the file
 * browser knows it, and which cell of the opened notebook is the run's.
 */

/**
 * The path of `absolute` relative to the server root `root` (both OS paths, `/` or
 * `\` separated), or null when it lies outside the root (JupyterLab cannot open it).
 * A path that is already relative is taken as relative to the root.
 */
export function relativeToRoot(absolute: string, root: string): string | null {
  const norm = (p: string) => p.replace(/\\/g, '/').replace(/\/+$/, '');
  const path = norm(absolute);
  if (!path) {
    return null;
  }
  if (!path.startsWith('/') && !/^[A-Za-z]:\//.test(path)) {
    return path.split('/').includes('..') ? null : path;
  }
  if (!root) {
    return null;
  }
  // The root "/" normalises to "": every absolute path is under it.
  const prefix = `${norm(root)}/`;
  return path.startsWith(prefix) && path.length > prefix.length
    ? path.slice(prefix.length)
    : null;
}

/** One cell of an opened notebook, as far as finding the run's is concerned. */
export interface ICellInfo {
  /** The cell's id (nbformat 4.5). */
  id: string;
  /** Its source. */
  source: string;
}

/** How the run's cell was found. */
export type CellMatch = 'id' | 'source';

/** A tracked cell's body: its source without the `%%mm_track` line. */
export function trackedBody(source: string): string {
  const lines = source.replace(/^\s*\n/, '').split('\n');
  if (lines.length && lines[0].trimStart().startsWith('%%mm_track')) {
    lines.shift();
  }
  return lines.join('\n').trim();
}

/**
 * The index of the run's cell: the cell with `cellId`, else the first whose body is
 * the run's recorded cell source (the notebook was copied, or the run came from a
 * kernel that sent no id); null when neither is found.
 */
export function findCell(
  cells: ICellInfo[],
  cellId: string | null,
  source: string | null
): { index: number; by: CellMatch } | null {
  if (cellId) {
    const index = cells.findIndex(c => c.id === cellId);
    if (index >= 0) {
      return { index, by: 'id' };
    }
  }
  const body = source === null ? '' : trackedBody(source);
  if (body) {
    const index = cells.findIndex(c => trackedBody(c.source) === body);
    if (index >= 0) {
      return { index, by: 'source' };
    }
  }
  return null;
}
