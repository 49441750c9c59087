/**
 * The REST calls of monitoring (docs/monitoring.md): one method per endpoint, each
 * answer decoded.
 */
import type { RestClient } from '../shared/rest';
import {
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
      })
  };
}
