import * as React from 'react';

/**
 * Props of {@link Pager}.
 */
export interface IPagerProps {
  /** Index of the first row shown. */
  offset: number;
  /** Rows shown on this page. */
  count: number;
  /** Page size. */
  limit: number;
  /** Rows matching the filters. */
  total: number;
  /** Go to the previous (-1) or next (+1) page. */
  onTurn: (direction: 1 | -1) => void;
  /** What is counted, plural (`runs` by default). */
  noun?: string;
}

/**
 * "1–50 of 1,234" with previous and next buttons.
 */
export function Pager(props: IPagerProps): JSX.Element {
  const { offset, count, limit, total } = props;
  const range =
    total === 0
      ? `No ${props.noun ?? 'runs'}`
      : `${(offset + 1).toLocaleString()}–${(offset + count).toLocaleString()} of ${total.toLocaleString()}`;
  return (
    <div className="jp-mm-Pager">
      <button
        className="jp-mm-Button"
        disabled={offset <= 0}
        onClick={() => props.onTurn(-1)}
        title="Previous page"
        aria-label="Previous page"
      >
        ‹ Prev
      </button>
      <span className="jp-mm-Pager-range">{range}</span>
      <button
        className="jp-mm-Button"
        disabled={offset + limit >= total}
        onClick={() => props.onTurn(1)}
        title="Next page"
        aria-label="Next page"
      >
        Next ›
      </button>
    </div>
  );
}
