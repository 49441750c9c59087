import * as React from 'react';

import { StatusBadge } from '../shared/Badges';
import { ReproBadge } from '../shared/ReproBadge';
import { formatTime } from '../shared/format';
import * as MM from './types';
import { cellText, columnOf, IColumn } from './tableColumns';
import { rowKeyAction, tabStop } from './keyboard';
import { scrollToRow, visibleWindow } from './windowing';

/** Height of one body row, in pixels (fixed: the window arithmetic needs it; style/table.css agrees). */
export const ROW_HEIGHT = 26;

/** Width of the selection column. */
const SELECT_WIDTH = 30;

/**
 * Props of {@link TableGrid}.
 */
export interface ITableGridProps {
  /** Runs of the page. */
  runs: ReadonlyArray<MM.IRunSummary>;
  /** Column ids, in order. */
  columns: ReadonlyArray<string>;
  /** Widths of resized columns. */
  widths: Readonly<Record<string, number>>;
  /** Current sort key and order. */
  sort: string;
  order: MM.SortOrder;
  /** Checked runs, by id. */
  selection: ReadonlyMap<string, MM.IRunSummary>;
  /** Something that changes when a new page or query replaced the rows (scroll back to the top). */
  pageKey: string;
  /** Sort by a sort key. */
  onSort: (key: string) => void;
  /** Resize a column. */
  onResize: (id: string, width: number) => void;
  /** Open a run. */
  onOpen: (run: MM.IRunSummary) => void;
  /** Check or uncheck runs. */
  onSelect: (runs: ReadonlyArray<MM.IRunSummary>, on: boolean) => void;
  /** Star or unstar a run. */
  onStar: (run: MM.IRunSummary, starred: boolean) => void;
  /** "Now", for relative times. */
  now?: Date;
}

/**
 * The table of one page of runs: sortable, resizable headers, a checkbox per
 * row, and only the rows in view in the DOM (spacer rows stand for the others).
 * One tab stop: arrow keys, PageUp/PageDown, Home and End move between rows,
 * Enter opens the run, Space checks it.
 */
export function TableGrid(props: ITableGridProps): JSX.Element {
  const { runs, selection } = props;
  const now = props.now ?? new Date();
  const columns = props.columns
    .map(columnOf)
    .filter((c): c is IColumn => c !== null);
  const scroller = React.useRef<HTMLDivElement>(null);
  const head = React.useRef<HTMLTableSectionElement>(null);
  const [scrollTop, setScrollTop] = React.useState(0);
  const [viewport, setViewport] = React.useState(600);
  const [focused, setFocused] = React.useState(0);
  // Set by a key press: focus that row once it is rendered.
  const pendingFocus = React.useRef<number | null>(null);

  React.useEffect(() => {
    const node = scroller.current;
    if (!node) {
      return;
    }
    const measure = () => setViewport(node.clientHeight);
    measure();
    const observer = new ResizeObserver(measure);
    observer.observe(node);
    return () => observer.disconnect();
  }, []);

  // A new page or query starts at the top; a live reload keeps the scroll.
  React.useEffect(() => {
    if (scroller.current) {
      scroller.current.scrollTop = 0;
    }
    setScrollTop(0);
    setFocused(0);
  }, [props.pageKey]);

  const win = visibleWindow(scrollTop, viewport, ROW_HEIGHT, runs.length);
  const stop = tabStop(focused, runs.length);

  React.useEffect(() => {
    const index = pendingFocus.current;
    if (index === null) {
      return;
    }
    const row = scroller.current?.querySelector<HTMLElement>(
      `tr[data-index="${index}"]`
    );
    if (row) {
      pendingFocus.current = null;
      row.focus({ preventScroll: true });
    }
  });

  const moveTo = (index: number) => {
    const node = scroller.current;
    setFocused(index);
    pendingFocus.current = index;
    if (node) {
      const header = head.current?.offsetHeight ?? ROW_HEIGHT;
      const target = scrollToRow(
        index,
        node.scrollTop,
        node.clientHeight - header,
        ROW_HEIGHT
      );
      if (target !== null) {
        node.scrollTop = target;
        setScrollTop(target);
      }
    }
  };

  const onKeyDown = (e: React.KeyboardEvent, index: number) => {
    const run = runs[index];
    const action = rowKeyAction(
      e.key,
      index,
      runs.length,
      Math.max(1, Math.floor(viewport / ROW_HEIGHT) - 1)
    );
    if (!action || !run) {
      return;
    }
    e.preventDefault();
    if (action.kind === 'move') {
      moveTo(action.index);
    } else if (action.kind === 'open') {
      props.onOpen(run);
    } else {
      props.onSelect([run], !selection.has(run.id));
    }
  };

  const allChecked = runs.length > 0 && runs.every(r => selection.has(r.id));
  const someChecked = runs.some(r => selection.has(r.id));
  return (
    <div
      className="jp-mm-TableGrid"
      ref={scroller}
      onScroll={e => setScrollTop(e.currentTarget.scrollTop)}
    >
      <table
        className="jp-mm-TableGrid-table"
        aria-rowcount={runs.length + 1}
        aria-label="Runs"
      >
        <colgroup>
          <col style={{ width: SELECT_WIDTH }} />
          {columns.map(c => (
            <col key={c.id} style={{ width: props.widths[c.id] ?? c.width }} />
          ))}
        </colgroup>
        <thead ref={head}>
          <tr>
            <th className="jp-mm-TableGrid-select" scope="col">
              <input
                type="checkbox"
                aria-label="Select every run of this page"
                title="Select every run of this page"
                checked={allChecked}
                ref={el => {
                  if (el) {
                    el.indeterminate = someChecked && !allChecked;
                  }
                }}
                onChange={() => props.onSelect(runs, !allChecked)}
              />
            </th>
            {columns.map(c => (
              <HeaderCell
                key={c.id}
                column={c}
                width={props.widths[c.id] ?? c.width}
                sort={props.sort}
                order={props.order}
                onSort={props.onSort}
                onResize={props.onResize}
              />
            ))}
          </tr>
        </thead>
        <tbody>
          {win.padTop > 0 && (
            <tr aria-hidden="true" className="jp-mm-TableGrid-spacer">
              <td colSpan={columns.length + 1} style={{ height: win.padTop }} />
            </tr>
          )}
          {runs.slice(win.start, win.end).map((run, i) => {
            const index = win.start + i;
            const checked = selection.has(run.id);
            return (
              <tr
                key={run.id}
                data-run-id={run.id}
                data-index={index}
                aria-rowindex={index + 2}
                aria-selected={checked}
                className={
                  'jp-mm-TableGrid-row' +
                  (checked ? ' jp-mm-mod-selected' : '') +
                  (run.archived_at ? ' jp-mm-mod-archived' : '')
                }
                tabIndex={index === stop ? 0 : -1}
                title={`Open run ${run.name || run.id}`}
                onFocus={() => setFocused(index)}
                onKeyDown={e => onKeyDown(e, index)}
                onClick={e => {
                  if (e.shiftKey || e.ctrlKey || e.metaKey) {
                    props.onSelect([run], !checked);
                  } else {
                    props.onOpen(run);
                  }
                }}
              >
                <td className="jp-mm-TableGrid-select">
                  <input
                    type="checkbox"
                    tabIndex={-1}
                    aria-label={`Select ${run.name || run.id}`}
                    checked={checked}
                    onClick={e => e.stopPropagation()}
                    onChange={() => props.onSelect([run], !checked)}
                  />
                </td>
                {columns.map(c => (
                  <Cell
                    key={c.id}
                    run={run}
                    column={c}
                    now={now}
                    onStar={props.onStar}
                  />
                ))}
              </tr>
            );
          })}
          {win.padBottom > 0 && (
            <tr aria-hidden="true" className="jp-mm-TableGrid-spacer">
              <td
                colSpan={columns.length + 1}
                style={{ height: win.padBottom }}
              />
            </tr>
          )}
        </tbody>
      </table>
    </div>
  );
}

/** A sortable, resizable column header, named for screen readers. */
function HeaderCell(props: {
  column: IColumn;
  width: number;
  sort: string;
  order: MM.SortOrder;
  onSort: (key: string) => void;
  onResize: (id: string, width: number) => void;
}): JSX.Element {
  const { column } = props;
  const sorted = column.sort !== null && props.sort === column.sort;
  const label = column.label;
  const onPointerDown = (e: React.PointerEvent<HTMLSpanElement>) => {
    e.preventDefault();
    e.stopPropagation();
    const startX = e.clientX;
    const start = props.width;
    const handle = e.currentTarget;
    handle.setPointerCapture(e.pointerId);
    const move = (ev: PointerEvent) =>
      props.onResize(column.id, start + ev.clientX - startX);
    const up = () => {
      handle.removeEventListener('pointermove', move);
      handle.removeEventListener('pointerup', up);
    };
    handle.addEventListener('pointermove', move);
    handle.addEventListener('pointerup', up);
  };
  return (
    <th
      scope="col"
      data-column={column.id}
      className={
        `jp-mm-TableGrid-header jp-mm-TableGrid-kind-${column.kind}` +
        (column.numeric ? ' jp-mm-mod-numeric' : '') +
        (sorted ? ' jp-mm-mod-sorted' : '')
      }
      aria-label={column.title}
      aria-sort={
        sorted ? (props.order === 'asc' ? 'ascending' : 'descending') : 'none'
      }
      title={column.title}
    >
      {column.sort !== null ? (
        <button
          className="jp-mm-TableGrid-sort"
          title={`Sort by ${column.title}`}
          aria-label={`Sort by ${column.title}`}
          onClick={() => props.onSort(column.sort as string)}
        >
          <span className="jp-mm-TableGrid-label">{label}</span>
          <span className="jp-mm-TableGrid-arrow" aria-hidden="true">
            {sorted ? (props.order === 'asc' ? '▲' : '▼') : ''}
          </span>
        </button>
      ) : (
        <span className="jp-mm-TableGrid-label">{label}</span>
      )}
      <span
        className="jp-mm-TableGrid-resize"
        role="separator"
        aria-orientation="vertical"
        aria-label={`Resize column ${column.title}`}
        onPointerDown={onPointerDown}
        onClick={e => e.stopPropagation()}
      />
    </th>
  );
}

/**
 * One cell: text for most columns, a status dot, a star toggle, a
 * reproducibility badge.
 */
function Cell(props: {
  run: MM.IRunSummary;
  column: IColumn;
  now: Date;
  onStar: (run: MM.IRunSummary, starred: boolean) => void;
}): JSX.Element {
  const { run, column } = props;
  const className =
    `jp-mm-TableGrid-cell jp-mm-TableGrid-${column.kind}` +
    (column.kind === 'attr' ? ` jp-mm-TableGrid-${column.key}` : '') +
    (column.numeric ? ' jp-mm-mod-numeric' : '');
  if (column.id === 'status') {
    return (
      <td className={className}>
        <StatusBadge status={run.status} compact />
      </td>
    );
  }
  if (column.id === 'reproducibility') {
    return (
      <td className={className}>
        <ReproBadge reproducibility={run.reproducibility} compact />
      </td>
    );
  }
  if (column.id === 'starred') {
    const name = run.name || run.id;
    return (
      <td className={className}>
        <button
          className={'jp-mm-Star' + (run.starred ? ' jp-mm-mod-starred' : '')}
          tabIndex={-1}
          aria-pressed={run.starred}
          aria-label={run.starred ? `Unstar ${name}` : `Star ${name}`}
          title={run.starred ? 'Starred (click to unstar)' : 'Star this run'}
          onClick={e => {
            e.stopPropagation();
            props.onStar(run, !run.starred);
          }}
        >
          {run.starred ? '★' : '☆'}
        </button>
      </td>
    );
  }
  const text = cellText(run, column, props.now);
  const title =
    column.id === 'started_at'
      ? formatTime(run.started_at)
      : column.id === 'notebook'
        ? (run.notebook_path ?? '')
        : column.id === 'name'
          ? `${text} (${run.id})`
          : text;
  return (
    <td className={className} title={title}>
      {text}
    </td>
  );
}
