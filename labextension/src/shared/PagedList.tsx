import * as React from 'react';

import { ErrorNotice } from './ErrorNotice';
import { isOpenKey, rovingIndex, tabStopIndex } from './listKeys';
import { Pager } from './Pager';
import { versionLabel, VersionSpelling } from './refs';

/**
 * What a paged panel reads of its list model: the runs model and every
 * {@link PagedListModel} have it.
 */
export interface IPagedListState {
  /** The current page, null before the first answer. */
  readonly page: { readonly offset: number; readonly total: number } | null;
  /** The query; only its page size is read. */
  readonly query: { readonly limit: number };
  /** Whether a request is in flight. */
  readonly loading: boolean;
  /** Message of the last failed request, if the last one failed. */
  readonly error: string | null;
  /** Go to the next (+1) or previous (-1) page. */
  turnPage(direction: 1 | -1): void;
}

/**
 * Props of {@link PagedPanel}.
 */
export interface IPagedPanelProps {
  /** The sidebar tab: the panel is `#jp-mm-panel-<tab>`, labelled by `#jp-mm-tab-<tab>`. */
  tab: string;
  /** A class of this panel, next to `jp-mm-Runs`. */
  className?: string;
  /** The list model. */
  list: IPagedListState;
  /** Items on the current page. */
  count: number;
  /** What the list holds, in "Cannot load …" and "Loading …" (`artifacts`). */
  what: string;
  /** What the pager counts, plural; `what` by default. */
  noun?: string;
  /** Filters and pickers above the list. */
  controls?: React.ReactNode;
  /** Shown between the error and the list (the compare bar). */
  banner?: React.ReactNode;
  /** What an empty page says. */
  empty: React.ReactNode;
  /** The list (or table) of the current page. */
  children: React.ReactNode;
}

/**
 * A tab panel of the sidebar around one paged list: filters, the last error,
 * the list (dimmed while loading), what an empty page or the first load says,
 * and the pager.
 */
export function PagedPanel(props: IPagedPanelProps): JSX.Element {
  const { list, tab, what } = props;
  const { page } = list;
  return (
    <div
      className={'jp-mm-Runs' + (props.className ? ` ${props.className}` : '')}
      role="tabpanel"
      id={`jp-mm-panel-${tab}`}
      aria-labelledby={`jp-mm-tab-${tab}`}
    >
      {props.controls}
      {list.error && (
        <ErrorNotice text={`Cannot load ${what}: ${list.error}`} />
      )}
      {props.banner}
      <div
        className={
          'jp-mm-RunsScroll' + (list.loading ? ' jp-mm-mod-loading' : '')
        }
      >
        {props.children}
        {page && props.count === 0 && (
          <div className="jp-mm-Empty">{props.empty}</div>
        )}
        {!page && !list.error && (
          <div className="jp-mm-Empty">{`Loading ${what}…`}</div>
        )}
      </div>
      {page && (
        <Pager
          offset={page.offset}
          count={props.count}
          limit={list.query.limit}
          total={page.total}
          noun={props.noun ?? what}
          onTurn={direction => list.turnPage(direction)}
        />
      )}
    </div>
  );
}

/**
 * Props of every item list of the sidebar.
 */
export interface IListProps<T> {
  /** Items of the current page. */
  items: ReadonlyArray<T>;
  /** Key of the item to highlight (its view was opened last), if any. */
  activeKey?: string | null;
  /** Called when an item is clicked or Enter (or Space) is pressed on it. */
  onOpen: (item: T) => void;
  /** "Now", for relative times. */
  now?: Date;
}

/**
 * One row of an {@link ItemList}.
 */
export interface IItemRow {
  /** React key, compared with {@link IListProps.activeKey}. */
  key: string;
  /** Classes of this kind of row, next to `jp-mm-ArtifactsList-row`. */
  className?: string;
  /** `data-*` attributes that name the item, for tests and styles. */
  data: Record<`data-${string}`, string | number>;
  /** Tooltip. */
  title: string;
  /** The row's lines. */
  content: React.ReactNode;
}

/**
 * Props of {@link ItemList}.
 */
export interface IItemListProps<T> extends IListProps<T> {
  /** Accessible name of the list. */
  label: string;
  /** A class of this list, next to `jp-mm-ArtifactsList`. */
  className?: string;
  /** How one item is shown, at time `now`. */
  row: (item: T, now: Date) => IItemRow;
}

/**
 * A list of items that open on click, Enter or Space: one `<li>` each, its lines
 * drawn by `row`. One row is in the tab order (a roving tab index): the arrow
 * keys, Home and End move the focus between rows (`listKeys.ts`).
 */
export function ItemList<T>(props: IItemListProps<T>): JSX.Element {
  const now = props.now ?? new Date();
  const rows = props.items.map(item => props.row(item, now));
  const [focused, setFocused] = React.useState<number | null>(null);
  const elements = React.useRef<(HTMLLIElement | null)[]>([]);
  const active = rows.findIndex(row => row.key === props.activeKey);
  const stop = tabStopIndex(focused, active, rows.length);
  return (
    <ul
      className={
        'jp-mm-ArtifactsList' + (props.className ? ` ${props.className}` : '')
      }
      aria-label={props.label}
    >
      {rows.map((row, index) => {
        const open = () => props.onOpen(props.items[index]);
        return (
          <li
            key={row.key}
            ref={element => {
              elements.current[index] = element;
            }}
            className={
              'jp-mm-ArtifactsList-row' +
              (row.className ? ` ${row.className}` : '') +
              (row.key === props.activeKey ? ' jp-mm-mod-active' : '')
            }
            {...row.data}
            tabIndex={index === stop ? 0 : -1}
            title={row.title}
            aria-current={row.key === props.activeKey ? 'true' : undefined}
            onClick={open}
            onFocus={() => setFocused(index)}
            onKeyDown={e => {
              if (e.target !== e.currentTarget) {
                return; // a control inside the row has the key
              }
              if (isOpenKey(e.key)) {
                e.preventDefault();
                open();
                return;
              }
              const next = rovingIndex(e.key, index, rows.length);
              if (next !== null) {
                e.preventDefault();
                setFocused(next);
                elements.current[next]?.focus();
              }
            }}
          >
            {row.content}
          </li>
        );
      })}
    </ul>
  );
}

/**
 * The first line of a list row: the item's name, its (latest) version as
 * `v3`, and whatever else belongs on that line.
 */
export function RowName(props: {
  name: string;
  /** The version shown, if any. */
  version?: number | null;
  /** Tooltip of the version. */
  versionTitle?: string;
  /** `v3` (artifacts, the default) or `:3` (models). */
  spelling?: VersionSpelling;
  children?: React.ReactNode;
}): JSX.Element {
  return (
    <div className="jp-mm-ArtifactsList-line">
      <span className="jp-mm-ArtifactsList-name">{props.name}</span>
      {props.version !== undefined && props.version !== null && (
        <span
          className="jp-mm-ArtifactsList-version"
          title={props.versionTitle}
        >
          {versionLabel(props.version, props.spelling ?? 'artifact')}
        </span>
      )}
      {props.children}
    </div>
  );
}

/** How many versions an item has (`1 version`, `3 versions`). */
export function VersionCount(props: { count: number }): JSX.Element {
  return (
    <span className="jp-mm-ArtifactsList-count">
      {props.count === 1 ? '1 version' : `${props.count} versions`}
    </span>
  );
}

/**
 * A list component of the sidebar: an {@link ItemList} with its label, class and
 * rows, which a panel renders with its items.
 */
export function itemList<T>(
  options: Pick<IItemListProps<T>, 'label' | 'className' | 'row'>
): (props: IListProps<T>) => JSX.Element {
  function List(props: IListProps<T>): JSX.Element {
    return <ItemList {...props} {...options} />;
  }
  return List;
}

/** An item listed with its newest version: an artifact or a registered model. */
export interface IVersionedItem {
  /** Its name. */
  name: string;
  /** Free-text description. */
  description: string;
  /** The newest version, if any. */
  latest: { version: number; ref: string } | null;
}

/** The tooltip of a versioned item's row: `Open <what> <name>`, then its description. */
export function openTitle(what: string, item: IVersionedItem): string {
  return (
    `Open ${what} ${item.name}` +
    (item.description ? `\n${item.description}` : '')
  );
}

/**
 * The first line of a versioned item's row: its name, its newest version, and
 * whatever else belongs on that line.
 */
export function LatestName(props: {
  item: IVersionedItem;
  /** `v3` (artifacts, the default) or `:3` (models). */
  spelling?: VersionSpelling;
  children?: React.ReactNode;
}): JSX.Element {
  const { item } = props;
  return (
    <RowName
      name={item.name}
      version={item.latest?.version}
      versionTitle={item.latest ? `Latest version: ${item.latest.ref}` : ''}
      spelling={props.spelling}
    >
      {props.children}
    </RowName>
  );
}
