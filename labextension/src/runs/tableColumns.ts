/**
 * The column model of the main-area runs table: which columns exist (run
 * attributes, and one per param, metric and tag key), their defaults, how a
 * run's cell reads and which sort key a header sends.
 *
 * A column is named by an id: an attribute's name (`duration_s`), or
 * `param:KEY`, `metric:KEY`, `tag:KEY`. The ids are what the table's saved state
 * and `GET runs.csv?columns=` hold, and a param or metric id is also the `sort`
 * of `GET runs`.
 */
import {
  formatDuration,
  formatNumber,
  formatRelative,
  formatValue,
  runDuration
} from '../shared/format';
import { reproBadge } from '../shared/reproducibility';
import * as MM from './types';

/** What a column shows. */
export type ColumnKind = 'attr' | 'param' | 'metric' | 'tag';

/**
 * One column of the table.
 */
export interface IColumn {
  /** Its id (see the module comment). */
  id: string;
  /** What it shows. */
  kind: ColumnKind;
  /** The attribute, param, metric or tag key. */
  key: string;
  /** Header text. */
  label: string;
  /** Accessible name of the header (and its tooltip). */
  title: string;
  /** Right-aligned numbers. */
  numeric: boolean;
  /** The `sort` of `GET runs` for this column, or null if the server cannot sort by it. */
  sort: string | null;
  /** Default width in pixels. */
  width: number;
}

function attr(
  key: string,
  label: string,
  title: string,
  width: number,
  options: { numeric?: boolean; sortable?: boolean } = {}
): IColumn {
  return {
    id: key,
    kind: 'attr',
    key,
    label,
    title,
    numeric: options.numeric ?? false,
    sort: options.sortable === false ? null : key,
    width
  };
}

/**
 * The run attributes, in their default order. The server sorts by name,
 * experiment, status, start time and duration (not by star, user, notebook or
 * reproducibility; the filter has `reproducibility = 'warnings'`).
 */
export const ATTRIBUTE_COLUMNS: ReadonlyArray<IColumn> = [
  attr('starred', '★', 'Starred', 32, { sortable: false }),
  attr('status', '●', 'Status', 36),
  attr('name', 'Name', 'Run name', 200),
  attr('experiment', 'Experiment', 'Experiment', 140),
  attr('user', 'User', 'User', 100, { sortable: false }),
  attr('started_at', 'Started', 'Start time', 110),
  attr('duration_s', 'Duration', 'Duration', 90, { numeric: true }),
  attr('notebook', 'Notebook', 'Notebook', 180, { sortable: false }),
  attr('reproducibility', 'Repro', 'Reproducibility', 64, { sortable: false })
];

/** Attributes shown by default (the notebook path and the user are one click away). */
const DEFAULT_ATTRIBUTES = [
  'starred',
  'status',
  'name',
  'experiment',
  'started_at',
  'duration_s',
  'reproducibility'
];

/** How many metric and how many param columns a fresh table shows. */
export const DEFAULT_PER_KIND = 4;

const PREFIX: Record<Exclude<ColumnKind, 'attr'>, string> = {
  param: 'param:',
  metric: 'metric:',
  tag: 'tag:'
};

/** The id of a param, metric or tag column. */
export function columnId(
  kind: Exclude<ColumnKind, 'attr'>,
  key: string
): string {
  return PREFIX[kind] + key;
}

/**
 * The column of an id; null for an id that names nothing (an attribute this
 * version does not know, say from a newer saved state).
 */
export function columnOf(id: string): IColumn | null {
  for (const kind of ['param', 'metric', 'tag'] as const) {
    const prefix = PREFIX[kind];
    if (id.startsWith(prefix) && id.length > prefix.length) {
      const key = id.slice(prefix.length);
      return {
        id,
        kind,
        key,
        label: key,
        title: `${kind[0].toUpperCase()}${kind.slice(1)} ${key}`,
        numeric: kind === 'metric',
        // The server sorts by params and metrics, not by tags.
        sort: kind === 'tag' ? null : id,
        width: kind === 'tag' ? 120 : 100
      };
    }
  }
  return ATTRIBUTE_COLUMNS.find(c => c.id === id) ?? null;
}

/**
 * The metrics most runs have, most common first (then by name): the default
 * metric columns. Without counts (an older server), the first keys by name.
 */
export function topMetrics(keys: MM.IKeys, n: number): string[] {
  const counts = keys.metric_counts;
  return [...keys.metrics]
    .sort((a, b) => (counts[b] ?? 0) - (counts[a] ?? 0) || (a < b ? -1 : 1))
    .slice(0, n);
}

/**
 * The columns of a fresh table: the main attributes, the metrics most runs
 * have and the params that vary between runs (up to {@link DEFAULT_PER_KIND}
 * of each).
 */
export function defaultColumns(keys: MM.IKeys): string[] {
  return [
    ...DEFAULT_ATTRIBUTES,
    ...topMetrics(keys, DEFAULT_PER_KIND).map(k => columnId('metric', k)),
    ...keys.varying_params
      .slice(0, DEFAULT_PER_KIND)
      .map(k => columnId('param', k))
  ];
}

/**
 * Every column the chooser offers: the attributes, then one per param, metric
 * and tag key the registry knows.
 */
export function availableColumns(keys: MM.IKeys): IColumn[] {
  const of = (kind: Exclude<ColumnKind, 'attr'>, list: string[]) =>
    list.map(key => columnOf(columnId(kind, key)) as IColumn);
  return [
    ...ATTRIBUTE_COLUMNS,
    ...of('metric', keys.metrics),
    ...of('param', keys.params),
    ...of('tag', keys.tag_keys)
  ];
}

/**
 * Whether a column matches the chooser's search text (its label or its kind,
 * case-insensitive; every word must match).
 */
export function matchesColumn(column: IColumn, search: string): boolean {
  const hay = `${column.kind} ${column.label} ${column.title}`.toLowerCase();
  return search
    .toLowerCase()
    .split(/\s+/)
    .filter(Boolean)
    .every(word => hay.includes(word));
}

/**
 * The text of one cell, at time `now` (running durations and relative times).
 */
export function cellText(
  run: MM.IRunSummary,
  column: IColumn,
  now: Date
): string {
  switch (column.kind) {
    case 'metric':
      return formatNumber(run.metrics[column.key]);
    case 'param':
      return column.key in run.params
        ? formatValue(run.params[column.key])
        : '';
    case 'tag':
      return column.key in run.tags ? formatValue(run.tags[column.key]) : '';
    default:
      break;
  }
  switch (column.key) {
    case 'name':
      return run.name || run.id;
    case 'experiment':
      return run.experiment;
    case 'status':
      return run.status;
    case 'user':
      return run.user ?? '';
    case 'started_at':
      return formatRelative(run.started_at, now);
    case 'duration_s':
      return formatDuration(runDuration(run, now));
    case 'starred':
      return run.starred ? '★' : '';
    case 'notebook':
      return run.notebook_path
        ? (run.notebook_path.split(/[\\/]/).pop() ?? '')
        : '';
    case 'reproducibility':
      return reproBadge(run.reproducibility, true).text;
    default:
      return '';
  }
}

/** The attributes `GET runs.csv` exports (its own column names). */
const CSV_ATTRIBUTES = new Set([
  'name',
  'experiment',
  'status',
  'user',
  'started_at',
  'duration_s'
]);

/**
 * The `columns=` of `GET runs.csv` for the table's columns: the run id first,
 * then each column the export knows, spelled its way (`params.lr`,
 * `metrics.acc`, `tags.team`); the star and the notebook are left out.
 */
export function csvColumns(ids: ReadonlyArray<string>): string[] {
  const out = ['id'];
  for (const id of ids) {
    const column = columnOf(id);
    if (!column) {
      continue;
    }
    if (column.kind !== 'attr') {
      out.push(`${column.kind}s.${column.key}`);
    } else if (CSV_ATTRIBUTES.has(column.key)) {
      out.push(column.key);
    }
  }
  return [...new Set(out)];
}
