/**
 * Payloads several test files build (not a test file itself: `node --test` runs
 * only `*.test.js`).
 */
import * as MM from '../mm';

/** A finished run summary named like its id, with `extra` fields replaced. */
export function runSummary(
  id: string,
  extra: Partial<MM.IRunSummary> = {}
): MM.IRunSummary {
  return {
    id,
    name: id,
    experiment: 'e',
    status: 'finished',
    started_at: null,
    finished_at: null,
    duration_s: 1,
    user: null,
    host: null,
    notebook_path: null,
    tags: {},
    params: {},
    metrics: {},
    n_outputs: 0,
    n_figures: 0,
    ...extra
  };
}
