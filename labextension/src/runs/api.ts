/**
 * The REST calls of the runs feature, and of the connection every view shares
 * (`meta`, `changes`): one method per endpoint, each answer decoded.
 */
import type { RestClient } from '../shared/rest';
import {
  decodeChanges,
  decodeKeys,
  decodeMeta,
  decodeRegisteredVersion,
  decodeRunDetail,
  decodeRunList
} from './decode';
import { decodeReport } from './reportDecode';
import * as MM from './types';

/**
 * The runs endpoints.
 */
export interface IRunsApi {
  /** `GET meta`: version handshake and registry location. */
  meta(): Promise<MM.IMeta>;
  /** `GET runs`: one page of runs. */
  runs(query: MM.IRunQuery): Promise<MM.IRunList>;
  /** `GET keys`: experiments, metric and param keys. */
  keys(): Promise<MM.IKeys>;
  /** `GET runs/{id}`: everything about one run. */
  run(id: string): Promise<MM.IRunDetail>;
  /** `GET changes?since=N`: cheap change cursor. */
  changes(since: number): Promise<MM.IChanges>;
  /** `GET runs/{id}/reports/{name}`: one evaluation report. */
  report(runId: string, name: string): Promise<MM.IReport>;
  /**
   * `POST runs/{id}/register-model`: register the model autologging stored for
   * the run as a new version of `request.name`. What the server refuses is an
   * `MMApiError` carrying its message.
   */
  registerModel(
    runId: string,
    request: MM.IRegisterModelRequest
  ): Promise<MM.IRegisteredVersion>;
}

/** The runs endpoints over a client. */
export function runsApi(client: RestClient): IRunsApi {
  return {
    meta: () => client.get(['meta'], decodeMeta),
    runs: query =>
      client.get(['runs'], decodeRunList, {
        q: query.q.trim(),
        experiment: query.experiment,
        status: query.status,
        user: query.user || undefined,
        sort: query.sort,
        order: query.order,
        limit: query.limit,
        offset: query.offset,
        children: query.children ? 1 : undefined
      }),
    keys: () => client.get(['keys'], decodeKeys),
    run: id => client.get(['runs', id], decodeRunDetail),
    changes: since => client.get(['changes'], decodeChanges, { since }),
    report: (runId, name) =>
      client.get(['runs', runId, 'reports', name], decodeReport),
    registerModel: (runId, request) =>
      client.post(
        ['runs', runId, 'register-model'],
        {
          name: request.name.trim(),
          // blanks mean none (the server reads "" as no alias or stage)
          alias: request.alias.trim(),
          stage: request.stage
        },
        decodeRegisteredVersion
      )
  };
}
