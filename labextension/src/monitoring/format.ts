/**
 * Pure text and ordering rules of the monitoring views: badge text, rule
 * conditions, alert order, which series a chart draws. Every function returns
 * plain text or plain data; React renders the text as text.
 */
import { formatDuration, formatNumber } from '../shared/format';
import { finiteExtent } from '../shared/chartMath';
import { Mon } from './types';

/** `1 alert firing`, `2 alerts firing`, `No alerts firing`. */
export function alertsLabel(firing: number): string {
  if (firing <= 0) {
    return 'No alerts firing';
  }
  return `${firing} alert${firing === 1 ? '' : 's'} firing`;
}

/** The number in a badge: the count, or `99+`. */
export function badgeCount(firing: number): string {
  return firing > 99 ? '99+' : String(Math.max(0, firing));
}

/** Caption of the sidebar's tab in the left area. */
export function sidebarCaption(firing: number): string {
  return firing > 0
    ? `Model management: ${alertsLabel(firing)}`
    : 'Model management';
}

/** A Lumino `Title`, as far as the alert indicator touches it. */
export interface IAlertTitle {
  /** Space-separated classes of the tab. */
  className: string;
  /** Tooltip of the tab. */
  caption: string;
  /** `data-*` attributes of the tab. */
  dataset: { readonly [key: string]: string };
}

/** Class of the left-area tab while alerts fire. */
export const ALERTING_CLASS = 'jp-mm-mod-alerting';

/**
 * Show (or clear) the firing count on the sidebar's tab in the left area: a class
 * for the red mark, the caption, and `data-mm-alerts` with the count (drawn by
 * CSS `attr()`, so it is text).
 */
export function applyAlertIndicator(title: IAlertTitle, firing: number): void {
  const classes = title.className
    .split(/\s+/)
    .filter(c => c && c !== ALERTING_CLASS);
  if (firing > 0) {
    classes.push(ALERTING_CLASS);
  }
  const className = classes.join(' ');
  if (title.className !== className) {
    title.className = className;
  }
  const caption = sidebarCaption(firing);
  if (title.caption !== caption) {
    title.caption = caption;
  }
  const count = firing > 0 ? badgeCount(firing) : undefined;
  if (title.dataset['mm-alerts'] !== count) {
    const dataset: Record<string, string> = { ...title.dataset };
    if (count === undefined) {
      delete dataset['mm-alerts'];
    } else {
      dataset['mm-alerts'] = count;
    }
    title.dataset = dataset;
  }
}

/** ISO-8601 text of an epoch time, for the relative-time formatters. */
export function isoOf(ts: number | null | undefined): string | null {
  if (ts === null || ts === undefined || !Number.isFinite(ts)) {
    return null;
  }
  return new Date(ts * 1000).toISOString();
}

/** `> 0.2`: a rule's comparison. */
export function conditionText(
  op: Mon.Op | null,
  threshold: number | null
): string {
  if (op === null || threshold === null) {
    return '';
  }
  return `${op} ${formatNumber(threshold)}`;
}

/** `every point`, `3× in 10 min`, `3× (any time)`. */
export function windowText(count: number, windowS: number | null): string {
  if (windowS === null) {
    return count <= 1 ? 'every point' : `${count}× (any time)`;
  }
  return `${count}× in ${formatDuration(windowS)}`;
}

/** Firing alerts first, then newest fired first. */
export function sortAlerts(alerts: ReadonlyArray<Mon.IAlert>): Mon.IAlert[] {
  return [...alerts].sort((a, b) => {
    if (a.state !== b.state) {
      return a.state === 'firing' ? -1 : 1;
    }
    return b.fired_ts - a.fired_ts || b.id - a.id;
  });
}

/** The part of a series key a legend shows: the feature of `drift.psi.age`. */
export function seriesLabel(key: string, prefix: string): string {
  return prefix && key.startsWith(prefix) && key.length > prefix.length
    ? key.slice(prefix.length)
    : key;
}

/** What a chart draws: some series, and how many were left out. */
export interface IPicked {
  /** The series to draw. */
  series: Mon.ISeries[];
  /** Series left out. */
  hidden: number;
}

function latestFinite(s: Mon.ISeries): number {
  for (let i = s.points.length - 1; i >= 0; i--) {
    if (Number.isFinite(s.points[i].value)) {
      return s.points[i].value;
    }
  }
  return -Infinity;
}

/**
 * The series a chart draws when there are many (one line per feature): those
 * with a firing alert first, then the largest latest values; at most `max`.
 * The order of the result is by key, so colours stay put between reloads.
 */
export function pickSeries(
  series: ReadonlyArray<Mon.ISeries>,
  firingKeys: ReadonlySet<string>,
  max = 8
): IPicked {
  const withData = series.filter(s => finiteExtent(s.points.map(p => p.value)));
  const ranked = [...withData].sort(
    (a, b) =>
      Number(firingKeys.has(b.key)) - Number(firingKeys.has(a.key)) ||
      latestFinite(b) - latestFinite(a) ||
      a.key.localeCompare(b.key)
  );
  const kept = ranked.slice(0, max);
  return {
    series: kept.sort((a, b) => a.key.localeCompare(b.key)),
    hidden: withData.length - kept.length
  };
}

/** Drift statistics a chart can show. */
export type DriftStat = 'psi' | 'ks' | 'js';

/** The drift statistics, with their names. */
export const DRIFT_STATS: ReadonlyArray<[DriftStat, string]> = [
  ['psi', 'PSI'],
  ['ks', 'Kolmogorov–Smirnov'],
  ['js', 'Jensen–Shannon']
];

/** The chart groups of the detail view. */
export type ChartGroup = 'volume' | 'drift' | 'performance' | 'latency';

/** The series glob a chart group reads. */
export function chartPattern(group: ChartGroup, stat: DriftStat): string {
  switch (group) {
    case 'volume':
      return 'volume.*';
    case 'drift':
      return `drift.${stat}.*`;
    case 'performance':
      return 'performance.*';
    case 'latency':
      return 'latency.*';
  }
}

/** The alerts of one rule, for the grouped alert list of the monitor detail. */
export interface IAlertGroup {
  /** The rule's id. */
  ruleId: number;
  /** The rule, when the detail lists it. */
  rule: Mon.IRule | null;
  /** The severity (the rule's, else its newest alert's). */
  severity: string;
  /** What the rule watches: `drift.psi.* > 0.2, 3× in 10 min`. */
  text: string;
  /** Its alerts, firing first, then newest first. */
  alerts: Mon.IAlert[];
  /** How many of them fire. */
  firing: number;
  /** How many fire that nobody has acknowledged. */
  unacknowledged: number;
  /** The newest alert (latest value and time). */
  latest: Mon.IAlert;
}

/** The text of a rule: its pattern, condition and window. */
export function ruleText(rule: Mon.IRule): string {
  const condition = conditionText(rule.op, rule.threshold);
  const window =
    rule.count > 1 || rule.window_s !== null
      ? `, ${windowText(rule.count, rule.window_s)}`
      : '';
  return `${rule.pattern}${condition ? ` ${condition}` : ''}${window}`;
}

/**
 * Group alerts by rule: one group per rule, those with unacknowledged firing
 * alerts first, then those firing, then by their newest alert.
 */
export function groupAlerts(
  alerts: ReadonlyArray<Mon.IAlert>,
  rules: ReadonlyArray<Mon.IRule> = []
): IAlertGroup[] {
  const byRule = new Map<number, Mon.IAlert[]>();
  for (const alert of sortAlerts(alerts)) {
    const list = byRule.get(alert.rule_id) ?? [];
    list.push(alert);
    byRule.set(alert.rule_id, list);
  }
  const groups: IAlertGroup[] = [];
  for (const [ruleId, list] of byRule) {
    const rule = rules.find(r => r.id === ruleId) ?? null;
    const latest = [...list].sort(
      (a, b) => (b.last_ts ?? b.fired_ts) - (a.last_ts ?? a.fired_ts)
    )[0];
    const firing = list.filter(a => a.state === 'firing');
    groups.push({
      ruleId,
      rule,
      severity: rule?.severity ?? latest.severity,
      text: rule
        ? ruleText(rule)
        : latest.op !== null
          ? `${latest.series} ${conditionText(latest.op, latest.threshold)}`
          : latest.series,
      alerts: list,
      firing: firing.length,
      unacknowledged: firing.filter(a => a.acknowledged_at === null).length,
      latest
    });
  }
  const time = (g: IAlertGroup) => g.latest.last_ts ?? g.latest.fired_ts;
  return groups.sort(
    (a, b) =>
      Number(b.unacknowledged > 0) - Number(a.unacknowledged > 0) ||
      Number(b.firing > 0) - Number(a.firing > 0) ||
      time(b) - time(a) ||
      a.ruleId - b.ruleId
  );
}
