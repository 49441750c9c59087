/**
 * Payloads several test files build (not a test file itself: `node --test` runs
 * only `*.test.js`).
 */
import * as MM from '../mm';
import { Mon } from '../monitoring/types';

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
    parent_run_id: null,
    n_children: 0,
    starred: false,
    archived_at: null,
    note: '',
    cell_id: null,
    deleted_at: null,
    reproducibility: null,
    ...extra
  };
}

/** A model version of iris-clf, with `extra` fields replaced. */
export function version(
  n: number,
  extra: Partial<MM.IModelVersion> = {}
): MM.IModelVersion {
  return {
    name: 'iris-clf',
    version: n,
    ref: `iris-clf:${n}`,
    stage: 'none',
    aliases: [],
    description: '',
    created_at: null,
    created_by: null,
    flavor: 'sklearn',
    artifact: null,
    run: null,
    metrics: {},
    config: {},
    signature: null,
    requirements: { python: '', packages: {} },
    inputs: [],
    has_reference_profile: false,
    reproducibility: null,
    ...extra
  };
}

/** A model transition, with `extra` fields replaced. */
export function transition(
  extra: Partial<MM.IModelTransition>
): MM.IModelTransition {
  return {
    version: 1,
    kind: 'stage',
    alias: null,
    from: null,
    to: null,
    user: 'root',
    comment: '',
    at: null,
    forced: false,
    overridden: [],
    ...extra
  };
}

/** A resolved alert, with `extra` fields replaced. */
export function alert(id: number, extra: Partial<Mon.IAlert> = {}): Mon.IAlert {
  return {
    id,
    rule_id: 1,
    model: 'm',
    version: 1,
    series: 'drift.psi.age',
    state: 'resolved',
    severity: 'warning',
    message: 'drift.psi.age = 0.41 > 0.2',
    value: 0.41,
    threshold: 0.2,
    op: '>',
    fired_values: [],
    occurrences: 1,
    fired_ts: 1000 + id,
    last_ts: null,
    resolved_ts: null,
    actions: [],
    acknowledged_at: null,
    acknowledged_by: null,
    ...extra
  };
}

/** A monitoring series of `values`, a minute apart. */
export function series(key: string, values: number[]): Mon.ISeries {
  return {
    key,
    points: values.map((value, i) => ({ ts: 1000 + 60 * i, value })),
    truncated: false,
    thresholds: []
  };
}

/** Payloads as docs/monitoring.md shows them. */
export const SUMMARY = {
  model: 'churn-clf',
  version: 2,
  ref: 'churn-clf:2',
  stage: 'production',
  aliases: ['champion'],
  batches: 14,
  rows: 12000,
  labelled: 3000,
  first_ts: 1764212000.0,
  last_ts: 1764213000.5,
  firing: 1,
  has_reference_profile: true
};

export const RULE = {
  id: 3,
  kind: 'series',
  model: 'churn-clf',
  version: null,
  pattern: 'drift.psi.*',
  op: '>',
  threshold: 0.2,
  count: 1,
  window_s: null,
  severity: 'warning',
  name: null,
  action: { kind: 'webhook', display: 'https://hooks.example.com/x' },
  enabled: true,
  created_at: '2026-11-26T15:37:05Z',
  created_by: 'ana'
};

export const ALERT = {
  id: 7,
  rule_id: 3,
  model: 'churn-clf',
  version: 2,
  series: 'drift.psi.age',
  state: 'firing',
  severity: 'warning',
  message: 'drift.psi.age = 0.41 > 0.2',
  value: 0.41,
  threshold: 0.2,
  op: '>',
  fired_values: [{ ts: 1764213000.5, value: 0.41, batch_id: 'b1f0' }],
  occurrences: 3,
  fired_ts: 1764212990.1,
  last_ts: 1764213000.5,
  resolved_ts: null,
  acknowledged_at: 1764213100.25,
  acknowledged_by: 'ana',
  actions: [
    {
      kind: 'notebook',
      status: 'ok',
      detail: 'ran retrain.ipynb in 8.2 s',
      output: '/abs/.mm/triggers/retrain-alert-7.ipynb',
      run_id: '3f9a1c2b7d4e',
      created_ts: 1764212990.2,
      finished_ts: 1764212998.4
    }
  ]
};

/** A check report as the REST contract shows it. */
export const CHECK = {
  ref: 'churn-clf:4',
  model: 'churn-clf',
  version: 4,
  stage: 'production',
  current_stage: 'staging',
  passed: false,
  policy: {
    stage: 'production',
    source: 'model',
    require: ['test.accuracy >= 0.9', 'reproducibility == "clean"'],
    overriders: ['lead'],
    updated_at: null,
    updated_by: null
  },
  rules: [
    {
      rule: 'test.accuracy >= 0.9',
      status: 'fail',
      passed: false,
      actual: 0.87,
      message: 'test.accuracy is 0.87; needs >= 0.9'
    },
    {
      rule: 'reproducibility == "clean"',
      status: 'pass',
      passed: true,
      actual: 'clean',
      message: ''
    },
    {
      rule: 'evaluation exists',
      status: 'n/a',
      passed: true,
      actual: null,
      message: 'no evaluation asked for'
    }
  ],
  failed: ['test.accuracy >= 0.9'],
  can_override: false,
  user: 'alice'
};
