/**
 * Keyboard rules of the run lists (the sidebar's list and the main-area table):
 * one tab stop per list, whose focused row moves with the arrow keys (a roving
 * tabindex, as in the WAI-ARIA grid pattern).
 */

/** What a key pressed on a row does. */
export type RowKeyAction =
  { kind: 'move'; index: number } | { kind: 'open' } | { kind: 'toggle' };

/**
 * What a key pressed on row `index` of `count` rows does: Up/Down move one row,
 * PageUp/PageDown `pageStep` rows, Home/End to the first/last row, Enter opens the
 * run, Space toggles its selection. Null for any other key (left to the browser).
 */
export function rowKeyAction(
  key: string,
  index: number,
  count: number,
  pageStep = 10
): RowKeyAction | null {
  if (count === 0) {
    return null;
  }
  const last = count - 1;
  const to = (i: number): RowKeyAction => ({
    kind: 'move',
    index: Math.max(0, Math.min(last, i))
  });
  switch (key) {
    case 'ArrowDown':
      return to(index + 1);
    case 'ArrowUp':
      return to(index - 1);
    case 'PageDown':
      return to(index + pageStep);
    case 'PageUp':
      return to(index - pageStep);
    case 'Home':
      return to(0);
    case 'End':
      return to(last);
    case 'Enter':
      return { kind: 'open' };
    case ' ':
    case 'Spacebar':
      return { kind: 'toggle' };
    default:
      return null;
  }
}

/**
 * The row that holds the list's tab stop: the focused one while it is still on
 * the page, else the first (the page changed under it).
 */
export function tabStop(focused: number, count: number): number {
  return focused >= 0 && focused < count ? focused : 0;
}
