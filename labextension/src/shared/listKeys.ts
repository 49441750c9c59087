/**
 * Keyboard moves in the sidebar's item lists (artifacts, models, monitoring): a
 * roving tab index, as the WAI-ARIA listbox and grid patterns do. One row of a
 * list is in the tab order; the arrow keys, Home and End move between rows, and
 * Enter or Space opens the focused one. Pure functions, no DOM.
 */

/**
 * The row a key moves the focus to.
 *
 * @param key - `KeyboardEvent.key`.
 * @param index - The focused row.
 * @param count - Rows in the list.
 * @returns The row to focus (it may be `index` at either end: the key is still
 *   the list's), or null when the key is not a move.
 */
export function rovingIndex(
  key: string,
  index: number,
  count: number
): number | null {
  if (count <= 0) {
    return null;
  }
  switch (key) {
    case 'ArrowDown':
      return Math.min(count - 1, index + 1);
    case 'ArrowUp':
      return Math.max(0, index - 1);
    case 'Home':
      return 0;
    case 'End':
      return count - 1;
    default:
      return null;
  }
}

/**
 * The row that holds the list's one tab stop: the one focused last if it is
 * still there, else the active row (its view was opened last), else the first.
 *
 * @param focused - The row focused last, or null.
 * @param active - The active row, or -1.
 * @param count - Rows in the list.
 * @returns Its index, or -1 for an empty list.
 */
export function tabStopIndex(
  focused: number | null,
  active: number,
  count: number
): number {
  if (count <= 0) {
    return -1;
  }
  if (focused !== null && focused >= 0 && focused < count) {
    return focused;
  }
  return active >= 0 && active < count ? active : 0;
}

/** Whether a key opens the focused row. */
export function isOpenKey(key: string): boolean {
  return key === 'Enter' || key === ' ';
}
