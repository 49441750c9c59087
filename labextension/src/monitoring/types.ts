/**
 * Types of the monitoring REST contract (`docs/monitoring.md`), as the frontend
 * sees them after decoding by `monitoringDecode.ts`.
 *
 * Times are epoch seconds (`ts`), as the server sends them. Non-finite floats
 * (`"NaN"`, `"Infinity"`) are decoded to JavaScript numbers.
 */

/**
 * Namespace of the monitoring data types.
 */
export namespace Mon {
  /** A rule's comparison. */
  export type Op = '>' | '>=' | '<' | '<=' | '==' | '!=';

  /** Every comparison a rule may use. */
  export const OPS: ReadonlyArray<Op> = ['>', '>=', '<', '<=', '==', '!='];

  /** Severities the styles know; others render as `other`. */
  export const SEVERITIES: ReadonlyArray<string> = [
    'info',
    'warning',
    'critical'
  ];

  /** The state of an alert. */
  export type AlertState = 'firing' | 'resolved';

  /**
   * One monitored model version (`MonitorSummary`).
   */
  export interface IMonitorSummary {
    /** Registered model name. */
    model: string;
    /** Version number. */
    version: number;
    /** `name:N`: the reference of the version. */
    ref: string;
    /** Stage of the version (`production`, `none`, ...). */
    stage: string;
    /** Aliases held by the version. */
    aliases: string[];
    /** Batches logged. */
    batches: number;
    /** Rows logged over all batches. */
    rows: number;
    /** Rows with labels. */
    labelled: number;
    /** Time of the first batch, or null. */
    first_ts: number | null;
    /** Time of the last batch, or null. */
    last_ts: number | null;
    /** Firing alerts of this version. */
    firing: number;
    /** Whether the version has a reference profile (needed for drift). */
    has_reference_profile: boolean;
  }

  /** Query of `GET monitoring`. */
  export interface IMonitorQuery {
    /** Unused by the server; kept for the shared paged-list model. */
    q: string;
    /** Page size. */
    limit: number;
    /** Index of the first item. */
    offset: number;
  }

  /**
   * Response of `GET monitoring`.
   */
  export interface IMonitorList {
    /** Monitored versions in total. */
    total: number;
    /** Index of the first monitor in this page. */
    offset: number;
    /** Page size. */
    limit: number;
    /** Firing alerts over every model (the sidebar badge). */
    firing: number;
    /** The change cursor when the page was read. */
    cursor: number;
    /** The page, newest activity first. */
    monitors: IMonitorSummary[];
  }

  /** What a rule does when it fires. */
  export interface IRuleAction {
    /** `callable`, `webhook`, `notebook`, ... */
    kind: string;
    /** Human-readable target (URL, notebook path, function name). */
    display: string;
  }

  /**
   * A rule (`Rule`): a series glob compared with a threshold, or an event rule.
   */
  export interface IRule {
    /** Rule id. */
    id: number;
    /** `series` or `event`. */
    kind: string;
    /** Model the rule belongs to, or null (event rules on every model). */
    model: string | null;
    /** Version, or null for every version of the model. */
    version: number | null;
    /** Glob over series keys, or an event kind. */
    pattern: string;
    /** Comparison, null for event rules. */
    op: Op | null;
    /** Threshold, null for event rules. */
    threshold: number | null;
    /** Breaching points needed within the window. */
    count: number;
    /** Window in seconds, or null (this one point). */
    window_s: number | null;
    /** `info`, `warning` or `critical`. */
    severity: string;
    /** Optional name. */
    name: string | null;
    /** The action, or null. */
    action: IRuleAction | null;
    /** Whether the rule is evaluated. */
    enabled: boolean;
    /** ISO-8601 creation time. */
    created_at: string | null;
    /** Who created it. */
    created_by: string | null;
  }

  /** A value that made an alert fire. */
  export interface IFiredValue {
    /** Time of the point. */
    ts: number;
    /** The value. */
    value: number;
    /** Batch of the point, if known. */
    batch_id: string | null;
  }

  /** What an alert set off, and how it went. */
  export interface IAlertAction {
    /** Action kind (`notebook`, `webhook`, `callable`). */
    kind: string;
    /** `pending`, `running`, `ok`, `error` or `skipped`. */
    status: string;
    /** Outcome in words. */
    detail: string | null;
    /** Output (e.g. the executed notebook's path). */
    output: string | null;
    /** Run id of a triggered run, if any. */
    run_id: string | null;
    /** When the action was queued. */
    created_ts: number | null;
    /** When it finished. */
    finished_ts: number | null;
  }

  /**
   * An alert (`Alert`).
   */
  export interface IAlert {
    /** Alert id. */
    id: number;
    /** The rule that fired. */
    rule_id: number;
    /** Model name. */
    model: string;
    /** Version number. */
    version: number;
    /** The series key that breached. */
    series: string;
    /** `firing` or `resolved`. */
    state: AlertState;
    /** Severity of the rule. */
    severity: string;
    /** Message, e.g. `drift.psi.age = 0.41 > 0.2`. */
    message: string;
    /** Latest value seen. */
    value: number | null;
    /** Threshold of the rule. */
    threshold: number | null;
    /** Comparison of the rule. */
    op: Op | null;
    /** The values that fired it. */
    fired_values: IFiredValue[];
    /** Breaching points seen while firing. */
    occurrences: number;
    /** When it fired. */
    fired_ts: number;
    /** Time of the latest point. */
    last_ts: number | null;
    /** When it resolved, or null. */
    resolved_ts: number | null;
    /** Actions set off. */
    actions: IAlertAction[];
  }

  /**
   * The parts of a batch report (`BatchReport`) the detail view shows.
   */
  export interface IBatchReport {
    /** Batch id. */
    batch_id: string | null;
    /** Batch time. */
    ts: number | null;
    /** `api` or `serve`. */
    source: string | null;
    /** Rows in the batch. */
    n_rows: number | null;
    /** Labelled rows. */
    n_labelled: number | null;
    /**
     * Why values are missing: `insufficient_data` reasons, each prefixed with
     * its feature when the report names one.
     */
    insufficient: string[];
    /** Features of the reference profile the batch lacks. */
    missing_features: string[];
    /** Features of the batch the reference profile does not know. */
    extra_features: string[];
    /** Performance of the batch, once labels arrived. */
    performance: Record<string, number>;
  }

  /** The latest value of one series. */
  export interface ILatest {
    /** The value. */
    value: number;
    /** Its time. */
    ts: number;
  }

  /**
   * Response of `GET monitoring/{model}`.
   */
  export interface IMonitorDetail {
    /** The version's summary. */
    monitor: IMonitorSummary;
    /** Latest value of every series. */
    latest: Record<string, ILatest>;
    /** Feature names of the reference profile. */
    features: string[];
    /** Every series key with data. */
    series_keys: string[];
    /** Rules that apply to the version. */
    rules: IRule[];
    /** Firing alerts first, then recent resolved ones. */
    alerts: IAlert[];
    /** The report of the last batch, or null. */
    last_report: IBatchReport | null;
  }

  /** One point of a series. */
  export interface IPoint {
    /** Epoch seconds. */
    ts: number;
    /** The value (may be non-finite). */
    value: number;
  }

  /** A rule threshold that applies to a series. */
  export interface IThreshold {
    /** The rule. */
    rule_id: number;
    /** Comparison. */
    op: Op;
    /** Threshold value. */
    threshold: number;
    /** Severity of the rule. */
    severity: string;
  }

  /** One series of `GET monitoring/{model}/series`. */
  export interface ISeries {
    /** Series key, e.g. `drift.psi.age`. */
    key: string;
    /** Points, oldest first. */
    points: IPoint[];
    /** Whether older points were left out. */
    truncated: boolean;
    /** Thresholds of the rules whose pattern matches the key. */
    thresholds: IThreshold[];
  }

  /**
   * Response of `GET monitoring/{model}/series`.
   */
  export interface ISeriesList {
    /** `name:N` of the version. */
    ref: string;
    /** The series. */
    series: ISeries[];
  }

  /** Query of `GET monitoring/{model}/series`. */
  export interface ISeriesQuery {
    /** A glob over keys (`drift.psi.*`; an exact key matches itself). */
    pattern?: string;
    /** Points per key (most recent). */
    limit?: number;
  }
}
