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
import { decodeRunSummary } from '../shared/decodeCommon';
import { isObject } from '../shared/decode';
import { decodeReport } from './reportDecode';
import { decodeCheckout, decodeRerunReport } from './reproDecode';
import { runsParams } from './query';
import { csvColumns } from './tableColumns';
import * as MM from './types';

/**
 * The runs endpoints.
 */
export interface IRunsApi {
  /** `GET meta`: version handshake and registry location. */
  meta(): Promise<MM.IMeta>;
  /**
   * `GET runs`: one page of runs; with a `cursor` (a page's `next_cursor` or
   * `prev_cursor`) the page the server seeks to instead of counting `offset`.
   */
  runs(query: MM.IRunQuery, cursor?: string | null): Promise<MM.IRunList>;
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
    runs: (query, cursor) =>
      client.get(['runs'], decodeRunList, runsParams(query, cursor)),
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
          stage: request.stage,
          // a run with hidden-state warnings is refused (409) without it
          ...(request.confirm_reproducibility
            ? { confirm_reproducibility: true }
            : {})
        },
        decodeRegisteredVersion
      )
  };
}

/**
 * The housekeeping endpoints of runs (issue 14): edits and moves, each answered
 * with the run's new summary, and the CSV export of a listing. Apart from
 * {@link IRunsApi} so that test doubles of the listing need not fake them.
 */
export interface IRunHousekeepingApi {
  /** `POST runs/{id}/update`: rename, note, tags, star. */
  updateRun(id: string, update: MM.IRunUpdate): Promise<MM.IRunSummary>;
  /** `POST runs/{id}/archive`: hide from lists (kept, restorable). */
  archiveRun(id: string): Promise<MM.IRunSummary>;
  /** `POST runs/{id}/restore`: undo an archive or a delete. */
  restoreRun(id: string): Promise<MM.IRunSummary>;
  /** `POST runs/{id}/delete`: soft delete (`mm-jupyter gc` purges later). */
  deleteRun(id: string): Promise<MM.IRunSummary>;
  /** `POST runs/{id}/move`: into another experiment. */
  moveRun(id: string, experiment: string): Promise<MM.IRunSummary>;
  /**
   * `GET runs.csv`: every run of a listing (its filters and sort, not its page)
   * as CSV, with the table's columns (`name`, `metric:acc`, `param:lr`, ...;
   * those the export has, see {@link csvColumns}).
   */
  runsCsv(query: MM.IRunQuery, columns: string[]): Promise<Blob>;
}

/** The housekeeping endpoints over a client. */
export function runHousekeepingApi(client: RestClient): IRunHousekeepingApi {
  const post = (id: string, verb: string, body: unknown) =>
    client.post(['runs', id, verb], body, v =>
      // The summary itself, or wrapped as `{"run": ...}`.
      decodeRunSummary(isObject(v) && isObject(v.run) ? v.run : v)
    );
  return {
    updateRun: (id, update) => post(id, 'update', update),
    archiveRun: id => post(id, 'archive', {}),
    restoreRun: id => post(id, 'restore', {}),
    deleteRun: id => post(id, 'delete', {}),
    moveRun: (id, experiment) => post(id, 'move', { experiment }),
    runsCsv: async (query, columns) => {
      // Every matching run, not the page on screen.
      const params = runsParams({ ...query, offset: 0 });
      const response = await client.request(['runs.csv'], {
        ...params,
        limit: undefined,
        offset: undefined,
        columns: csvColumns(columns).join(',')
      });
      return response.blob();
    }
  };
}

/**
 * The reproducibility endpoints of a run (issue 15): re-run it in a fresh
 * kernel, and get it back as a notebook.
 */
export interface IRunReproApi {
  /**
   * `POST runs/{id}/rerun`: execute the run's minimal program headless and
   * compare (takes seconds: the kernel starts and the cells run).
   */
  rerun(id: string, request?: MM.IRerunRequest): Promise<MM.IRerunReport>;
  /** `GET runs/{id}/checkout`: the run as a notebook (the server writes no file). */
  checkout(id: string): Promise<MM.ICheckout>;
}

/** The reproducibility endpoints over a client. */
export function runReproApi(client: RestClient): IRunReproApi {
  return {
    rerun: (id, request = {}) =>
      client.post(['runs', id, 'rerun'], request, decodeRerunReport),
    checkout: id => client.get(['runs', id, 'checkout'], decodeCheckout)
  };
}
