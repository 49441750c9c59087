/**
 * Pure rules of rule thresholds on a monitored series: whether a value breaches
 * one, and the distinct thresholds of several series. No DOM.
 */
import { Mon } from './types';

/**
 * Whether `value` breaches a rule: `value op threshold` holds. Non-finite
 * values compare as JavaScript numbers do (NaN never breaches).
 */
export function breaches(
  value: number,
  op: Mon.Op,
  threshold: number
): boolean {
  switch (op) {
    case '>':
      return value > threshold;
    case '>=':
      return value >= threshold;
    case '<':
      return value < threshold;
    case '<=':
      return value <= threshold;
    case '==':
      return value === threshold;
    case '!=':
      return !Number.isNaN(value) && value !== threshold;
  }
}

/** The thresholds a value breaches. */
export function breached(
  value: number,
  thresholds: ReadonlyArray<Mon.IThreshold>
): Mon.IThreshold[] {
  return thresholds.filter(t => breaches(value, t.op, t.threshold));
}

/**
 * Distinct thresholds (by comparison and value) of several series, in the order
 * first seen; the most severe severity wins.
 */
export function uniqueThresholds(
  lists: ReadonlyArray<ReadonlyArray<Mon.IThreshold>>
): Mon.IThreshold[] {
  const rank = (s: string) => Mon.SEVERITIES.indexOf(s);
  const out = new Map<string, Mon.IThreshold>();
  for (const list of lists) {
    for (const t of list) {
      const key = `${t.op}${t.threshold}`;
      const seen = out.get(key);
      if (!seen || rank(t.severity) > rank(seen.severity)) {
        out.set(key, seen ? { ...seen, severity: t.severity } : t);
      }
    }
  }
  return [...out.values()];
}
