/**
 * Pure rules of the re-run report's view: its verdict line and how its rows
 * read.
 */
import { formatDuration, formatNumber } from '../shared/format';
import * as MM from './types';

/** The report's headline. */
export interface IRerunVerdict {
  /** Reproduced (finished, every metric within tolerance). */
  reproduced: boolean;
  /** `Reproduced ✓` or `Not reproduced`. */
  title: string;
  /** Why, and how long it took. */
  detail: string;
}

/** What each end of a re-run that did not finish means. */
const ENDINGS: Record<string, string> = {
  failed: 'a cell raised an error',
  timeout: 'a cell ran longer than the timeout',
  error: 'the re-run could not be set up'
};

/**
 * The headline of a report: reproduced or not, and why not (an unfinished run,
 * or how many metrics moved beyond the tolerance).
 */
export function rerunVerdict(report: MM.IRerunReport): IRerunVerdict {
  const took = `in ${formatDuration(report.duration_s)}`;
  const tolerance = `rtol ${formatNumber(report.rtol)}`;
  if (report.reproduced) {
    const n = report.metrics.length;
    return {
      reproduced: true,
      title: 'Reproduced ✓',
      detail:
        `${n} metric${n === 1 ? '' : 's'} equal within ${tolerance}, ` +
        `re-run in a fresh kernel ${took}`
    };
  }
  if (report.status !== 'finished') {
    return {
      reproduced: false,
      title: 'Not reproduced',
      detail: `The re-run ${report.status}: ${ENDINGS[report.status] ?? 'it did not finish'} (${took})`
    };
  }
  const off = report.metrics.filter(
    m => !m.within_tolerance && !m.timing
  ).length;
  return {
    reproduced: false,
    title: 'Not reproduced',
    detail:
      off > 0
        ? `${off} metric${off === 1 ? '' : 's'} differ beyond ${tolerance} (${took})`
        : `The metrics do not match (${took})`
  };
}

/** `1.2.0 → 1.3.1`, with `not installed` for a missing side. */
export function packageChange(p: MM.IPackageDifference): string {
  const side = (v: string | null) => v ?? 'not installed';
  return `${side(p.original)} → ${side(p.current)}`;
}

/** What an output difference is, in words. */
export function outputChange(o: MM.IOutputDifference): string {
  const at = o.seq === null ? '' : ` #${o.seq + 1}`;
  switch (o.kind) {
    case 'missing':
      return `Output${at} missing from the re-run`;
    case 'added':
      return `Output${at} only in the re-run`;
    default:
      return `Output${at} changed`;
  }
}
