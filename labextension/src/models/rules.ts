/**
 * Pure rules of the model views: stage and alias badges, the key metric, the metric
 * trend as a chart series (transitions are in `transitions.ts`). No React, no
 * JupyterLab: unit-tested on its own.
 */
import { formatNumber } from '../shared/format';
import * as MM from './types';

/** Stages shown as badges in lists, most important first. */
const BADGE_STAGES = ['production', 'staging'];

/** Metric names taken as "the" key metric when present, in this order. */
const KEY_METRICS = [
  'accuracy',
  'acc',
  'f1',
  'roc_auc',
  'auc',
  'r2',
  'rmse',
  'mae',
  'mse',
  'loss'
];

/** A stage badge of a model: `v3 production`. */
export interface IStageBadge {
  /** The stage. */
  stage: string;
  /** The version in it. */
  version: number;
}

/**
 * The stage badges of a model, production first, newest version first within a
 * stage; `none` and `archived` are left out.
 */
export function stageBadges(
  stages: Readonly<Record<string, number[]>>
): IStageBadge[] {
  const out: IStageBadge[] = [];
  for (const stage of BADGE_STAGES) {
    for (const version of [...(stages[stage] ?? [])].sort((a, b) => b - a)) {
      out.push({ stage, version });
    }
  }
  return out;
}

/**
 * Order metric keys: the usual key metrics first (accuracy, f1, auc, ...), then
 * the rest alphabetically.
 */
export function orderMetricKeys(keys: Iterable<string>): string[] {
  const rank = (k: string): number => {
    const i = KEY_METRICS.indexOf(k.toLowerCase());
    return i === -1 ? KEY_METRICS.length : i;
  };
  return [...new Set(keys)].sort(
    (a, b) => rank(a) - rank(b) || a.localeCompare(b)
  );
}

/** The key metric of a version, as `[key, value]`, or null without metrics. */
export function keyMetric(
  metrics: Readonly<Record<string, number>>
): [string, number] | null {
  const [key] = orderMetricKeys(Object.keys(metrics));
  return key === undefined ? null : [key, metrics[key]];
}

/**
 * The metric columns of a versions table: up to `max` keys found in any version,
 * key metrics first.
 */
export function metricColumns(
  versions: ReadonlyArray<MM.IModelVersion>,
  max = 3
): string[] {
  const keys = new Set<string>();
  for (const v of versions) {
    Object.keys(v.metrics).forEach(k => keys.add(k));
  }
  return orderMetricKeys(keys).slice(0, max);
}

/**
 * A metric's trend across versions as a chart series: the version is the step.
 */
export function trendSeries(
  points: ReadonlyArray<MM.ITrendPoint>
): MM.IMetricPoint[] {
  return [...points]
    .sort((a, b) => a.version - b.version)
    .map(p => ({ step: p.version, value: p.value, timestamp_ts: null }));
}

/** The metric keys of a trend, key metrics first. */
export function trendKeys(
  trend: Readonly<Record<string, MM.ITrendPoint[]>>
): string[] {
  return orderMetricKeys(Object.keys(trend));
}

/** A metric as `acc 0.9733`. */
export function metricText(key: string, value: number): string {
  return `${key} ${formatNumber(value)}`;
}
