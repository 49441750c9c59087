import * as React from 'react';

import { PAGE_SIZES, pageIndex } from './tableState';

/**
 * Props of {@link TablePager}.
 */
export interface ITablePagerProps {
  /** Index of the first run of the page. */
  offset: number;
  /** Runs on the page. */
  count: number;
  /** Page size. */
  limit: number;
  /** Runs matching the filter. */
  total: number;
  /** Go to the page starting at this offset. */
  onOffset: (offset: number) => void;
  /** Change the page size. */
  onLimit: (limit: number) => void;
}

/**
 * The table's pager: the range and total, first/previous/next/last, a page
 * number to jump to, and the page size.
 */
export function TablePager(props: ITablePagerProps): JSX.Element {
  const { offset, count, limit, total } = props;
  const pages = Math.max(1, Math.ceil(total / limit));
  const current = Math.floor(offset / limit) + 1;
  const [typed, setTyped] = React.useState(String(current));
  const [bad, setBad] = React.useState(false);
  React.useEffect(() => {
    setTyped(String(current));
    setBad(false);
  }, [current]);
  const jump = () => {
    const index = pageIndex(typed, total, limit);
    if (index === null) {
      setBad(true);
      return;
    }
    setBad(false);
    setTyped(String(index + 1));
    if (index * limit !== offset) {
      props.onOffset(index * limit);
    }
  };
  const range =
    total === 0
      ? 'No runs'
      : `${(offset + 1).toLocaleString()}–${(offset + count).toLocaleString()} of ${total.toLocaleString()}`;
  return (
    <div className="jp-mm-TablePager">
      <span className="jp-mm-TablePager-range" aria-live="polite">
        {range}
      </span>
      <button
        className="jp-mm-Button"
        disabled={offset <= 0}
        aria-label="First page"
        title="First page"
        onClick={() => props.onOffset(0)}
      >
        «
      </button>
      <button
        className="jp-mm-Button"
        disabled={offset <= 0}
        aria-label="Previous page"
        title="Previous page"
        onClick={() => props.onOffset(Math.max(0, offset - limit))}
      >
        ‹
      </button>
      <label className="jp-mm-TablePager-jump">
        <span>Page</span>
        <input
          className={'jp-mod-styled' + (bad ? ' jp-mm-mod-invalid' : '')}
          inputMode="numeric"
          aria-label="Page number"
          aria-invalid={bad}
          title={
            bad ? `Type a page number from 1 to ${pages}` : 'Go to page (Enter)'
          }
          value={typed}
          size={Math.max(2, String(pages).length)}
          onChange={e => setTyped(e.target.value)}
          onKeyDown={e => {
            if (e.key === 'Enter') {
              e.preventDefault();
              jump();
            }
          }}
          onBlur={() => {
            setTyped(String(current));
            setBad(false);
          }}
        />
        <span>{`of ${pages.toLocaleString()}`}</span>
      </label>
      <button
        className="jp-mm-Button"
        disabled={offset + limit >= total}
        aria-label="Next page"
        title="Next page"
        onClick={() => props.onOffset(offset + limit)}
      >
        ›
      </button>
      <button
        className="jp-mm-Button"
        disabled={offset + limit >= total}
        aria-label="Last page"
        title="Last page"
        onClick={() => props.onOffset((pages - 1) * limit)}
      >
        »
      </button>
      <label className="jp-mm-TablePager-size">
        <span>Rows per page</span>
        <select
          className="jp-mod-styled"
          value={limit}
          onChange={e => props.onLimit(Number(e.target.value))}
        >
          {PAGE_SIZES.map(n => (
            <option key={n} value={n}>
              {n}
            </option>
          ))}
        </select>
      </label>
    </div>
  );
}
