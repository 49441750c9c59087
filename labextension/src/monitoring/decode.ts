/**
 * Decoders of the monitoring REST payloads (`docs/monitoring.md`) from untyped
 * JSON to the types in `types.ts`.
 *
 * Stricter than the other features' decoders: a missing optional field gets its
 * default, but a field of the wrong type is a {@link DecodeError} naming the
 * field, so a malformed payload becomes a clear message instead of a crash, and
 * strings stay strings (text).
 */
import {
  DecodeError,
  isObject,
  num,
  obj,
  str,
  toNumber
} from '../shared/decode';
import { Mon } from './types';

function arr(v: unknown, what: string): unknown[] {
  if (!Array.isArray(v)) {
    throw new DecodeError(`${what}: expected a list`);
  }
  return v;
}

/** A list that may be absent (then empty), but not of another type. */
function optArr(v: unknown, what: string): unknown[] {
  return v === undefined || v === null ? [] : arr(v, what);
}

function optStr(v: unknown, what: string): string | null {
  return v === undefined || v === null ? null : str(v, what);
}

function optNum(v: unknown, what: string): number | null {
  return v === undefined || v === null ? null : num(v, what);
}

function int(v: unknown, what: string): number {
  const n = num(v, what);
  if (!Number.isInteger(n)) {
    throw new DecodeError(`${what}: expected an integer`);
  }
  return n;
}

function optBool(v: unknown, what: string, fallback: boolean): boolean {
  if (v === undefined || v === null) {
    return fallback;
  }
  if (typeof v !== 'boolean') {
    throw new DecodeError(`${what}: expected true or false`);
  }
  return v;
}

function strList(v: unknown, what: string): string[] {
  return optArr(v, what).map((x, i) => str(x, `${what}[${i}]`));
}

const OPS = new Set<string>(Mon.OPS);

function op(v: unknown, what: string): Mon.Op {
  const s = str(v, what);
  if (!OPS.has(s)) {
    throw new DecodeError(`${what}: unknown comparison ${JSON.stringify(s)}`);
  }
  return s as Mon.Op;
}

function optOp(v: unknown, what: string): Mon.Op | null {
  return v === undefined || v === null ? null : op(v, what);
}

/** Decode a `MonitorSummary`. */
export function decodeMonitorSummary(
  v: unknown,
  what = 'monitor'
): Mon.IMonitorSummary {
  const o = obj(v, what);
  const model = str(o.model, `${what}.model`);
  const version = int(o.version, `${what}.version`);
  return {
    model,
    version,
    ref: optStr(o.ref, `${what}.ref`) ?? `${model}:${version}`,
    stage: optStr(o.stage, `${what}.stage`) ?? 'none',
    aliases: strList(o.aliases, `${what}.aliases`),
    batches: optNum(o.batches, `${what}.batches`) ?? 0,
    rows: optNum(o.rows, `${what}.rows`) ?? 0,
    labelled: optNum(o.labelled, `${what}.labelled`) ?? 0,
    first_ts: optNum(o.first_ts, `${what}.first_ts`),
    last_ts: optNum(o.last_ts, `${what}.last_ts`),
    firing: optNum(o.firing, `${what}.firing`) ?? 0,
    has_reference_profile: optBool(
      o.has_reference_profile,
      `${what}.has_reference_profile`,
      false
    )
  };
}

/** Decode `GET monitoring`. */
export function decodeMonitorList(v: unknown): Mon.IMonitorList {
  const o = obj(v, 'monitoring');
  const monitors = arr(o.monitors, 'monitoring.monitors').map((m, i) =>
    decodeMonitorSummary(m, `monitoring.monitors[${i}]`)
  );
  return {
    total: num(o.total, 'monitoring.total'),
    offset: optNum(o.offset, 'monitoring.offset') ?? 0,
    limit: optNum(o.limit, 'monitoring.limit') ?? monitors.length,
    firing: num(o.firing, 'monitoring.firing'),
    cursor: optNum(o.cursor, 'monitoring.cursor') ?? 0,
    monitors
  };
}

/** Decode a `Rule`. */
export function decodeRule(v: unknown, what = 'rule'): Mon.IRule {
  const o = obj(v, what);
  let action: Mon.IRuleAction | null = null;
  if (o.action !== undefined && o.action !== null) {
    const a = obj(o.action, `${what}.action`);
    action = {
      kind: str(a.kind, `${what}.action.kind`),
      display: optStr(a.display, `${what}.action.display`) ?? ''
    };
  }
  return {
    id: int(o.id, `${what}.id`),
    kind: optStr(o.kind, `${what}.kind`) ?? 'series',
    model: optStr(o.model, `${what}.model`),
    version: optNum(o.version, `${what}.version`),
    pattern: str(o.pattern, `${what}.pattern`),
    op: optOp(o.op, `${what}.op`),
    threshold: optNum(o.threshold, `${what}.threshold`),
    count: optNum(o.count, `${what}.count`) ?? 1,
    window_s: optNum(o.window_s, `${what}.window_s`),
    severity: optStr(o.severity, `${what}.severity`) ?? 'warning',
    name: optStr(o.name, `${what}.name`),
    action,
    enabled: optBool(o.enabled, `${what}.enabled`, true),
    created_at: optStr(o.created_at, `${what}.created_at`),
    created_by: optStr(o.created_by, `${what}.created_by`)
  };
}

function decodeAlertAction(v: unknown, what: string): Mon.IAlertAction {
  const o = obj(v, what);
  return {
    kind: str(o.kind, `${what}.kind`),
    status: str(o.status, `${what}.status`),
    detail: optStr(o.detail, `${what}.detail`),
    output: optStr(o.output, `${what}.output`),
    run_id: optStr(o.run_id, `${what}.run_id`),
    created_ts: optNum(o.created_ts, `${what}.created_ts`),
    finished_ts: optNum(o.finished_ts, `${what}.finished_ts`)
  };
}

function decodeFiredValue(v: unknown, what: string): Mon.IFiredValue {
  const o = obj(v, what);
  return {
    ts: num(o.ts, `${what}.ts`),
    value: num(o.value, `${what}.value`),
    batch_id: optStr(o.batch_id, `${what}.batch_id`)
  };
}

/** Decode an `Alert`. */
export function decodeAlert(v: unknown, what = 'alert'): Mon.IAlert {
  const o = obj(v, what);
  const state = str(o.state, `${what}.state`);
  if (state !== 'firing' && state !== 'resolved') {
    throw new DecodeError(
      `${what}.state: expected "firing" or "resolved", got ${JSON.stringify(state)}`
    );
  }
  return {
    id: int(o.id, `${what}.id`),
    rule_id: int(o.rule_id, `${what}.rule_id`),
    model: str(o.model, `${what}.model`),
    version: int(o.version, `${what}.version`),
    series: str(o.series, `${what}.series`),
    state,
    severity: optStr(o.severity, `${what}.severity`) ?? 'warning',
    message: optStr(o.message, `${what}.message`) ?? '',
    value: optNum(o.value, `${what}.value`),
    threshold: optNum(o.threshold, `${what}.threshold`),
    op: optOp(o.op, `${what}.op`),
    fired_values: optArr(o.fired_values, `${what}.fired_values`).map((x, i) =>
      decodeFiredValue(x, `${what}.fired_values[${i}]`)
    ),
    occurrences: optNum(o.occurrences, `${what}.occurrences`) ?? 1,
    fired_ts: num(o.fired_ts, `${what}.fired_ts`),
    last_ts: optNum(o.last_ts, `${what}.last_ts`),
    resolved_ts: optNum(o.resolved_ts, `${what}.resolved_ts`),
    actions: optArr(o.actions, `${what}.actions`).map((x, i) =>
      decodeAlertAction(x, `${what}.actions[${i}]`)
    ),
    acknowledged_at: optNum(o.acknowledged_at, `${what}.acknowledged_at`),
    acknowledged_by: optStr(o.acknowledged_by, `${what}.acknowledged_by`)
  };
}

/** Decode the reply of `POST alerts/{id}/acknowledge` (and `unacknowledge`). */
export function decodeAcknowledgement(v: unknown): Mon.IAcknowledgement {
  const o = obj(v, 'acknowledgement');
  return {
    alert: decodeAlert(o.alert, 'acknowledgement.alert'),
    firing: num(o.firing, 'acknowledgement.firing')
  };
}

/**
 * The reasons of a report's `insufficient_data`, which may be one reason, a list
 * of reasons, or reasons by feature (each a reason or a list of them).
 */
export function insufficientReasons(v: unknown, what: string): string[] {
  if (v === undefined || v === null || v === false) {
    return [];
  }
  if (typeof v === 'string') {
    return [v];
  }
  if (Array.isArray(v)) {
    return v.flatMap((x, i) => insufficientReasons(x, `${what}[${i}]`));
  }
  if (isObject(v)) {
    return Object.entries(v).flatMap(([feature, reason]) =>
      insufficientReasons(reason, `${what}.${feature}`).map(
        text => `${feature}: ${text}`
      )
    );
  }
  if (v === true) {
    return ['not enough data'];
  }
  throw new DecodeError(`${what}: expected a reason (text)`);
}

/** Status of a report (or of one of its features) that has no value. */
const NO_VALUE = new Set(['insufficient_data', 'skipped']);

/**
 * The reason of an entry `{status, reason}` of a report whose status says it
 * has no value (`insufficient_data`, `skipped`), or null.
 */
function entryReason(v: unknown, what: string): string | null {
  if (!isObject(v) || v.status === undefined || v.status === null) {
    return null;
  }
  const status = str(v.status, `${what}.status`);
  if (!NO_VALUE.has(status)) {
    return null;
  }
  const reason = optStr(v.reason, `${what}.reason`);
  return reason ?? status.replace('_', ' ');
}

/**
 * Decode a `BatchReport` (the parts shown): `monitoring/drift.py`'s report
 * (`{rows, status, reason, features: {name: {status, reason, ...}},
 * missing_features, extra_features, prediction}`) plus `batch_id`, `ts`,
 * `source`, `n_labelled` and `performance`.
 */
export function decodeBatchReport(
  v: unknown,
  what = 'last_report'
): Mon.IBatchReport {
  const o = obj(v, what);
  const insufficient: string[] = [];
  const top = entryReason(o, what);
  if (top !== null) {
    insufficient.push(top);
  }
  insufficient.push(
    ...insufficientReasons(o.insufficient_data, `${what}.insufficient_data`)
  );
  if (o.features !== undefined && o.features !== null) {
    for (const [feature, entry] of Object.entries(
      obj(o.features, `${what}.features`)
    )) {
      const reason = entryReason(entry, `${what}.features.${feature}`);
      if (reason !== null) {
        insufficient.push(`${feature}: ${reason}`);
      }
    }
  }
  const prediction = entryReason(o.prediction, `${what}.prediction`);
  if (prediction !== null) {
    insufficient.push(`predictions: ${prediction}`);
  }
  const performance: Record<string, number> = {};
  if (o.performance !== undefined && o.performance !== null) {
    // performance.py's result: {task, n, status, reason, metrics: {accuracy, ...}}.
    const perf = obj(o.performance, `${what}.performance`);
    const perfReason = entryReason(perf, `${what}.performance`);
    if (perfReason !== null) {
      insufficient.push(`performance: ${perfReason}`);
    }
    const metrics =
      perf.metrics !== undefined && perf.metrics !== null
        ? obj(perf.metrics, `${what}.performance.metrics`)
        : perf;
    for (const [k, x] of Object.entries(metrics)) {
      const n = toNumber(x);
      if (n !== null) {
        performance[k] = n;
      }
    }
  }
  return {
    batch_id: optStr(o.batch_id, `${what}.batch_id`),
    ts: optNum(o.ts, `${what}.ts`),
    source: optStr(o.source, `${what}.source`),
    n_rows: optNum(o.rows ?? o.n_rows, `${what}.rows`),
    n_labelled: optNum(o.n_labelled, `${what}.n_labelled`),
    insufficient: [...new Set(insufficient)],
    missing_features: strList(o.missing_features, `${what}.missing_features`),
    extra_features: strList(o.extra_features, `${what}.extra_features`),
    performance
  };
}

/** Decode `GET monitoring/{model}`. */
export function decodeMonitorDetail(v: unknown): Mon.IMonitorDetail {
  const o = obj(v, 'monitor detail');
  const latest: Record<string, Mon.ILatest> = {};
  if (o.latest !== undefined && o.latest !== null) {
    for (const [key, x] of Object.entries(obj(o.latest, 'latest'))) {
      const p = obj(x, `latest.${key}`);
      latest[key] = {
        value: num(p.value, `latest.${key}.value`),
        ts: num(p.ts, `latest.${key}.ts`)
      };
    }
  }
  return {
    monitor: decodeMonitorSummary(o.monitor),
    latest,
    features: strList(o.features, 'features'),
    series_keys: strList(o.series_keys, 'series_keys'),
    rules: optArr(o.rules, 'rules').map((x, i) => decodeRule(x, `rules[${i}]`)),
    alerts: optArr(o.alerts, 'alerts').map((x, i) =>
      decodeAlert(x, `alerts[${i}]`)
    ),
    last_report:
      o.last_report === undefined || o.last_report === null
        ? null
        : decodeBatchReport(o.last_report)
  };
}

function decodeThreshold(v: unknown, what: string): Mon.IThreshold {
  const o = obj(v, what);
  return {
    rule_id: int(o.rule_id, `${what}.rule_id`),
    op: op(o.op, `${what}.op`),
    threshold: num(o.threshold, `${what}.threshold`),
    severity: optStr(o.severity, `${what}.severity`) ?? 'warning'
  };
}

function decodeSeries(v: unknown, what: string): Mon.ISeries {
  const o = obj(v, what);
  return {
    key: str(o.key, `${what}.key`),
    points: arr(o.points, `${what}.points`).map((x, i) => {
      const p = obj(x, `${what}.points[${i}]`);
      return {
        ts: num(p.ts, `${what}.points[${i}].ts`),
        value: num(p.value, `${what}.points[${i}].value`)
      };
    }),
    truncated: optBool(o.truncated, `${what}.truncated`, false),
    thresholds: optArr(o.thresholds, `${what}.thresholds`).map((x, i) =>
      decodeThreshold(x, `${what}.thresholds[${i}]`)
    )
  };
}

/** Decode `GET monitoring/{model}/series`. */
export function decodeSeriesList(v: unknown): Mon.ISeriesList {
  const o = obj(v, 'series');
  return {
    ref: optStr(o.ref, 'series.ref') ?? '',
    series: arr(o.series, 'series.series').map((x, i) =>
      decodeSeries(x, `series[${i}]`)
    )
  };
}
