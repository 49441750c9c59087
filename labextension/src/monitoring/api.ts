/**
 * The REST calls of monitoring (docs/monitoring.md): one method per endpoint, each
 * answer decoded.
 */
import type { RestClient } from '../shared/rest';
import {
  decodeAcknowledgement,
  decodeMonitorDetail,
  decodeMonitorList,
  decodeSeriesList
} from './decode';
import { Mon } from './types';

/**
 * The monitoring endpoints.
 */
export interface IMonitoringApi {
  /** `GET monitoring`: monitored versions, and the firing alerts of every model. */
  monitoring(query?: Partial<Mon.IMonitorQuery>): Promise<Mon.IMonitorList>;
  /** `GET monitoring/{ref}`: status, rules, alerts and last report of a version. */
  monitor(ref: string): Promise<Mon.IMonitorDetail>;
  /** `GET monitoring/{ref}/series?pattern=`: points and thresholds of matching series. */
  monitorSeries(
    ref: string,
    query?: Mon.ISeriesQuery
  ): Promise<Mon.ISeriesList>;
  /**
   * `POST alerts/{id}/acknowledge` (or, with `acknowledged` false,
   * `unacknowledge`): the alert after the change and the new badge count.
   */
  acknowledgeAlert(
    id: number,
    acknowledged: boolean,
    comment?: string
  ): Promise<Mon.IAcknowledgement>;
}

/** The monitoring endpoints over a client. */
export function monitoringApi(client: RestClient): IMonitoringApi {
  return {
    monitoring: (query = {}) =>
      client.get(['monitoring'], decodeMonitorList, {
        limit: query.limit,
        offset: query.offset
      }),
    monitor: ref => client.get(['monitoring', ref], decodeMonitorDetail),
    monitorSeries: (ref, query = {}) =>
      client.get(['monitoring', ref, 'series'], decodeSeriesList, {
        pattern: query.pattern,
        limit: query.limit
      }),
    acknowledgeAlert: (id, acknowledged, comment) =>
      client.post(
        ['alerts', String(id), acknowledged ? 'acknowledge' : 'unacknowledge'],
        comment ? { comment } : {},
        decodeAcknowledgement
      )
  };
}
