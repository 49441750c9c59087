/**
 * Which rows of a long page the table puts in the DOM: those in the scrolled
 * viewport and a few around them (rows have one fixed height).
 *
 * A few lines of arithmetic rather than a windowing library: the table keeps
 * its `<table>` semantics (header cells, `aria-sort`, rows found by
 * `tr[data-run-id]`) with a spacer row above and below the visible rows, which
 * react-window's absolutely positioned `<div>` rows would not.
 */

/** The rows to render and the space the others take. */
export interface IWindow {
  /** Index of the first rendered row. */
  start: number;
  /** Index after the last rendered row. */
  end: number;
  /** Height of the rows above `start`, in pixels. */
  padTop: number;
  /** Height of the rows from `end` on, in pixels. */
  padBottom: number;
}

/**
 * The window of rows to render.
 *
 * @param scrollTop - How far the body is scrolled, in pixels.
 * @param viewport - Height of the visible part, in pixels.
 * @param rowHeight - Height of one row, in pixels.
 * @param count - Rows on the page.
 * @param overscan - Extra rows rendered above and below.
 */
export function visibleWindow(
  scrollTop: number,
  viewport: number,
  rowHeight: number,
  count: number,
  overscan = 8
): IWindow {
  const first = Math.floor(Math.max(0, scrollTop) / rowHeight);
  const shown = Math.ceil(Math.max(viewport, rowHeight) / rowHeight) + 1;
  const start = Math.max(0, Math.min(count, first - overscan));
  const end = Math.max(start, Math.min(count, first + shown + overscan));
  return {
    start,
    end,
    padTop: start * rowHeight,
    padBottom: (count - end) * rowHeight
  };
}

/**
 * The scroll position that brings row `index` into view, or null when it is in
 * view already.
 *
 * @param index - The row.
 * @param scrollTop - Current scroll position.
 * @param viewport - Height of the visible part below the sticky header.
 * @param rowHeight - Height of one row.
 */
export function scrollToRow(
  index: number,
  scrollTop: number,
  viewport: number,
  rowHeight: number
): number | null {
  const top = index * rowHeight;
  if (top < scrollTop) {
    return top;
  }
  if (top + rowHeight > scrollTop + viewport) {
    return top + rowHeight - viewport;
  }
  return null;
}
