/**
 * Types of the monitoring REST contract (`docs/monitoring.md`), as the frontend
 * sees them after decoding by `decode.ts`.
 *
 * They are the wire types generated from the JSON Schemas
 * (`shared/contract.generated.ts`), since monitored values are always finite and
 * the decoders copy fields as they come, except where the frontend keeps an open
 * set open (a stage, severity, rule kind or action status a newer server may add
 * shows as text) and the batch report, which the detail view summarises.
 *
 * Times are epoch seconds (`ts`), as the server sends them.
 */
import type { RestPayloads } from '../shared/contract.generated';

/** `T` with the fields of `R` in place of its own. */
type Override<T, R> = Omit<T, keyof R> & R;

type MonitorPage = RestPayloads['monitoring_page'];
type MonitorDetail = RestPayloads['monitoring_detail'];
type SeriesPage = RestPayloads['monitoring_series'];
type WireRule = MonitorDetail['rules'][number];
type WireAlert = MonitorDetail['alerts'][number];
type WireSeries = SeriesPage['series'][number];

/**
 * Namespace of the monitoring data types.
 */
export namespace Mon {
  /** A rule's comparison. */
  export type Op = WireSeries['thresholds'][number]['op'];

  /** Every comparison a rule may use. */
  export const OPS: ReadonlyArray<Op> = ['>', '>=', '<', '<=', '==', '!='];

  /** Severities the styles know; others render as `other`. */
  export const SEVERITIES: ReadonlyArray<string> = [
    'info',
    'warning',
    'critical'
  ];

  /** The state of an alert: `firing` or `resolved`. */
  export type AlertState = WireAlert['state'];

  /** One monitored model version (`MonitorSummary`); `ref` is `name:N`. */
  export type IMonitorSummary = Override<
    MonitorPage['monitors'][number],
    { stage: string }
  >;

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
   * Response of `GET monitoring`: a page of monitored versions, newest activity
   * first, and the firing alerts over every model (the sidebar badge).
   */
  export type IMonitorList = Override<
    MonitorPage,
    { monitors: IMonitorSummary[] }
  >;

  /** What a rule does when it fires: its kind and a display label. */
  export type IRuleAction = NonNullable<WireRule['action']>;

  /**
   * A rule (`Rule`): a series glob compared with a threshold, or an event rule.
   */
  export type IRule = Override<WireRule, { kind: string; severity: string }>;

  /** A value that made an alert fire. */
  export type IFiredValue = WireAlert['fired_values'][number];

  /** What an alert set off (`pending`, `running`, `ok`, `error`, `skipped`). */
  export type IAlertAction = Override<
    WireAlert['actions'][number],
    { status: string }
  >;

  /** An alert (`Alert`) of one rule on one series of one model version. */
  export type IAlert = Override<
    WireAlert,
    { severity: string; actions: IAlertAction[] }
  >;

  /**
   * Reply of `POST alerts/{id}/acknowledge` and `.../unacknowledge`: the alert
   * after the change and the new badge count (unacknowledged firing alerts).
   */
  export interface IAcknowledgement {
    /** The alert, with `acknowledged_at`/`acknowledged_by` set or cleared. */
    alert: IAlert;
    /** Firing alerts nobody has acknowledged, over every model. */
    firing: number;
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
  export type ILatest = MonitorDetail['latest'][string];

  /**
   * Response of `GET monitoring/{model}`: status, latest values, rules, alerts
   * (firing first) and the report of the last batch.
   */
  export type IMonitorDetail = Override<
    MonitorDetail,
    {
      monitor: IMonitorSummary;
      rules: IRule[];
      alerts: IAlert[];
      last_report: IBatchReport | null;
    }
  >;

  /** One point of a series. */
  export type IPoint = WireSeries['points'][number];

  /** A rule threshold that applies to a series. */
  export type IThreshold = Override<
    WireSeries['thresholds'][number],
    { severity: string }
  >;

  /** One series of `GET monitoring/{model}/series`, its points oldest first. */
  export type ISeries = Override<WireSeries, { thresholds: IThreshold[] }>;

  /** Response of `GET monitoring/{model}/series`. */
  export type ISeriesList = Override<SeriesPage, { series: ISeries[] }>;

  /** Query of `GET monitoring/{model}/series`. */
  export interface ISeriesQuery {
    /** A glob over keys (`drift.psi.*`; an exact key matches itself). */
    pattern?: string;
    /** Points per key (most recent). */
    limit?: number;
  }
}
